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
// keeps its say. Fields WeChat alone knows (20 to 23) are replaced; field
// 24 stamps the run, for MarkGone.
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 run, 3 subscribe time, 4
// subscribe scene, 5 QR scene, 6 language, 7 remark, 8 WeChat tags, 9 dry
// ("1": change nothing).
//
// Returns 1 created, 2 updated, 0 unchanged (the run stamp aside).
const syncScript = luaProfile + luaSubState + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local P = load(raw)
local before = table.concat(P, '\30', 1, 23)
local at = tonumber(ARGV[3])
if at > num(P[4]) then P[4] = ARGV[3]; P[6] = ARGV[5] end
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
// subscribe or activity since the run began says it follows.
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 run (unix s of its start), 3 dry.
//
// Returns 1 when marked.
const goneScript = luaProfile + luaSubState + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local P = load(raw)
local run = tonumber(ARGV[2])
if P[2] ~= '1' or P[24] == ARGV[2] or math.max(num(P[4]), num(P[8])) >= run then return 0 end
if ARGV[3] == '1' then return 1 end
if num(P[5]) < run then P[5] = ARGV[2] end
subState(P)
redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30'))
return 1
`

// weChatTagsScript replaces field 20 of an existing profile.
//
// KEYS: 1 profile shard. ARGV: 1 openid, 2 WeChat tags.
const weChatTagsScript = luaProfile + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local P = load(raw)
if P[20] == ARGV[2] then return 0 end
P[20] = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30'))
return 1
`
