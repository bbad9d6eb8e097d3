package bot

import (
	"context"
	"encoding/json"
	"fmt"
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
	// TagMirror, when set, hears about applied tag changes.
	TagMirror TagMirror
	// Admins runs admin commands; nil turns the admin bot off.
	Admins AdminBot
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

// Handle records m, runs the rules and returns the passive reply. A
// retried delivery changes nothing and returns the first delivery's reply.
// The returned error is ErrInvalid for a malformed message, or a store
// error: then nothing was recorded and WeChat should retry.
func (b *Bot) Handle(ctx context.Context, m Message) (Result, error) {
	if !validOpenID(m.OpenID) {
		return Result{}, fmt.Errorf("%w: FromUserName %q is not an openid", ErrInvalid, m.OpenID)
	}
	if m.CreateTime <= 0 || m.MsgType == "" {
		return Result{}, fmt.Errorf("%w: missing CreateTime or MsgType", ErrInvalid)
	}
	k := b.kinds.lookup(&m)
	ev := toEvent(&m, k)
	if k.system {
		return b.handleSystem(ctx, &m, k, ev)
	}
	if b.o.Admins != nil {
		a, ok := b.o.Admins.Admin(m.OpenID)
		if ok && (m.MsgType == "text" || !b.o.AdminsAsFollowers) {
			return b.handleAdmin(ctx, &m, k, ev, a)
		}
		if !ok {
			b.noteCommandWord(&m)
		}
	}
	var plan Plan
	if b.o.Rules != nil {
		plan = b.o.Rules.Plan()
	}
	mark := markFor(plan)
	now := b.o.Now()
	out, err := b.o.Followers.Record(ctx, ev, now, mark)
	if err != nil {
		return Result{Kind: k.name}, err
	}
	if out.Duplicate {
		return Result{Kind: k.name, Duplicate: true, Reply: b.repeat(ctx, m.OpenID, ev.DedupID, out)}, nil
	}
	if k.name == "unsubscribe" && b.o.Jobs != nil {
		// Once per delivery (duplicates returned above). A failure costs
		// the guardrail one count, not the callback.
		if err := b.o.Jobs.Unsubscribed(ctx, m.OpenID, now); err != nil {
			b.o.Log.Warn("broadcast guardrail: record unsubscribe", zap.String("openid", m.OpenID), zap.Error(err))
		}
	}
	if mark == store.MarkFinal {
		return Result{Kind: k.name}, nil
	}
	d := plan.Decide(ctx, out.Profile, &ev, now)
	answer := ""
	if !d.Reply.Empty() {
		raw, _ := json.Marshal(d.Reply) // a struct of strings always marshals
		answer = string(raw)
	}
	// Nothing to store: the round trip is saved. A duplicate delivery then
	// finds the mark still pending and stops waiting once a first delivery
	// could no longer be running (pendingGrace).
	if len(d.Changes) > 0 || answer != "" {
		applied, err := b.o.Followers.Finish(ctx, m.OpenID, ev.DedupID, answer, d.Changes, now)
		if err != nil {
			// The profile is updated; a retry will wait ReplyWait and answer
			// nothing, and the tag rules run again on the next callback.
			b.o.Log.Warn("store the answer and tag changes", zap.String("openid", m.OpenID), zap.Error(err))
			d.Changes = nil
		}
		if applied && len(d.Changes) > 0 && b.o.TagMirror != nil {
			// Lost if this fails; the next sync's reconcile puts it right.
			if err := b.o.TagMirror.Changed(ctx, out.Profile, d.Changes); err != nil {
				b.o.Log.Warn("queue WeChat tag changes", zap.String("openid", m.OpenID), zap.Error(err))
			}
		}
	}
	return Result{Kind: k.name, Reply: d.Reply, TagChanges: d.Changes}, nil
}

// markFor picks the dedup mark that tells retries what to expect.
func markFor(p Plan) store.Mark {
	switch {
	case p == nil || !p.Replies() && !p.Tags():
		return store.MarkFinal
	case p.Replies():
		return store.MarkPending
	default:
		return store.MarkNoAnswer
	}
}

// pendingGrace is how long after its start a first delivery may still be
// about to store its answer. Handling one takes milliseconds; past this, a
// pending mark means the first delivery had nothing to store (or died),
// and its duplicates answer nothing at once.
const pendingGrace = time.Second

// repeat returns the answer of the first delivery, waiting for it while the
// first delivery may still be running (a duplicate can arrive while it is:
// a double tap within one second, or a retry racing a slow first attempt),
// at most ReplyWait.
func (b *Bot) repeat(ctx context.Context, openid, id string, out store.Outcome) Reply {
	limit := b.o.ReplyWait
	if !out.Answered {
		limit = min(limit, out.PendingSince.Add(pendingGrace).Sub(b.o.Now()))
	}
	if limit <= 0 && !out.Answered {
		return Reply{}
	}
	wait := time.NewTimer(max(limit, 0))
	defer wait.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !out.Answered {
		select {
		case <-ctx.Done():
			return Reply{}
		case <-wait.C:
			return Reply{}
		case <-tick.C:
		}
		var err error
		if out, err = b.o.Followers.Answer(ctx, openid, id); err != nil {
			b.o.Log.Warn("read the first delivery's answer", zap.String("openid", openid), zap.Error(err))
			return Reply{}
		}
	}
	var r Reply
	if out.Answer != "" {
		if err := json.Unmarshal([]byte(out.Answer), &r); err != nil {
			b.o.Log.Warn("stored answer is not a reply", zap.String("openid", openid), zap.Error(err))
			return Reply{}
		}
	}
	return r
}
