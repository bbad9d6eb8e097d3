package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/store"
)

// Handle records m, runs the rules and returns the passive reply. A
// retried delivery changes nothing and returns the first delivery's reply.
// The returned error is ErrInvalid for a malformed message, or a store
// error: then nothing was recorded and WeChat should retry. Each Redis
// call is bounded by RedisTimeout, so a Redis that stopped answering
// fails the callback in time for WeChat to hear about it. The bound is a
// context value: an admin command that finishes in the background keeps
// it per call, which a healthy Redis meets by far (its largest call
// writes one list of openids).
func (b *Bot) Handle(ctx context.Context, m Message) (Result, error) {
	if b.o.RedisTimeout > 0 {
		ctx = store.WithCallTimeout(ctx, b.o.RedisTimeout)
	}
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
	if b.o.Claims != nil && m.MsgType == "text" {
		if res, ok, err := b.claim(ctx, &m, k); ok {
			return res, err
		}
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
		return Result{Kind: k.label()}, err
	}
	if out.Duplicate {
		return Result{Kind: k.label(), Duplicate: true, Reply: b.repeat(ctx, m.OpenID, ev.DedupID, out)}, nil
	}
	if k.name == "unsubscribe" && b.o.Jobs != nil {
		// Once per delivery (duplicates returned above). A failure costs
		// the guardrail one count, not the callback.
		if err := b.o.Jobs.Unsubscribed(ctx, m.OpenID, now); err != nil {
			b.o.Log.Warn("broadcast guardrail: record unsubscribe", zap.String("openid", m.OpenID), zap.Error(err))
		}
	}
	if mark == store.MarkFinal {
		return Result{Kind: k.label()}, nil
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
	return Result{Kind: k.label(), Reply: d.Reply, TagChanges: d.Changes}, nil
}
