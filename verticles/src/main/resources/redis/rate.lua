-- learngrid.cache.rate: KEYS the budgets, ARGV pairs {limit, period ms} in the same order, then
-- the requests to take (a node leasing a slice of a busy budget asks for more than one).
-- GCRA over every key at once, on Redis time (one clock for every node of the cluster): each key
-- holds its theoretical arrival time in microseconds (in milliseconds one key could not pass
-- 1,000 requests/s, whatever its limit) and expires when its budget is whole again. Either every
-- limit takes the requests or none does, so a refusal costs no budget; when fewer than asked are
-- left, every limit gives what the tightest has. Replies {allowed, limit, remaining, reset ms,
-- retry-after ms} of the tightest limit, then the requests granted.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local asked = math.max(1, tonumber(ARGV[2 * #KEYS + 1] or '1'))
local tat, interval, period = {}, {}, {}
local granted = asked
for i = 1, #KEYS do
  period[i] = tonumber(ARGV[2 * i]) * 1000
  interval[i] = period[i] / tonumber(ARGV[2 * i - 1])
  tat[i] = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
  -- Requests this limit can take now: those whose arrival would still fall within its period.
  granted = math.min(granted, math.floor((now - tat[i] + period[i]) / interval[i]))
end
local allowed, tightest, limitOut, resetOut, retry = 1, nil, 0, 0, 0
if granted < 1 then allowed, granted = 0, 0 end
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local next, remaining = tat[i], 0
  if allowed == 1 then
    next = tat[i] + granted * interval[i]
    remaining = math.floor((now - next + period[i]) / interval[i])
  else
    -- Refused: what each limit would have left after one more, so that the tightest reported is
    -- one that refused (-1), not another that happens to have nothing to spare.
    remaining = math.floor((now - tat[i] + period[i]) / interval[i]) - 1
    retry = math.max(retry, tat[i] + interval[i] - period[i] - now)
  end
  if tightest == nil or remaining < tightest then
    tightest, limitOut, resetOut = remaining, limit, next - now
  end
  if allowed == 1 then
    redis.call('SET', KEYS[i], string.format('%d', math.ceil(next)), 'PX', math.max(1, math.ceil((next - now) / 1000)))
  end
end
return {allowed, limitOut, math.max(0, tightest), math.ceil(resetOut / 1000), math.ceil(retry / 1000), granted}
