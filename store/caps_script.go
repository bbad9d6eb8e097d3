package store

// capCountScript reserves one run of a broadcast batch (at most
// CapBatchMax openids): unless the run's once-marker exists, it takes a
// slot in every period for each openid under every period's maximum,
// writes the receipt ("id@unix", the newest only) next to each taken
// openid's count in the first period, and stores the openids taken in the
// marker. Marker and counts change in one script, so a batch that is
// retried, resumed after a crash, or reserved by a second replica at the
// same time is counted exactly once: whoever sets the marker counts,
// everyone else gets the same openids back. Two broadcasts reserving at
// once are serialised by Redis, so a follower's last slot goes to one.
//
// A counter is a hash field whose value is the count, followed in the
// first period by "|" and the receipt. The openids come grouped by cap
// hash, and each group is read with one HMGET and written with one HSET
// per period, so a batch of 10,000 costs a few hundred calls. With P
// periods and D groups, the counter hash of period p (0-based) for group
// j (0-based) is KEYS[2 + p*D + j].
//
// KEYS: 1 once-marker, then the counter hashes.
// ARGV: 1 marker ttl ms, 2 receipt ("id@unix"), 3 P, 4 D, 5 the period
// keys joined by "," (kept in the marker, so that a release gives back
// exactly these), 6…5+P each period's ttl ms, 6+P…5+2P each period's
// maximum (0: none), then per group its size n and its n openids. The
// marker holds "<periods>;<openids taken>".
//
// Returns {1, openids taken} when it reserved, {0, what the marker holds}
// when the run was reserved before.
const capCountScript = `
local prev = redis.call('GET', KEYS[1])
if prev then return {0, prev} end
local rec = ARGV[2]
local P, D = tonumber(ARGV[3]), tonumber(ARGV[4])
local ttl, most = {}, {}
for p = 1, P do ttl[p] = ARGV[5 + p]; most[p] = tonumber(ARGV[5 + P + p]) end
local kept = {}
local i = 6 + 2 * P
for j = 0, D - 1 do
  local n = tonumber(ARGV[i])
  local ids, under, cnt = {}, {}, {}
  for x = 1, n do ids[x] = ARGV[i + x]; under[x] = true end
  i = i + n + 1
  for p = 0, P - 1 do
    local vals = redis.call('HMGET', KEYS[2 + p * D + j], unpack(ids))
    local c = {}
    for x = 1, n do
      local v = vals[x]
      c[x] = v and tonumber(string.match(v, '^%d+')) or 0
      if most[p + 1] > 0 and c[x] >= most[p + 1] then under[x] = false end
    end
    cnt[p] = c
  end
  for p = 0, P - 1 do
    local args = {}
    for x = 1, n do
      if under[x] then
        args[#args + 1] = ids[x]
        if p == 0 then
          args[#args + 1] = (cnt[p][x] + 1) .. '|' .. rec
        else
          args[#args + 1] = cnt[p][x] + 1
        end
      end
    end
    if #args > 0 then
      local k = KEYS[2 + p * D + j]
      redis.call('HSET', k, unpack(args))
      redis.call('PEXPIRE', k, ttl[p + 1], 'NX')
    end
  end
  for x = 1, n do if under[x] then kept[#kept + 1] = ids[x] end end
end
-- Joined in pieces: the embedded store's Lua cannot concat 10,000 values
-- at once.
local pieces = {}
for x = 1, #kept, 500 do pieces[#pieces + 1] = table.concat(kept, ',', x, math.min(x + 499, #kept)) end
local taken = table.concat(pieces, ',')
redis.call('SET', KEYS[1], ARGV[5] .. ';' .. taken, 'PX', ARGV[1])
return {1, taken}
`

// capReleaseScript gives back the slots a run's reservation took, once:
// the marker is kept, marked released ('!' in front), so neither a second
// release nor a late reservation of the same run counts anything. A
// receipt of this broadcast is dropped: the follower never got it.
//
// KEYS: 1 once-marker, then the counter hashes (KEYS[2 + p*D + j]) of the
// periods the marker names.
// ARGV: 1 P, 2 D, 3 the receipt prefix "id@", then pairs of openid and
// its group j, as the marker holds them.
const capReleaseScript = `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) == '!' then return 0 end
local P, D, mine = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
for i = 4, #ARGV, 2 do
  local o, j = ARGV[i], tonumber(ARGV[i + 1])
  for p = 0, P - 1 do
    local k = KEYS[2 + p * D + j]
    local cur = redis.call('HGET', k, o)
    if cur then
      local n, rest = string.match(cur, '^(%d+)(.*)$')
      if string.sub(rest, 2, #mine + 1) == mine then rest = '' end
      n = tonumber(n) - 1
      if n <= 0 and rest == '' then
        redis.call('HDEL', k, o)
      else
        redis.call('HSET', k, o, math.max(n, 0) .. rest)
      end
    end
  end
end
redis.call('SET', KEYS[1], '!' .. v, 'KEEPTTL')
return 1
`
