-- learngrid.cache.add: KEYS[1] the counter, ARGV[1] the lifetime of a new counter (s), ARGV[2]
-- the amount. As increment.lua with a step, and one script for the same reason: the expiry
-- cannot get lost between the INCRBY and the EXPIRE. Replies {value, PTTL ms}.
local value = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {value, redis.call('PTTL', KEYS[1])}
