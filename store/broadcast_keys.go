package store

import "strconv"

// Broadcast keys. Everything the sender changes together (the records, the
// active set, the leases, the msg_id index, the pause flag, the audit log)
// shares the hash tag {bc}, so one Lua script may touch any of them in a
// Cluster. The audience lists of one broadcast are large and written once;
// they get a tag of their own, {bca:<id>}, to spread them over the cluster.

func (k keys) bc(rest string) string { return k.prefix + "bc:{bc}:" + rest }

func (k keys) bcSeq() string             { return k.bc("seq") }
func (k keys) bcRecord(id int64) string  { return k.bc("r:" + strconv.FormatInt(id, 10)) }
func (k keys) bcIDs() string             { return k.bc("ids") }
func (k keys) bcActive() string          { return k.bc("active") }
func (k keys) bcLease(id int64) string   { return k.bc("lease:" + strconv.FormatInt(id, 10)) }
func (k keys) bcMsgIndex() string        { return k.bc("msg") }
func (k keys) bcEarlyReports() string    { return k.bc("early") }
func (k keys) bcPaused() string          { return k.bc("paused") }
func (k keys) bcAudit() string           { return k.bc("audit") }
func (k keys) bcNotices() string         { return k.bc("notices") }
func (k keys) bcOnce(what string) string { return k.bc("once:" + what) }

// bcList is one list of openids of broadcast id: a chunk of the audience
// snapshot or one batch, under name (which says which).
func (k keys) bcList(id int64, name string, i int) string {
	return k.prefix + "bc:{bca:" + strconv.FormatInt(id, 10) + "}:" + name + ":" + strconv.Itoa(i)
}
