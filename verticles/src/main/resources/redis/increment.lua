-- learngrid.cache.incr: KEYS[1] the counter, ARGV[1] the lifetime of a new counter (s).
-- One script, so Redis runs its commands as one: an INCR whose EXPIRE got lost (a timeout, a
-- dropped connection) would leave a counter that never expires, a block for good. The expiry is
-- set only on a new key, so the window is fixed from the first increment.
-- Replies {value, PTTL ms}.
local value = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {value, redis.call('PTTL', KEYS[1])}
