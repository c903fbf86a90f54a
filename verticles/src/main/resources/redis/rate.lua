-- learngrid.cache.rate: KEYS the budgets, ARGV pairs {limit, period ms} in the same order.
-- GCRA over every key at once, on Redis time (one clock for every node of the cluster): each key
-- holds its theoretical arrival time in microseconds (in milliseconds one key could not pass
-- 1,000 requests/s, whatever its limit) and expires when its budget is whole again. Either every
-- limit takes the request or none does, so a refusal costs no budget. Replies {allowed, limit,
-- remaining, reset ms, retry-after ms} of the tightest limit.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local allowed, tightest, limitOut, resetOut, retry = 1, -1, 0, 0, 0
local next = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local period = tonumber(ARGV[2 * i]) * 1000
  local interval = period / limit
  local tat = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
  local newTat = tat + interval
  local allowAt = newTat - period
  local remaining = 0
  if allowAt > now then
    allowed = 0
    retry = math.max(retry, allowAt - now)
    next[i] = tat
  else
    remaining = math.floor((now - allowAt) / interval)
    next[i] = newTat
  end
  if tightest < 0 or remaining < tightest then
    tightest, limitOut, resetOut = remaining, limit, next[i] - now
  end
end
if allowed == 1 then
  for i = 1, #KEYS do
    redis.call('SET', KEYS[i], string.format('%d', math.ceil(next[i])), 'PX',
      math.max(1, math.ceil((next[i] - now) / 1000)))
  end
end
return {allowed, limitOut, tightest, math.ceil(resetOut / 1000), math.ceil(retry / 1000)}
