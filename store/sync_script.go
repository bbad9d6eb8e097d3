package store

// luaSubState derives the subscription state (fields 2 and 3) from the
// newest subscribe, activity and unsubscribe, exactly as recordScript
// does, so a sync and a callback never disagree on what they mean.
const luaSubState = `
local function subState(P)
  local on, off = math.max(num(P[4]), num(P[8])), num(P[5])
  if on > off then P[2] = '1' elseif off > on then P[2] = '0' end
  if on ~= 0 or off ~= 0 then P[3] = tostring(math.max(on, off)) end
end
`

// syncScript writes one follower as a sync run listed it. WeChat's
// subscribe_time is the follower's newest subscribe: it moves sa (and the
// scene with it) forward, never back, so a callback recorded meanwhile
// keeps its say. Being listed is itself evidence: a follower whose newest
// recorded unsubscribe is older than the listing follows again (a missed
// subscribe callback, or an earlier sweep that marked it gone by mistake),
// so sa moves to the listing time. Fields WeChat alone knows (20 to 23) are
// replaced; field 24 stamps the run, for MarkGone.
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 run, 3 subscribe time, 4
// subscribe scene, 5 QR scene, 6 language, 7 remark, 8 WeChat tags, 9 dry
// ("1": change nothing), 10 when the page listing it was fetched.
//
// Returns 1 created, 2 updated, 0 unchanged (the run stamp aside).
const syncScript = luaProfile + luaSubState + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local P = load(raw)
local before = table.concat(P, '\30', 1, 23)
local at = tonumber(ARGV[3])
if at > num(P[4]) then P[4] = ARGV[3]; P[6] = ARGV[5] end
local listed = tonumber(ARGV[10])
local off = num(P[5])
if off >= math.max(num(P[4]), num(P[8])) and off < listed then P[4] = ARGV[10] end
subState(P)
P[20] = ARGV[8]; P[21] = ARGV[4]; P[22] = ARGV[6]; P[23] = ARGV[7]
local changed = table.concat(P, '\30', 1, 23) ~= before
P[24] = ARGV[2]
if ARGV[9] ~= '1' then redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30')) end
if not raw then return 1 end
if changed then return 2 end
return 0
`

// goneScript marks a follower the sync run did not list as unsubscribed,
// as of the run's start: unless the run listed it after all, or a
// subscribe or activity since shortly before the run began says it
// follows. The margin (ARGV 4) allows for the skew between this host's
// clock, which starts the run, and WeChat's, which dates the events; a
// follower it spares is marked by the next run, and one marked by mistake
// is restored by the next run that lists it (see syncScript).
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 run (unix s of its start), 3
// dry, 4 margin s.
//
// Returns 1 when marked.
const goneScript = luaProfile + luaSubState + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local P = load(raw)
local run = tonumber(ARGV[2])
if P[2] ~= '1' or P[24] == ARGV[2] or math.max(num(P[4]), num(P[8])) >= run - tonumber(ARGV[4]) then return 0 end
if ARGV[3] == '1' then return 1 end
if num(P[5]) < run then P[5] = ARGV[2] end
subState(P)
redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30'))
return 1
`

// weChatTagScript adds or removes one WeChat tag in field 20 of an
// existing profile, in place, so it cannot undo a sync that rewrote the
// field meanwhile.
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 "+" or "-", 3 tag id, 4 name.
const weChatTagScript = luaProfile + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local P = load(raw)
local out, id = {}, ARGV[3]
for item in string.gmatch(P[20], '[^\31]+') do
  if string.match(item, '^([^=]*)=') ~= id then out[#out + 1] = item end
end
if ARGV[2] == '+' then out[#out + 1] = id .. '=' .. ARGV[4] end
local field = table.concat(out, '\31')
if field == P[20] then return 0 end
P[20] = field
redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30'))
return 1
`
