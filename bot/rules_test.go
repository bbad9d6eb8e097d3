package bot_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// TestRulesRunOncePerCallbackAndTTLsLapse drives the bot with the rules
// engine and an injected clock: a click tags the follower for a day; the
// same click delivered again a day later (a retry) changes nothing even
// though a fresh evaluation would move the expiry; after the day the tag
// is gone for the rules and the next change logs its expiry.
func TestRulesRunOncePerCallbackAndTTLsLapse(t *testing.T) {
	t.Parallel()
	cst := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	now := t0
	clock := func() time.Time { return now }
	rs, err := rules.Parse("r.yaml", []byte(`
tags:
  - name: clicked
    on: [click]
    when: event.key == "PROMO"
    ttl: 24h
  - name: talker
    on: [text]
    when: '!("clicked" in user.tags)'
`), rules.Options{Location: cst, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	cal := store.Calendar{Loc: cst}
	f := redistest.Open(t).Followers(cal, store.Limits{})
	b := bot.New(bot.Options{Followers: f, Rules: bot.NewRules(rules.Static(rs), cal, zaptest.NewLogger(t)),
		Now: clock, ReplyWait: time.Second, Log: zaptest.NewLogger(t)})
	ctx := context.Background()
	click := bot.Message{OpenID: "oTTL", CreateTime: t0.Unix(), MsgType: "event", Event: "CLICK", EventKey: "PROMO"}
	if res, err := b.Handle(ctx, click); err != nil || len(res.TagChanges) != 1 {
		t.Fatalf("click: %+v %v", res, err)
	}
	now = t0.Add(20 * time.Hour) // a tenth of the ttl has long passed
	if res, err := b.Handle(ctx, click); err != nil || !res.Duplicate || len(res.TagChanges) != 0 {
		t.Fatalf("retried click ran the rules again: %+v %v", res, err)
	}
	p, _ := f.Profile(ctx, "oTTL")
	if len(p.Tags) != 1 || !p.Tags[0].Expires.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("tags after the retry: %+v", p.Tags)
	}
	// 25 hours on, the tag has lapsed: a text now makes a talker.
	now = t0.Add(25 * time.Hour)
	text := bot.Message{OpenID: "oTTL", CreateTime: now.Unix(), MsgType: "text", MsgID: 7, Content: "hi"}
	if res, err := b.Handle(ctx, text); err != nil || len(res.TagChanges) != 1 || res.TagChanges[0].Tag != "talker" {
		t.Fatalf("text after expiry: %+v %v", res, err)
	}
	p, _ = f.Profile(ctx, "oTTL")
	if got := p.ActiveTags(now); len(got) != 1 || got[0] != "talker" {
		t.Fatalf("active tags %v, want [talker]", got)
	}
	h, _ := f.History(ctx, "oTTL")
	var expiry bool
	for _, e := range h {
		if e.Kind == store.KindTagRemoved && e.Key == "clicked" && e.Content == "ttl" && e.At.Equal(t0.Add(24*time.Hour)) {
			expiry = true
		}
	}
	if !expiry {
		t.Fatalf("the expiry is not in the history: %+v", h)
	}
}
