package store

// capCountScript reserves one run of a broadcast batch (at most
// CapBatchMax openids): unless the run's once-marker exists, it takes a
// slot in every period for each openid under every period's maximum,
// appends the receipt to the day's list of each openid taken, and stores
// the openids taken in the marker. Marker and counts change in one script,
// so a batch that is retried, resumed after a crash, or reserved by a
// second replica at the same time is counted exactly once: whoever sets
// the marker counts, everyone else gets the same openids back. Two
// broadcasts reserving at once are serialised by Redis, so a follower's
// last slot goes to one of them.
//
// The openids come grouped by cap hash, and each group is read with one
// HMGET and written with one HSET per hash, so a batch of 10,000 costs a
// few hundred calls. With P periods and D groups, the counter hash of
// period p (0-based) for group j (0-based) is KEYS[2 + p*D + j], the
// receipt hash of group j KEYS[2 + P*D + j].
//
// KEYS: 1 once-marker, then the counter hashes, then the receipt hashes.
// ARGV: 1 marker ttl ms, 2 receipt ("id@unix"), 3 receipt hashes' expiry
// (unix ms), 4 P, 5 D, 6…5+P each period's ttl ms, 6+P…5+2P each period's
// maximum (0: none), then per group its size n and its n openids.
//
// Returns {1, openids taken} when it reserved, {0, what the marker holds}
// when the run was reserved before.
const capCountScript = `
local prev = redis.call('GET', KEYS[1])
if prev then return {0, prev} end
local rec, recAt = ARGV[2], ARGV[3]
local P, D = tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl, most = {}, {}
for p = 1, P do ttl[p] = ARGV[5 + p]; most[p] = tonumber(ARGV[5 + P + p]) end
local kept = {}
local i = 6 + 2 * P
for j = 0, D - 1 do
  local n = tonumber(ARGV[i])
  local ids = {}
  for x = 1, n do ids[x] = ARGV[i + x] end
  i = i + n + 1
  local cur, under = {}, {}
  for x = 1, n do under[x] = true end
  for p = 0, P - 1 do
    cur[p] = redis.call('HMGET', KEYS[2 + p * D + j], unpack(ids))
    if most[p + 1] > 0 then
      for x = 1, n do
        if tonumber(cur[p][x] or '0') >= most[p + 1] then under[x] = false end
      end
    end
  end
  local took = {}
  for x = 1, n do if under[x] then took[#took + 1] = x end end
  if #took > 0 then
    for p = 0, P - 1 do
      local args = {}
      for _, x in ipairs(took) do
        args[#args + 1] = ids[x]
        args[#args + 1] = tonumber(cur[p][x] or '0') + 1
      end
      local k = KEYS[2 + p * D + j]
      redis.call('HSET', k, unpack(args))
      redis.call('PEXPIRE', k, ttl[p + 1], 'NX')
    end
    local rk = KEYS[2 + P * D + j]
    local names = {}
    for _, x in ipairs(took) do names[#names + 1] = ids[x] end
    local old = redis.call('HMGET', rk, unpack(names))
    local args = {}
    for y, o in ipairs(names) do
      local v = old[y]
      if v then
        v = v .. ',' .. rec
        -- Keep the list short: drop the oldest receipts past 480 bytes.
        if #v > 480 then v = string.sub(v, string.find(v, ',', #v - 480, true) + 1) end
      else
        v = rec
      end
      args[#args + 1] = o
      args[#args + 1] = v
      kept[#kept + 1] = o
    end
    redis.call('HSET', rk, unpack(args))
    redis.call('PEXPIREAT', rk, recAt)
  end
end
-- Joined in pieces: the embedded store's Lua cannot concat 10,000 values
-- at once.
local pieces = {}
for x = 1, #kept, 500 do pieces[#pieces + 1] = table.concat(kept, ',', x, math.min(x + 499, #kept)) end
local taken = table.concat(pieces, ',')
redis.call('SET', KEYS[1], taken, 'PX', ARGV[1])
return {1, taken}
`

// capReleaseScript gives back the slots a run's reservation took, once:
// the marker is kept, marked released ('!' in front), so neither a second
// release nor a late reservation of the same run counts anything.
//
// KEYS: 1 once-marker, then the counter hashes (KEYS[2 + p*D + j]).
// ARGV: 1 P, 2 D, then pairs of openid and its shard j, as the marker
// holds them.
const capReleaseScript = `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) == '!' then return 0 end
local P, D = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  local o, j = ARGV[i], tonumber(ARGV[i + 1])
  for p = 0, P - 1 do
    local k = KEYS[2 + p * D + j]
    if redis.call('HINCRBY', k, o, -1) <= 0 then redis.call('HDEL', k, o) end
  end
end
redis.call('SET', KEYS[1], '!' .. v, 'KEEPTTL')
return 1
`
