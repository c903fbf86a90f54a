-- learngrid.cache.ai-admit: daily token budgets with reservations, and the reply-cache lookup, in
-- one round trip (the path before the first upstream byte). KEYS: 4 per budget {spent, reserved,
-- held (hash id -> tokens), expiry (zset id -> ms)}, then, when ARGV[8] is 1, the lookup's {entry,
-- generation, load lock}. ARGV: {budgets n, reservation id, tokens, lease ms, key lifetime s,
-- lock ms, lock token, lookup 0/1, limit 1 .. limit n}.
-- A budget takes a request while spent + reserved is below its limit; the request then holds
-- `tokens` against every budget at once (all or none), so however many run at once, the day ends
-- at most one reservation past a limit. Reservations whose lease ran out (their node died before
-- it settled) are dropped first. A cache hit reserves nothing: it costs no tokens.
-- Replies {admitted, refused budget (1-based, 0: none), its spent + reserved, hit value or '',
-- generation, 1 if the caller holds the load lock}.
local n = tonumber(ARGV[1])
local id, tokens, lease, life = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, n do
  local b = (i - 1) * 4
  local expired = redis.call('ZRANGEBYSCORE', KEYS[b + 4], '-inf', now, 'LIMIT', 0, 100)
  for _, old in ipairs(expired) do
    local held = redis.call('HGET', KEYS[b + 3], old)
    if held then
      redis.call('HDEL', KEYS[b + 3], old)
      redis.call('DECRBY', KEYS[b + 2], held)
    end
    redis.call('ZREM', KEYS[b + 4], old)
  end
  local used = tonumber(redis.call('GET', KEYS[b + 1]) or '0') + tonumber(redis.call('GET', KEYS[b + 2]) or '0')
  if used >= tonumber(ARGV[8 + i]) then return {0, i, used, '', '0', 0} end
end
local generation, loader = '0', 0
if ARGV[8] == '1' then
  local e = 4 * n
  local value = redis.call('GET', KEYS[e + 1])
  generation = redis.call('GET', KEYS[e + 2]) or '0'
  if value then return {1, 0, 0, value, generation, 0} end
  if tonumber(ARGV[6]) > 0 and redis.call('SET', KEYS[e + 3], ARGV[7], 'NX', 'PX', ARGV[6]) then loader = 1 end
end
if tokens > 0 then
  for i = 1, n do
    local b = (i - 1) * 4
    redis.call('HSET', KEYS[b + 3], id, tokens)
    redis.call('ZADD', KEYS[b + 4], now + lease, id)
    redis.call('INCRBY', KEYS[b + 2], tokens)
    for k = 1, 4 do redis.call('EXPIRE', KEYS[b + k], life) end
  end
end
return {1, 0, 0, '', generation, loader}
