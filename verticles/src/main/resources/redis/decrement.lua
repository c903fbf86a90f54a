-- learngrid.cache.decr: KEYS[1] the counter. One script, so the check and the DECR are one step:
-- a counter never goes below 0, a missing one is not created (a DECR would create it at -1, with
-- no expiry), and the counter keeps its expiry. Replies {value, PTTL ms}.
local value = tonumber(redis.call('GET', KEYS[1]) or '0')
if value > 0 then value = redis.call('DECR', KEYS[1]) end
return {value, redis.call('PTTL', KEYS[1])}
