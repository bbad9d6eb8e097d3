package store

// finishScript completes a delivery: it stores the answer for retries to
// repeat and applies the tag changes the rules decided on, both only if
// the delivery is still unfinished ("p<ms>" or "q", as recordScript left it).
// That check is what keeps a retried callback from applying its rules
// twice. Tags that expired are dropped on the way, each with a history
// entry dated at its expiry.
//
// KEYS: 1 dedup, 2 profile shard, 3 history.
// ARGV: 1 openid, 2 answer, 3 now (unix s), 4 history max, 5 history ttl s,
// 6… tag changes "op\31tag\31expires\31rule": op "+" adds the tag or sets
// the expiry of a present one (expires 0 = never), "-" removes it.
//
// Returns 1 when applied, 0 when the delivery was already finished.
const finishScript = luaProfile + `
local mark = redis.call('GET', KEYS[1])
if not mark or (string.sub(mark, 1, 1) ~= 'p' and mark ~= 'q') then return 0 end
redis.call('SET', KEYS[1], 'r' .. ARGV[2], 'KEEPTTL')
if #ARGV < 6 then return 1 end

-- Only field 18 (tags) changes: find its span instead of splitting the
-- whole profile.
local raw = redis.call('HGET', KEYS[2], ARGV[1]) or ''
local a, b = 1, 0
for i = 1, 18 do
  b = string.find(raw, '\30', a, true)
  if not b then break end
  if i < 18 then a = b + 1 end
end
if not b then
  raw = table.concat(load(raw ~= '' and raw or nil), '\30')
  a = 1
  for i = 1, 17 do a = string.find(raw, '\30', a, true) + 1 end
  b = string.find(raw, '\30', a, true)
end
local now = tonumber(ARGV[3])
local tags, order, hist = {}, {}, {}
for name, exp in string.gmatch(string.sub(raw, a, b - 1), '([^\31=]+)=(%d+)') do
  exp = tonumber(exp)
  if exp ~= 0 and exp <= now then
    hist[#hist + 1] = exp .. '\31tag_removed\31' .. name .. '\31ttl'
  else
    tags[name] = exp
    order[#order + 1] = name
  end
end
for i = 6, #ARGV do
  local op, name, exp, rule = string.match(ARGV[i], '^([+-])\31([^\31]+)\31(%d+)\31(.*)$')
  if op == '+' then
    if tags[name] == nil then
      order[#order + 1] = name
      hist[#hist + 1] = now .. '\31tag_added\31' .. name .. '\31' .. rule
    end
    tags[name] = tonumber(exp)
  elseif op == '-' and tags[name] ~= nil then
    tags[name] = nil
    hist[#hist + 1] = now .. '\31tag_removed\31' .. name .. '\31' .. rule
  end
end
local out = {}
for _, name in ipairs(order) do
  if tags[name] ~= nil then
    out[#out + 1] = name .. '=' .. tags[name]
    tags[name] = nil
  end
end
redis.call('HSET', KEYS[2], ARGV[1], string.sub(raw, 1, a - 1) .. table.concat(out, '\31') .. string.sub(raw, b))
pushHistory(KEYS[3], hist, tonumber(ARGV[4]), ARGV[5])
return 1
`

// attrsScript merges business attributes into a follower's profile,
// creating the profile if needed. KEYS: 1 profile shard. ARGV: 1 openid,
// 2 mode ("1" dry: write nothing, only report; "2" write and name the
// attributes whose value changed), 3… "name\31value" pairs; an empty value
// deletes the attribute.
//
// Returns 1 when the attributes changed (dry: would change), 0 when they
// already held these values: then nothing is written, so re-importing a
// file rewrites no profile (and creates none for a follower whose
// attributes are deleted). Mode "2" returns the list of changed names
// instead (empty when none).
const attrsScript = luaProfile + `
local P = load(redis.call('HGET', KEYS[1], ARGV[1]))
local before = P[19]
local vals, order = {}, {}
for name, v in string.gmatch(before, '([^\31=]+)=([^\31]*)') do
  vals[name] = v; order[#order + 1] = name
end
local changed = {}
for i = 3, #ARGV do
  local name, v = string.match(ARGV[i], '^([^\31]+)\31(.*)$')
  if name then
    if vals[name] == nil then order[#order + 1] = name end
    if (vals[name] or '') ~= v then changed[#changed + 1] = name end
    if v == '' then vals[name] = false else vals[name] = v end
  end
end
local out = {}
for _, name in ipairs(order) do
  if vals[name] then out[#out + 1] = name .. '=' .. vals[name]; vals[name] = nil end
end
local after = table.concat(out, '\31')
if after == before then
  if ARGV[2] == '2' then return {} end
  return 0
end
if ARGV[2] == '1' then return 1 end
P[19] = after
redis.call('HSET', KEYS[1], ARGV[1], table.concat(P, '\30'))
if ARGV[2] == '2' then return changed end
return 1
`
