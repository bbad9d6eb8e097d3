package broadcast

import (
	"time"
)

// Calls is what a plan costs of the account's daily WeChat quotas and
// when it would finish, as its preview judged them against today's
// remaining quotas. The channel it chose is Plan.Channel.
type Calls struct {
	// Mass counts mass/send and mass/sendall calls (one quota); Upload
	// media/uploadnews, one per news version. A plan that sends by tag
	// also needs Tag batchtagging and Untag batchuntagging calls (50
	// followers each), and Create tags/create and Delete tags/delete
	// calls, one per version.
	Mass   Quota `json:"mass"`
	Upload Quota `json:"upload,omitzero"`
	Tag    Quota `json:"tag,omitzero"`
	Untag  Quota `json:"untag,omitzero"`
	Create Quota `json:"create,omitzero"`
	Delete Quota `json:"delete,omitzero"`
	// AtMost: Mass.Need is an upper bound, counting openid batches for
	// every follower who may hold 20 tags already (they cannot be tagged).
	AtMost bool `json:"at_most,omitempty"`
	// Speed is WeChat's delivery speed in recipients a minute (0:
	// unknown); Finish when the plan would be delivered if sent at the
	// preview (zero: unknown, or not today).
	Speed  int       `json:"speed,omitempty"`
	Finish time.Time `json:"finish,omitzero"`
	// Short: the openid batches need more mass-send calls today than
	// remain. Fit is how many followers today's remaining calls reach;
	// Done the day the batches would be complete, each later day's quota
	// spent in full (zero: unknown).
	Short bool      `json:"short,omitempty"`
	Fit   int       `json:"fit,omitempty"`
	Done  time.Time `json:"done,omitzero"`
	// TagFrom: the tagging cannot finish today, so the tag send starts
	// then (the next day).
	TagFrom time.Time `json:"tag_from,omitzero"`
	// NoTag says why a plan that would have sent by tag sends by openid
	// batches.
	NoTag *NoTag `json:"no_tag,omitempty"`
}

// Quota is one of today's quotas as a plan needs it: Need calls, Left of
// Limit remaining today (Left -1: WeChat's quota could not be read).
type Quota struct {
	Need  int `json:"need"`
	Left  int `json:"left"`
	Limit int `json:"limit,omitempty"`
}

// Known reports whether q's remaining calls were read.
func (q Quota) Known() bool { return q.Left >= 0 }

// Fits reports whether q's need fits what remains today; an unknown quota
// is not known not to fit.
func (q Quota) Fits() bool { return !q.Known() || q.Need <= q.Left }

// NoTag is why the tag channel was not used: Reason one of the NoTag
// constants; Need and Have what was needed and what there was.
type NoTag struct {
	Reason string `json:"reason"`
	Need   int    `json:"need,omitempty"`
	Have   int    `json:"have,omitempty"`
}

// Reasons for NoTag.
const (
	NoTagSeries    = "series"     // a reminder series sends by openid batches
	NoTagTags      = "tags"       // too few free tags (Need versions, Have free)
	NoTagTagsRead  = "tags_read"  // the account's tags could not be read
	NoTagQuota     = "tag_quota"  // the tagging calls exceed today's quota
	NoTagMassQuota = "mass_quota" // not even the sendall calls fit today
	NoTagLate      = "late"       // the tagging would not finish today (Need minutes)
)

// Planning constants.
const (
	// MaxAccountTags is how many tags WeChat lets an account hold.
	MaxAccountTags = 100
	// TagCallsPerSecond is the rate a tagging is estimated at: one call
	// at a time at about 100 ms a call to WeChat, conservative (the
	// simulator takes far more).
	TagCallsPerSecond = 10
	// tagBatch is how many followers one batchtagging call takes.
	tagBatch = 50
)

// planInput is what the plan's calls are judged from; see decide.
type planInput struct {
	arms      []int // followers per version (the holdout left out)
	news      int   // news versions, one uploadnews each
	steps     int   // sends (a reminder series' steps), ≥ 1
	today     int   // of them, how many spend today's quota
	series    bool
	batch     int
	interval  time.Duration
	tagAbove  int
	lastStep  time.Time // when a series' last step starts (zero: now)
	mass      Quota     // Left and Limit read, Need filled in by decide
	upload    Quota
	tag       Quota
	untag     Quota
	create    Quota
	delete    Quota
	freeTags  int // -1: unknown
	full      int // at most this many followers hold 20 tags already
	speed     int // recipients a minute, 0 unknown
	now       time.Time
	dayEnd    time.Time // the end of today, in the account's zone and WeChat's quota day
	tagChecks bool      // the tag facts above were read
}

// batches is how many mass/send calls n followers take: ceil(n/size),
// none for a lone follower (the API refuses a list of one).
func batches(n, size int) int {
	if n < 2 {
		return 0
	}
	return (n + size - 1) / size
}

// audienceOf sums the versions.
func audienceOf(arms []int) int {
	n := 0
	for _, a := range arms {
		n += a
	}
	return n
}

// openidCalls is the mass/send calls of one send of every version.
func (in *planInput) openidCalls() int {
	n := 0
	for _, a := range in.arms {
		n += batches(a, in.batch)
	}
	return n
}

// wantsTag reports whether the plan would send by tag if it could: its
// openid batches do not fit today, or its audience is over tag_send_above.
func (in *planInput) wantsTag() bool {
	m := in.mass
	m.Need = in.openidCalls() * in.today
	return audienceOf(in.arms) > in.tagAbove || !m.Fits()
}

// versions counts the versions that reach anyone: one tag each.
func (in *planInput) versions() int {
	v := 0
	for _, a := range in.arms {
		if a > 0 {
			v++
		}
	}
	return v
}
