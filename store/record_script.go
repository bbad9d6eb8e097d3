package store

// MaxKinds bounds the kinds a profile counts apart (luaProfile's
// MAXKINDS): a signed callback of a type no one knows still counts under
// its own name, so rules can use a type WeChat adds, but a follower's
// profile never holds more than MaxKinds of them; later new kinds count
// as "other". About twenty kinds exist today.
const MaxKinds = 64

// luaProfile is shared by the scripts that rewrite a profile string (see
// blob.go for its fields): load(raw) splits it into the table P with at
// least nFields entries, keeping any newer fields it does not know;
// table.concat(P, '\30') writes it back.
const luaProfile = `
local NF = 26
local MAXKINDS = 64
local function load(raw)
  local P = {}
  if raw then
    local i = 1
    for f in string.gmatch(raw .. '\30', '([^\30]*)\30') do P[i] = f; i = i + 1 end
  end
  for i = 1, NF do if P[i] == nil then P[i] = '' end end
  P[1] = '1'
  return P
end
local function num(s) return tonumber(s) or 0 end
local function pushHistory(H, entries, max, ttl)
  if #entries == 0 then return 0 end
  local n = redis.call('LPUSH', H, unpack(entries))
  if n > max then redis.call('LTRIM', H, 0, max - 1) end
  redis.call('EXPIRE', H, ttl)
  return n
end
`

// recordScript applies one callback to a follower atomically: it marks the
// delivery as seen and updates the profile and history, or, if the delivery
// was seen before, changes nothing and returns what the first one stored.
// Doing both in one script is what makes a retried callback change state
// exactly once, even when the retry races the first delivery.
//
// KEYS: 1 dedup, 2 profile shard, 3 history.
// ARGV: 1 openid, 2 dedup ttl ms, 3 dedup mark ("p<unix ms>" answer
// pending since then, "q" answer is nothing but tag changes may follow,
// "r" final), 4 event unix
// ts, 5 class (m message, e event, p passive: recorded but not activity),
// 6 kind, 7 subscription change ("s", "u" or ""), 8 scene, 9 click key,
// 10 lat, 11 lng, 12 precision, 13 history entry, 14 history max,
// 15 history cutoff ts, 16 history ttl s, 17 current day, 18 current hour,
// 19 event day, 20 event hour, 21 "1" for an external event (recorded
// only into an existing profile, and activity only while subscribed: see
// Event.External), 22 device os, 23 device model ("" keeps the stored
// device).
//
// Returns {1, mark} for a seen delivery, {0, profile} for a new one, and
// {2, empty string} for an external event and a follower without a
// profile (nothing is written, not even the dedup mark).
const recordScript = luaProfile + `
if ARGV[21] == '1' and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return {2, ''} end
-- One call marks the delivery and returns an earlier mark, if any.
local seen = redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2], 'NX', 'GET')
if seen then return {1, seen} end

local P = load(redis.call('HGET', KEYS[2], ARGV[1]))
local ts = tonumber(ARGV[4])
local class = ARGV[5]

-- Buckets "unit:msgs:events,…" kept for keep units up to now. The common
-- case, another event in the newest bucket with nothing to prune, edits
-- the last item in place instead of rebuilding the list.
local function bump(s, now, keep, unit)
  local dm, de = 0, 0
  if class == 'm' then dm = 1 else de = 1 end
  local first = string.match(s, '^(%d+)')
  local comma, p = 0, 1
  while true do
    local q = string.find(s, ',', p, true)
    if not q then break end
    comma, p = q, q + 1
  end
  local u, m, e = string.match(s, '^(%d+):(%d+):(%d+)$', comma + 1)
  if first and u and tonumber(first) > now - keep and tonumber(u) == unit then
    return string.sub(s, 1, comma) .. u .. ':' .. (tonumber(m) + dm) .. ':' .. (tonumber(e) + de)
  end
  -- Rebuild, oldest first, so that the next event of the newest bucket
  -- takes the fast path above.
  local items, found = {}, false
  for u, m, e in string.gmatch(s, '(%d+):(%d+):(%d+)') do
    u = tonumber(u)
    if u > now - keep then
      if u == unit then
        m = tonumber(m) + dm
        e = tonumber(e) + de
        found = true
      end
      items[#items + 1] = {u, m, e}
    end
  end
  if not found and unit > now - keep then items[#items + 1] = {unit, dm, de} end
  table.sort(items, function(x, y) return x[1] < y[1] end)
  local out = {}
  for i, it in ipairs(items) do out[i] = it[1] .. ':' .. it[2] .. ':' .. it[3] end
  return table.concat(out, ',')
end

-- Counts "kind=n" \31-separated: the kind's number is found and replaced.
-- A new kind past the first MAXKINDS - 1 goes under "other" (see MaxKinds).
local function count(s, kind)
  local a, b, n = string.find('\31' .. s, '\31' .. kind .. '=(%d+)')
  if not a then
    if s == '' then return kind .. '=1' end
    local _, seps = string.gsub(s, '\31', '')
    if seps + 1 >= MAXKINDS - 1 and kind ~= 'other' then return count(s, 'other') end
    return s .. '\31' .. kind .. '=1'
  end
  -- a and b index '\31' .. s: the number ends at b - 1 in s.
  return string.sub(s, 1, b - 1 - #n) .. (tonumber(n) + 1) .. string.sub(s, b)
end

if P[7] == '' or num(P[7]) > ts then P[7] = ARGV[4] end

local kind = ARGV[6]
P[17] = count(P[17], kind)

if class ~= 'p' then
  if ts > num(P[8]) and (ARGV[21] ~= '1' or P[2] == '1') then P[8] = ARGV[4] end
  P[15] = bump(P[15], tonumber(ARGV[17]), 30, tonumber(ARGV[19]))
  P[16] = bump(P[16], tonumber(ARGV[18]), 24, tonumber(ARGV[20]))
end

-- Subscription state is derived from the newest subscribe (sa), the
-- newest activity (la: only followers can talk to an account) and the
-- newest unsubscribe (ua), whatever order the events arrive in, so a late
-- or retried event never undoes a newer one. Within one second the event
-- that arrives last decides.
local sub = ARGV[7]
if sub == 's' and ts >= num(P[4]) then P[4] = ARGV[4]; P[6] = ARGV[8] end
if sub == 'u' and ts > num(P[5]) then P[5] = ARGV[4] end
local on, off = math.max(num(P[4]), num(P[8])), num(P[5])
if on > off then P[2] = '1'
elseif off > on then P[2] = '0'
elseif on ~= 0 then
  if sub == 'u' then P[2] = '0' else P[2] = '1' end
end
P[3] = tostring(math.max(on, off))

if ARGV[9] ~= '' and ts >= num(P[10]) then P[9] = ARGV[9]; P[10] = ARGV[4] end
if ARGV[10] ~= '' and ts >= num(P[14]) then
  P[11] = ARGV[10]; P[12] = ARGV[11]; P[13] = ARGV[12]; P[14] = ARGV[4]
end

if ARGV[22] ~= '' then P[25] = ARGV[22]; P[26] = ARGV[23] end

local blob = table.concat(P, '\30')
redis.call('HSET', KEYS[2], ARGV[1], blob)

local H = KEYS[3]
-- WeChat can report a location every 5 s while a follower has the chat
-- open; keeping one report per 10 minutes stops them from flooding the
-- history (the profile still has the newest position).
local skip = false
if kind == 'location_report' then
  local t, k = string.match(redis.call('LINDEX', H, 0) or '', '^(%d+)\31([^\31]*)')
  skip = k == 'location_report' and math.abs(ts - tonumber(t)) < 600
end
if not skip then
  local n = pushHistory(H, {ARGV[13]}, tonumber(ARGV[14]), ARGV[16])
  -- Entries older than the cutoff go from the tail. Checking costs a call,
  -- so a short list is checked every 8th entry (it is small anyway); a
  -- full one, where old entries would take the place of new ones, always.
  if n % 8 == 0 or n > tonumber(ARGV[14]) then
    local cutoff = tonumber(ARGV[15])
    for i = 1, 8 do
      local last = redis.call('LINDEX', H, -1)
      if not last then break end
      local t = tonumber(string.match(last, '^(%d+)'))
      if t == nil or t >= cutoff then break end
      redis.call('RPOP', H)
    end
  end
end
return {0, blob}
`
