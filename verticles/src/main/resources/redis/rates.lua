-- learngrid.cache.rate and .rates: one or more rate checks, in order. KEYS: every check's budgets,
-- one check after the other. ARGV, for each check: its number of budgets n, then n pairs {limit,
-- period ms} in the order of its keys, then the requests to take (a node leasing a slice of a busy
-- budget asks for more than one). A budget named by two checks sees the first one's take.
-- GCRA over every key of a check at once, on Redis time (one clock for every node of the
-- cluster): each key holds its theoretical arrival time in microseconds (in milliseconds one key
-- could not pass 1,000 requests/s, whatever its limit) and expires when its budget is whole again.
-- Either every limit of a check takes the requests or none does, so a refusal costs no budget;
-- when fewer than asked are left, every limit gives what the tightest has. Replies, per check,
-- {allowed, limit, remaining, reset ms, retry-after ms} of the tightest limit, then the requests
-- granted.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local function check(first, n, args)
  local asked = math.max(1, tonumber(ARGV[args + 2 * n] or '1'))
  local tat, interval, period = {}, {}, {}
  local granted = asked
  for i = 1, n do
    period[i] = tonumber(ARGV[args + 2 * i - 1]) * 1000
    interval[i] = period[i] / tonumber(ARGV[args + 2 * i - 2])
    tat[i] = math.max(tonumber(redis.call('GET', KEYS[first + i - 1]) or '0'), now)
    -- Requests this limit can take now: those whose arrival would still fall within its period.
    granted = math.min(granted, math.floor((now - tat[i] + period[i]) / interval[i]))
  end
  local allowed, tightest, limitOut, resetOut, retry = 1, nil, 0, 0, 0
  if granted < 1 then allowed, granted = 0, 0 end
  for i = 1, n do
    local limit = tonumber(ARGV[args + 2 * i - 2])
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
      redis.call('SET', KEYS[first + i - 1], string.format('%d', math.ceil(next)), 'PX', math.max(1, math.ceil((next - now) / 1000)))
    end
  end
  return {allowed, limitOut, math.max(0, tightest), math.ceil(resetOut / 1000), math.ceil(retry / 1000), granted}
end

local replies, key, arg = {}, 1, 1
while arg <= #ARGV do
  local n = tonumber(ARGV[arg])
  replies[#replies + 1] = check(key, n, arg + 1)
  key, arg = key + n, arg + 2 * n + 2
end
return replies
