-- learngrid.cache.invalidate: KEYS come in pairs (entry, generation), ARGV[1] the generations'
-- lifetime (s). Deletes each entry and moves its generation on in one step, so that a load that
-- looked up before this write cannot fill its stale value after it (fill.lua compares the
-- generation). The new generation is the Redis clock in microseconds, or one more than the old one
-- if that is larger: a generation that expired and comes back never repeats an old value.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 1, #KEYS, 2 do
  local old = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  redis.call('SET', KEYS[i + 1], string.format('%d', math.max(old + 1, now)), 'EX', ARGV[1])
  redis.call('DEL', KEYS[i])
end
return 1
