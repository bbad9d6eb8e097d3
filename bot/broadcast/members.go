package broadcast

import (
	"strconv"
)

// Member is where one follower of a broadcast's frozen audience ended up
// when sending began, as the sender writes it to the member index
// (store.Broadcasts.WriteMembers): in a batch, in a version's tag run, or
// left out and why. Tracked links, conversions and the export read it.
type Member struct {
	// Batch is the index in Broadcast.Batches of the openid batch the
	// follower was in (the latest step's, in a reminder series), or -1.
	Batch int
	// TagVersion is the version whose WeChat tag the follower was put in
	// (the tag channel), or -1.
	TagVersion int
	// Left says why the follower received nothing, when Batch and
	// TagVersion are -1: one of the Left* constants.
	Left string
}

// Why a follower of the frozen audience was left out.
const (
	LeftHoldout      = "holdout"      // the holdout, kept out on purpose
	LeftUnsubscribed = "unsubscribed" // unsubscribed since the preview
	LeftCapped       = "capped"       // other broadcasts reached the frequency cap
	LeftActed        = "acted"        // held the reminder series' tag
	LeftLone         = "lone"         // alone in a batch, which WeChat refuses
)

var leftCodes = map[string]string{
	LeftHoldout: "h", LeftUnsubscribed: "u", LeftCapped: "c", LeftActed: "x", LeftLone: "l",
}

// BatchMember is the member of batch i.
func BatchMember(i int) Member { return Member{Batch: i, TagVersion: -1} }

// TagMember is the member of version v's tag run.
func TagMember(v int) Member { return Member{Batch: -1, TagVersion: v} }

// LeftMember is a member left out for why (a Left* constant).
func LeftMember(why string) Member { return Member{Batch: -1, TagVersion: -1, Left: why} }

// Encode is m as the member index stores it: "b<batch>", "t<version>" or
// one letter for why they were left out.
func (m Member) Encode() string {
	switch {
	case m.Batch >= 0:
		return "b" + strconv.Itoa(m.Batch)
	case m.TagVersion >= 0:
		return "t" + strconv.Itoa(m.TagVersion)
	}
	return leftCodes[m.Left]
}

// ParseMember reads a stored member value; ok is false for a value this
// version does not know.
func ParseMember(v string) (m Member, ok bool) {
	if v == "" {
		return Member{}, false
	}
	if v[0] == 'b' || v[0] == 't' {
		n, err := strconv.Atoi(v[1:])
		if err != nil || n < 0 {
			return Member{}, false
		}
		if v[0] == 'b' {
			return BatchMember(n), true
		}
		return TagMember(n), true
	}
	for why, code := range leftCodes {
		if v == code {
			return LeftMember(why), true
		}
	}
	return Member{}, false
}

// BatchOf is the index in b.Batches of the batch that carried member m to
// them: their openid batch, or their version's sendall batch; -1 when
// none exists (left out, or the tag send not yet made).
func (b *Broadcast) BatchOf(m Member) int {
	switch {
	case m.Batch >= 0 && m.Batch < len(b.Batches):
		return m.Batch
	case m.TagVersion >= 0 && b.TagSend != nil:
		for _, tv := range b.TagSend.Versions {
			if tv.Variant == m.TagVersion && tv.Batch >= 0 && tv.Batch < len(b.Batches) {
				return tv.Batch
			}
		}
	}
	return -1
}

// Received reports whether member m received b, and which version: their
// batch was accepted by WeChat. A batch whose outcome is unknown does not
// count (see BatchUnknown).
func (b *Broadcast) Received(m Member) (version int, ok bool) {
	i := b.BatchOf(m)
	if i < 0 || b.Batches[i].State != BatchSent {
		return 0, false
	}
	return b.Batches[i].Variant, true
}
