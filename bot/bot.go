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
	Record(ctx context.Context, ev store.Event, now time.Time) (store.Outcome, error)
	RecordFinal(ctx context.Context, ev store.Event, now time.Time) (store.Outcome, error)
	MarkSeen(ctx context.Context, openid, id string) (store.Outcome, error)
	Finish(ctx context.Context, openid, id, answer string) error
	Answer(ctx context.Context, openid, id string) (store.Outcome, error)
}

// Replier chooses the passive reply to a callback. The rules engine is one.
type Replier interface {
	Reply(ctx context.Context, m Message) (Reply, error)
}

// Options configures a Bot.
type Options struct {
	Followers Followers
	// Replier may be nil: then no callback gets a passive reply.
	Replier Replier
	// ReplyWait bounds how long a retried delivery waits for the first
	// delivery's answer before it answers nothing.
	ReplyWait time.Duration
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

// Handle records m and returns the passive reply. A retried delivery
// changes nothing and returns the first delivery's reply. The returned
// error is ErrInvalid for a malformed message, or a store error: then
// nothing was recorded and WeChat should retry.
func (b *Bot) Handle(ctx context.Context, m Message) (Result, error) {
	if !validOpenID(m.OpenID) {
		return Result{}, fmt.Errorf("%w: FromUserName %q is not an openid", ErrInvalid, m.OpenID)
	}
	if m.CreateTime <= 0 || m.MsgType == "" {
		return Result{}, fmt.Errorf("%w: missing CreateTime or MsgType", ErrInvalid)
	}
	k := b.kinds.lookup(&m)
	ev := toEvent(&m, k)
	var (
		out store.Outcome
		err error
	)
	switch {
	case k.system:
		out, err = b.o.Followers.MarkSeen(ctx, m.OpenID, ev.DedupID)
	case b.o.Replier == nil:
		// No reply can come: record the answer ("nothing") in the same
		// round trip instead of a second one.
		out, err = b.o.Followers.RecordFinal(ctx, ev, b.o.Now())
	default:
		out, err = b.o.Followers.Record(ctx, ev, b.o.Now())
	}
	if err != nil {
		return Result{Kind: k.name}, err
	}
	if out.Duplicate {
		return Result{Kind: k.name, Duplicate: true, Reply: b.repeat(ctx, m.OpenID, ev.DedupID, out)}, nil
	}
	if k.system || b.o.Replier == nil {
		return Result{Kind: k.name}, nil
	}
	reply := b.reply(ctx, m)
	answer := ""
	if !reply.Empty() {
		raw, _ := json.Marshal(reply) // a struct of strings always marshals
		answer = string(raw)
	}
	if err := b.o.Followers.Finish(ctx, m.OpenID, ev.DedupID, answer); err != nil {
		// The profile is updated; a retry will wait ReplyWait and answer
		// nothing. Worth a log, not worth failing this delivery.
		b.o.Log.Warn("store the answer for retries", zap.String("openid", m.OpenID), zap.Error(err))
	}
	return Result{Kind: k.name, Reply: reply}, nil
}

func (b *Bot) reply(ctx context.Context, m Message) Reply {
	if b.o.Replier == nil {
		return Reply{}
	}
	r, err := b.o.Replier.Reply(ctx, m)
	if err != nil {
		b.o.Log.Warn("reply rules failed; answering nothing", zap.String("openid", m.OpenID), zap.Error(err))
		return Reply{}
	}
	return r
}

// repeat returns the answer of the first delivery, waiting for it while the
// first delivery is still being handled (WeChat retries after 5 s even
// when the first attempt is merely slow).
func (b *Bot) repeat(ctx context.Context, openid, id string, out store.Outcome) Reply {
	wait := time.NewTimer(b.o.ReplyWait)
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
