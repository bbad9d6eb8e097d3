package store

// saveBroadcastScript writes a broadcast record if nobody wrote it since
// it was read (its revision is unchanged) and, when an owner is given, only
// while that owner still holds the broadcast's send lease. Every state
// change of a broadcast goes through it, so two admins, or two replicas,
// can never both act on the same version of a broadcast.
//
// KEYS: 1 record, 2 active set, 3 lease, 4 msg_id index.
// ARGV: 1 expected revision, 2 new record, 3 id, 4 active set change ("+",
// "-" or ""), 5 lease owner ("" for none), 6… pairs of msg_id and its
// "<id>:<batch>" for the index.
//
// Returns 1 when written, 0 on a revision conflict, -1 when the lease is
// not the owner's.
const saveBroadcastScript = `
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[1] then return 0 end
if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[5] then return -1 end
redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(ARGV[1]) + 1), 'rec', ARGV[2])
if ARGV[4] == '+' then redis.call('SADD', KEYS[2], ARGV[3])
elseif ARGV[4] == '-' then redis.call('SREM', KEYS[2], ARGV[3]) end
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
return 1
`

// leaseScript takes a broadcast's send lease for owner, or extends it when
// owner holds it already. Returns 1 when owner holds it afterwards.
//
// KEYS: 1 lease. ARGV: 1 owner, 2 ttl ms.
const leaseScript = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`
