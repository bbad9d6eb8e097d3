package store

// capCountScript counts one run of a broadcast batch (at most CapBatchMax
// openids): it sets the run's once-marker and, only if the marker was not
// set before, adds one to each openid's counter in every period and
// appends the receipt to each openid's list of the day. The marker and the
// counts change in one script, so a batch that is retried, resumed after a
// crash, or recorded by a second replica at the same time is counted
// exactly once: whoever sets the marker counts, everyone else changes
// nothing.
//
// The counter and receipt hashes are passed as KEYS, grouped: with P
// periods and D distinct shards, the counter hash of period p (0-based)
// and shard j (0-based) is KEYS[2 + p*D + j], the receipt hash of shard j
// KEYS[2 + P*D + j].
//
// KEYS: 1 once-marker, then the counter hashes, then the receipt hashes.
// ARGV: 1 marker ttl ms, 2 receipt ("id@unix"), 3 receipt hashes' expiry
// (unix ms), 4 P, 5 D, 6…5+P each period's ttl ms, then pairs of openid
// and its shard j.
//
// Returns 1 when counted, 0 when the run was counted before.
const capCountScript = `
if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return 0 end
local rec, recAt = ARGV[2], ARGV[3]
local P, D = tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = {}
for p = 1, P do ttl[p] = ARGV[5 + p] end
local expiring = {}
local rbase = 2 + P * D
for i = 6 + P, #ARGV, 2 do
  local o, j = ARGV[i], tonumber(ARGV[i + 1])
  for p = 0, P - 1 do
    local n = 2 + p * D + j
    -- A counter of 1 may be the first field of a new hash: give it the
    -- period's ttl unless it has one (once per hash and script).
    if redis.call('HINCRBY', KEYS[n], o, 1) == 1 and not expiring[n] then
      redis.call('PEXPIRE', KEYS[n], ttl[p + 1], 'NX')
      expiring[n] = true
    end
  end
  local k = KEYS[rbase + j]
  local v = redis.call('HGET', k, o)
  if v then
    v = v .. ',' .. rec
    -- Keep the list short: drop the oldest receipts past 480 bytes.
    if #v > 480 then v = string.sub(v, string.find(v, ',', #v - 480, true) + 1) end
  else
    v = rec
    expiring[rbase + j] = true
  end
  redis.call('HSET', k, o, v)
end
for j = 0, D - 1 do
  if expiring[rbase + j] then redis.call('PEXPIREAT', KEYS[rbase + j], recAt) end
end
return 1
`
