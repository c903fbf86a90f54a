-- learngrid.cache.ai-settle: ends reservation ARGV[1] in every budget of KEYS (4 per budget, as
-- admit.lua) and counts the request's real tokens ARGV[2] (0 for a release: a failure, a cancel
-- before any token, a reply someone else paid for). Tokens count even when the reservation's
-- lease ran out meanwhile. ARGV[3]: the lifetime of a new counter (s). Replies each budget's spent.
local spent = {}
for i = 1, #KEYS / 4 do
  local b = (i - 1) * 4
  local held = redis.call('HGET', KEYS[b + 3], ARGV[1])
  if held then
    redis.call('HDEL', KEYS[b + 3], ARGV[1])
    redis.call('DECRBY', KEYS[b + 2], held)
  end
  redis.call('ZREM', KEYS[b + 4], ARGV[1])
  local value = tonumber(ARGV[2]) > 0 and redis.call('INCRBY', KEYS[b + 1], ARGV[2])
      or tonumber(redis.call('GET', KEYS[b + 1]) or '0')
  if redis.call('TTL', KEYS[b + 1]) < 0 then redis.call('EXPIRE', KEYS[b + 1], ARGV[3]) end
  spent[i] = value
end
return spent
