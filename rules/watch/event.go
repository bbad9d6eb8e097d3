package watch

// Event is what came of one look at the files, or that Watch has begun to
// watch them; Options.Observe hears it.
type Event struct {
	Outcome Outcome
	// Tentative marks a first look by Watch, which leaves a doubtful
	// version for a second look once it has stayed.
	Tentative bool
	// Version is the version read: "" when the files were unreadable.
	Version string
	// Live is the live version afterwards.
	Live string
	// Err says why the files were unreadable or the version refused or
	// doubted; nil for a version doubted only for being blank or by
	// Loader.Doubtful.
	Err error
}

// Outcome says what a look at the files came to.
type Outcome string

// The outcomes of an Event.
const (
	Watching   Outcome = "watching"   // Watch has begun: later changes are seen
	Unchanged  Outcome = "unchanged"  // the live version, read again (or a fixed value)
	Swapped    Outcome = "swapped"    // a new version is live
	Refused    Outcome = "refused"    // invalid: the live version stays
	Unreadable Outcome = "unreadable" // the live version stays
	Doubtful   Outcome = "doubtful"   // tentative: to be looked at again once it has stayed
)
