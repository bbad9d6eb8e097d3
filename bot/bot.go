package bot

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// Followers is what the bot needs from the store.
type Followers interface {
	Record(ctx context.Context, ev store.Event, now time.Time, mark store.Mark) (store.Outcome, error)
	Finish(ctx context.Context, openid, id, answer string, changes []store.TagChange, now time.Time) (bool, error)
	MarkSeen(ctx context.Context, openid, id string) (store.Outcome, error)
	Begin(ctx context.Context, openid, id string, now time.Time) (store.Outcome, error)
	Answer(ctx context.Context, openid, id string) (store.Outcome, error)
}

// Decider decides what a callback does beyond updating the profile: the
// tag changes and the passive reply. The rules engine is the real one
// (see Rules); tests may bring their own.
type Decider interface {
	// Plan returns the decisions of the rules live now. A callback uses one
	// plan from start to end, so a reload in between cannot mix two
	// versions.
	Plan() Plan
}

// Plan is one version of the rules.
type Plan interface {
	// Replies and Tags report whether any callback can get a passive reply
	// or tag changes; when neither can, a callback costs one Redis round
	// trip instead of two.
	Replies() bool
	Tags() bool
	// Decide runs the rules on the follower's updated profile and the
	// callback. It never fails: a rule that fails counts as false.
	Decide(ctx context.Context, p *store.Profile, ev *store.Event, now time.Time) Decision
}

// Decision is what the rules made of one callback.
type Decision struct {
	Changes []store.TagChange
	Reply   Reply
}

// TagMirror hears about tag changes the rules applied, to mirror them
// onto WeChat tags (see usersync.Mirror).
type TagMirror interface {
	Changed(ctx context.Context, p *store.Profile, changes []store.TagChange) error
}

// Options configures a Bot.
type Options struct {
	Followers Followers
	// Rules may be nil: then no callback gets tags or a passive reply.
	Rules Decider
	// ReplyWait bounds how long a retried delivery waits for the first
	// delivery's answer before it answers nothing.
	ReplyWait time.Duration
	// RedisTimeout bounds each Redis call of a callback (see
	// store.WithCallTimeout); 0 leaves them unbounded.
	RedisTimeout time.Duration
	// TagMirror, when set, hears about applied tag changes.
	TagMirror TagMirror
	// Admins runs admin commands; nil turns the admin bot off.
	Admins AdminBot
	// Claims takes the one-time codes of `wxcast admins add`; nil ignores
	// them (they are ordinary texts then).
	Claims AdminClaims
	// AdminsAsFollowers counts admins' messages and events as follower
	// behaviour too (profile and tags; their text is a command all the same).
	AdminsAsFollowers bool
	// Jobs hears WeChat's mass-send job reports; nil ignores them.
	Jobs JobReports
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	Log *zap.Logger
}

// Bot handles callbacks. It is safe for concurrent use.
type Bot struct {
	o     Options
	kinds kindTable
}

// New returns a Bot.
func New(o Options) *Bot {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	return &Bot{o: o, kinds: newKindTable()}
}
