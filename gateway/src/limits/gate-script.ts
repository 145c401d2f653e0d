/**
 * The request gate's one Redis round trip (issue #13, item 4): for one caller, in one atomic
 * script on one hash slot, in this order:
 *   1. a refund owed from the caller's earlier requests on this instance goes back into its budget;
 *   2. revocation: the tag's epoch marker (auth/redis-revocations.ts) and the token's revocation key;
 *   3. the fixed-window rate limits: the global one first, then every `@rateLimit` field the
 *      operation selects; the first one over ends the script (later ones are not counted);
 *   4. the cost budget: the estimate is taken only when all of it is there (token-bucket.ts's
 *      math on Redis's clock, so every instance agrees).
 * A step that refuses ends the script: no later step counts anything.
 *
 * KEYS: [1] epoch marker, [2] revocation key, [3 .. 2+n] rate-limit windows, [3+n] budget (when
 * ARGV has one). All carry the caller's hash tag (store/hash-tags.ts).
 * ARGV: [1] the token's iat in seconds (-1 without one; -2: no revocation check), [2] n, then per
 * limit: points, window ms, count; then, when there is a budget: capacity, restore per second,
 * points to take (0: refund only), points to refund.
 * Returns {status, lost, over, c1, ttl1, …, cn, ttln, budgetAllowed, tokens, retryMs}: status 0
 * admitted, 1 revoked, 2 issued before the epoch, 3 a rate limit is over (`over` = its index),
 * 4 the budget is short; lost 1 when the epoch marker was missing (Redis lost data).
 */
export const GATE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local iat = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local b = 3 + 3 * n
local hasBudget = ARGV[b] ~= nil
local capacity, rate, take, refund, bkey, tokens
if hasBudget then
  capacity = tonumber(ARGV[b]); rate = tonumber(ARGV[b + 1]); take = tonumber(ARGV[b + 2]); refund = tonumber(ARGV[b + 3])
  bkey = KEYS[3 + n]
  local h = redis.call('HMGET', bkey, 'tokens', 'ts')
  tokens = tonumber(h[1])
  local ts = tonumber(h[2])
  if tokens == nil or ts == nil then tokens = capacity; ts = now end
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate / 1000 + refund)
end
local function saveBucket()
  redis.call('HSET', bkey, 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', bkey, math.ceil((capacity - tokens) * 1000 / rate) + 1000)
end
local function finish(out)
  if hasBudget and (refund > 0 or out[1] == 0) then saveBucket() end
  return out
end

local lost = 0
if iat > -2 then
  local epoch = tonumber(redis.call('GET', KEYS[1]))
  if epoch == nil then
    epoch = now
    redis.call('SET', KEYS[1], now)
    lost = 1
  end
  -- iat has whole seconds: a token of the marker's own second may be older than the marker.
  if iat < 0 or iat <= math.floor(epoch / 1000) then return finish({2, lost, 0}) end
  if redis.call('EXISTS', KEYS[2]) == 1 then return finish({1, lost, 0}) end
end

local out = {0, lost, 0}
for i = 1, n do
  local key = KEYS[2 + i]
  local points = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  local c = redis.call('INCRBY', key, tonumber(ARGV[3 * i + 2]))
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  out[#out + 1] = c
  out[#out + 1] = ttl
  if c > points then
    out[3] = i
    break
  end
end
if out[3] > 0 then
  out[1] = 3
  return finish(out)
end

if hasBudget then
  local allowed = 1
  local retry = 0
  if take > 0 then
    if tokens >= take then tokens = tokens - take else allowed = 0; retry = math.ceil((take - tokens) * 1000 / rate) end
  end
  if allowed == 0 then out[1] = 4 end
  out[#out + 1] = allowed
  out[#out + 1] = tostring(tokens)
  out[#out + 1] = retry
end
return finish(out)
`;

/** The name the script is defined under on the client (`defineCommand`). */
export const GATE_COMMAND = 'frontdoorGate';

/** The ioredis command `defineCommand` adds for GATE_SCRIPT (variable number of keys). */
export interface GateCommand {
  frontdoorGate(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<Array<number | string>>;
}
