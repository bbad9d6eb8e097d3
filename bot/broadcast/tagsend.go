package broadcast

import (
	"fmt"
	"time"
)

// TagSend is the progress of a plan that sends by WeChat tag
// (Plan.Channel == ChannelTag): one temporary WeChat tag per version,
// put on the version's sendable audience 50 followers a call, checked,
// sent to with one mass/sendall, and removed again. It is stored with
// the record, so a replica that takes the lease over goes on from the
// last checkpoint.
type TagSend struct {
	// Day is the calendar day (in the account's zone, 2006-01-02) the
	// tagging and the sendall belong to: the cap slots are reserved in
	// that day's period. NotBefore holds the tagging back until the next
	// day when it could not finish today.
	Day       string    `json:"day,omitempty"`
	NotBefore time.Time `json:"nb,omitzero"`
	// Key names the stored lists: each version's runs ("t"+Key) and the
	// followers WeChat refused to tag ("x"+Key).
	Key      string       `json:"key"`
	Versions []TagVersion `json:"versions"`
}

// TagVersion is one version's temporary tag.
type TagVersion struct {
	Variant int    `json:"v,omitempty"`
	Name    string `json:"name"`
	TagID   int    `json:"id,omitempty"`
	// Stage: tag (runs being reserved and tagged), send (the sendall
	// batch exists), cleanup (the tag is being removed), done.
	Stage string `json:"stage"`
	// FirstRun is the index of the version's first run among the stored
	// lists; Runs how many it has (of at most 10,000 followers each).
	FirstRun int `json:"first"`
	Runs     int `json:"runs"`
	// Members counts the followers written to the runs: the version's
	// sendable audience when sending began. Capped counts those the
	// runs' reservations left out; Unsubscribed those tagged who left
	// before the sendall.
	Members      int `json:"n,omitempty"`
	Capped       int `json:"c,omitempty"`
	Unsubscribed int `json:"u,omitempty"`
	// Done counts the runs reserved and tagged (the checkpoint); Tagged
	// the followers WeChat holds in the tag; Refused those it refused to
	// tag (45059: at 20 tags by now), who go in openid batches instead.
	Done    int `json:"done,omitempty"`
	Tagged  int `json:"tagged,omitempty"`
	Refused int `json:"refused,omitempty"`
	// Repaired counts the members found in the tag outside the reserved
	// set and untagged before the sendall.
	Repaired int `json:"repaired,omitempty"`
	// Batch is the index of the version's sendall batch in Batches (-1
	// before it exists).
	Batch int `json:"batch"`
	// Released: the version's cap slots were given back (its send failed
	// or was cancelled).
	Released bool `json:"released,omitempty"`
}

// The stages of a TagVersion.
const (
	TagStageTag     = "tag"
	TagStageSend    = "send"
	TagStageCleanup = "cleanup"
	TagStageDone    = "done"
)

// TagRunBase is where the reservation indexes of the tag runs start
// (caps.Caps.Reserve): far above any batch index, so that the two never
// collide.
const TagRunBase = 1 << 30

// TagName names the temporary WeChat tag of variant v of b: wxc-<id>-<arm>-<hash>,
// at most 30 bytes (WeChat's limit), found again by a crashed run.
func TagName(b *Broadcast, v int) string {
	hash := ""
	if b.Plan != nil {
		hash = b.Plan.Hash
	}
	n := fmt.Sprintf("%s%d-%s-", TagNamePrefix, b.ID, VariantName(v))
	// The hash gives way to the id: the name must stay unique.
	return n + hash[:max(0, min(len(hash), 30-len(n)))]
}

// TagNamePrefix starts the name of every temporary tag wxcast makes.
const TagNamePrefix = "wxc-"

// Tagging reports whether b still has tagging to do before its batches
// go on: a version whose tag is not yet on its audience.
func (t *TagSend) Tagging() bool {
	if t == nil {
		return false
	}
	for _, v := range t.Versions {
		if v.Stage == TagStageTag {
			return true
		}
	}
	return false
}

// Cleaned reports whether every version's tag is removed.
func (t *TagSend) Cleaned() bool {
	if t == nil {
		return true
	}
	for _, v := range t.Versions {
		if v.Stage != TagStageDone {
			return false
		}
	}
	return true
}

// Progress sums the versions: runs tagged of runs, followers tagged.
func (t *TagSend) Progress() (done, runs, tagged int) {
	if t == nil {
		return 0, 0, 0
	}
	for _, v := range t.Versions {
		done += v.Done
		runs += v.Runs
		tagged += v.Tagged
	}
	return done, runs, tagged
}

// TagCalls counts the calls a tag send makes besides its sendall, for
// versions of members followers each: creating each tag and tagging its
// members 50 a call; and the cleanup, untagging a tag over 100,000
// members down to that, 50 a call, then deleting it. Reading the tags
// (tags/get) and the checks before the sendall are not counted.
func TagCalls(members []int) (tagging, cleanup int) {
	for _, n := range members {
		tagging += 1 + (n+tagBatch-1)/tagBatch
		cleanup += 1 + (max(0, n-tagDeleteMax)+tagBatch-1)/tagBatch
	}
	return tagging, cleanup
}

// tagDeleteMax is the most members a tag may have and be deleted (45057).
const tagDeleteMax = 100000
