-- learngrid.cache.fill: KEYS = {entry, generation, load lock}, ARGV = {value, ttl s, generation
-- of the lookup, lock token or ''}. Stores only if no invalidation moved the generation since the
-- lookup: a load that read the old row cannot put it back after a write deleted it. The lock goes
-- only if it is still the caller's: one that lapsed and went to another loader stays with that
-- loader.
if (redis.call('GET', KEYS[2]) or '0') == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return 1
