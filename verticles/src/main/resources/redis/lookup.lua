-- learngrid.cache.lookup: KEYS = {entry, generation, load lock}, ARGV = {lock ms (0: no lock),
-- the caller's lock token}. The entry, its generation, and on a miss the load lock (SET NX PX,
-- holding the caller's token) in one round trip per lookup, so that one caller in the cluster
-- loads a missing entry and the generation it fills with is the one it read the miss under.
-- Replies {hit, value, generation, 1 if the caller holds the lock}.
local value = redis.call('GET', KEYS[1])
local generation = redis.call('GET', KEYS[2]) or '0'
if value then return {1, value, generation, 0} end
local loader = 0
if tonumber(ARGV[1]) > 0 and redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[1]) then loader = 1 end
return {0, '', generation, loader}
