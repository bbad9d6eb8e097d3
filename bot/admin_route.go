package bot

import (
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// AdminBot runs the commands admins type (bot/admin.Bot).
type AdminBot interface {
	Admin(openid string) (broadcast.Admin, bool)
	Handle(ctx context.Context, a broadcast.Admin, text string) string
	// Recognizes reports whether text starts with a command word.
	Recognizes(text string) bool
}

// JobReports records WeChat's mass-send job reports, and hears about
// unsubscribes for the broadcasts' guardrails (results.Service).
type JobReports interface {
	JobFinished(ctx context.Context, r broadcast.JobReport) error
	Unsubscribed(ctx context.Context, openid string, at time.Time) error
}

// handleAdmin answers an admin's text with the command's reply. The
// delivery is marked first, so a retry repeats the reply instead of
// running the command twice. Other messages and events of admins change
// nothing, unless admins count as followers.
func (b *Bot) handleAdmin(ctx context.Context, m *Message, k kind, ev store.Event, a broadcast.Admin) (Result, error) {
	if m.MsgType != "text" {
		out, err := b.o.Followers.MarkSeen(ctx, m.OpenID, ev.DedupID)
		return Result{Kind: k.label(), Duplicate: out.Duplicate}, err
	}
	now := b.o.Now()
	var (
		out store.Outcome
		err error
	)
	if b.o.AdminsAsFollowers {
		out, err = b.o.Followers.Record(ctx, ev, now, store.MarkPending)
	} else {
		out, err = b.o.Followers.Begin(ctx, m.OpenID, ev.DedupID, now)
	}
	if err != nil {
		return Result{Kind: k.label()}, err
	}
	if out.Duplicate {
		return Result{Kind: k.label(), Duplicate: true, Reply: b.repeat(ctx, m.OpenID, ev.DedupID, out)}, nil
	}
	text := b.o.Admins.Handle(ctx, a, m.Content)
	reply := Reply{}
	if text != "" {
		reply = Reply{Type: "text", Content: capText(text, maxReplyBytes)}
	}
	raw, _ := json.Marshal(reply)
	if _, err := b.o.Followers.Finish(ctx, m.OpenID, ev.DedupID, string(raw), nil, b.o.Now()); err != nil {
		b.o.Log.Warn("store an admin reply", zap.String("openid", m.OpenID), zap.Error(err))
	}
	return Result{Kind: k.label(), Reply: reply}, nil
}

// handleSystem takes WeChat's own reports. A mass-send report is applied
// before it is marked seen: applying it twice changes nothing, and if
// Redis fails in between, WeChat's retry applies it.
func (b *Bot) handleSystem(ctx context.Context, m *Message, k kind, ev store.Event) (Result, error) {
	if k.name == "masssendjobfinish" && b.o.Jobs != nil && m.JobMsgID != 0 {
		err := b.o.Jobs.JobFinished(ctx, broadcast.JobReport{
			MsgID: m.JobMsgID, Status: m.Status, Total: int(m.TotalCount),
			Filtered: int(m.FilterCount), Sent: int(m.SentCount), Errors: int(m.Errors),
		})
		if err != nil {
			return Result{Kind: k.label()}, err
		}
	}
	out, err := b.o.Followers.MarkSeen(ctx, m.OpenID, ev.DedupID)
	return Result{Kind: k.label(), Duplicate: out.Duplicate}, err
}

// maxReplyBytes caps an admin's passive text reply. WeChat publishes no
// limit for passive replies; 2,048 bytes is its limit for text messages
// elsewhere (customer-service and WeCom), so staying under it is safe.
const maxReplyBytes = 2000

// capText cuts s to at most n bytes on a character boundary, marking the cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "\n…"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// noteCommandWord logs a follower's text that starts with an admin
// command word, with their openid, for whoever is setting admins up. The
// follower sees the ordinary follower behaviour.
func (b *Bot) noteCommandWord(m *Message) {
	if b.o.Admins != nil && m.MsgType == "text" && b.o.Admins.Recognizes(m.Content) {
		b.o.Log.Info("a follower who is not an admin typed an admin command; to make someone an admin, run `wxcast admins add` and have them send the code it prints",
			zap.String("openid", m.OpenID))
	}
}
