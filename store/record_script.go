package store

// recordScript applies one callback to a follower atomically: it marks the
// delivery as seen and updates the profile and history, or, if the delivery
// was seen before, changes nothing and returns what the first one stored.
// Doing both in one script is what makes a retried callback change state
// exactly once, even when the retry races the first delivery.
//
// KEYS: 1 dedup, 2 profile, 3 history.
// ARGV: 1 dedup ttl ms, 2 event unix ts, 3 class (m message, e event,
// p passive: recorded but not activity), 4 kind, 5 subscription change
// ("s", "u" or ""), 6 scene, 7 click key, 8 lat, 9 lng, 10 precision,
// 11 history entry, 12 history max, 13 history cutoff ts, 14 history ttl s,
// 15 current day, 16 current hour, 17 event day, 18 event hour, 19 the
// dedup mark: "p" (pending: the caller will Finish with the answer) or
// "r" (final, no answer: saves the Finish round trip when no reply can come).
//
// Profile fields (short names keep 2M followers small):
//
//	fs first seen   la last active    sub 1/0      st ts of last sub change
//	sa subscribed   ua unsubscribed   sc scene     ck/ca last click key/ts
//	lat/lng/lp/lt last location and its ts        n:<kind> count by kind
//	d  day buckets  "day:msgs:events,…" for 30 days
//	hr hour buckets "hour:msgs:events,…" for 24 hours
const recordScript = `
local seen = redis.call('GET', KEYS[1])
if seen then return seen end
redis.call('SET', KEYS[1], ARGV[19], 'PX', ARGV[1])

local P = KEYS[2]
local ts = tonumber(ARGV[2])
local class = ARGV[3]

local function bump(field, now, keep, unit)
  local s = redis.call('HGET', P, field) or ''
  local out, found = {}, false
  local dm, de = 0, 0
  if class == 'm' then dm = 1 else de = 1 end
  for u, m, e in string.gmatch(s, '(%d+):(%d+):(%d+)') do
    u = tonumber(u)
    if u > now - keep then
      if u == unit then
        m = tonumber(m) + dm
        e = tonumber(e) + de
        found = true
      end
      out[#out + 1] = u .. ':' .. m .. ':' .. e
    end
  end
  if not found then
    if unit <= now - keep then return end
    out[#out + 1] = unit .. ':' .. dm .. ':' .. de
  end
  redis.call('HSET', P, field, table.concat(out, ','))
end

redis.call('HSETNX', P, 'fs', ts)
redis.call('HINCRBY', P, 'n:' .. ARGV[4], 1)

if class ~= 'p' then
  local la = tonumber(redis.call('HGET', P, 'la') or '0')
  if ts > la then redis.call('HSET', P, 'la', ts) end
  bump('d', tonumber(ARGV[15]), 30, tonumber(ARGV[17]))
  bump('hr', tonumber(ARGV[16]), 24, tonumber(ARGV[18]))
end

-- Subscription state follows the event with the latest CreateTime, so a
-- late or retried subscribe cannot undo a newer unsubscribe.
local st = tonumber(redis.call('HGET', P, 'st') or '0')
local sub = ARGV[5]
if sub == 's' then
  if ts >= st then
    redis.call('HSET', P, 'sub', '1', 'st', ts, 'sa', ts)
    if ARGV[6] ~= '' then redis.call('HSET', P, 'sc', ARGV[6]) else redis.call('HDEL', P, 'sc') end
  end
elseif sub == 'u' then
  if ts >= st then redis.call('HSET', P, 'sub', '0', 'st', ts, 'ua', ts) end
elseif ts > st and redis.call('HGET', P, 'sub') ~= '1' then
  -- Only followers can message an account: activity newer than the last
  -- known change means the follower is subscribed.
  redis.call('HSET', P, 'sub', '1', 'st', ts)
end

if ARGV[7] ~= '' then
  local ca = tonumber(redis.call('HGET', P, 'ca') or '0')
  if ts >= ca then redis.call('HSET', P, 'ck', ARGV[7], 'ca', ts) end
end
if ARGV[8] ~= '' then
  local lt = tonumber(redis.call('HGET', P, 'lt') or '0')
  if ts >= lt then redis.call('HSET', P, 'lat', ARGV[8], 'lng', ARGV[9], 'lp', ARGV[10], 'lt', ts) end
end

local H = KEYS[3]
redis.call('LPUSH', H, ARGV[11])
redis.call('LTRIM', H, 0, tonumber(ARGV[12]) - 1)
local cutoff = tonumber(ARGV[13])
for i = 1, 8 do
  local last = redis.call('LINDEX', H, -1)
  if not last then break end
  local t = tonumber(string.match(last, '^(%d+)'))
  if t == nil or t >= cutoff then break end
  redis.call('RPOP', H)
end
redis.call('EXPIRE', H, ARGV[14])
return false
`

// finishScript stores the answer of the first delivery so retries can
// repeat it. It only overwrites the pending mark it set, keeping the TTL.
//
// KEYS: 1 dedup. ARGV: 1 answer.
const finishScript = `
if redis.call('GET', KEYS[1]) == 'p' then
  redis.call('SET', KEYS[1], 'r' .. ARGV[1], 'KEEPTTL')
  return 1
end
return 0
`
