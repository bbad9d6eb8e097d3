package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/adminclaim"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestAdminCodeClaimedOnceOthersAreFollowers: the person who sends a
// waiting code gets the claim's reply, on a retry too, and their message
// stays out of their profile; a wrong code, or the code sent by someone
// else afterwards, is an ordinary follower's text.
func TestAdminCodeClaimedOnceOthersAreFollowers(t *testing.T) {
	t.Parallel()
	st := redistest.Open(t)
	f := st.Followers(store.Calendar{}, store.Limits{DedupTTL: time.Minute, HistoryMax: 5, HistoryDays: 1})
	core, logs := observer.New(zapcore.InfoLevel)
	b := bot.New(bot.Options{Followers: f, Claims: adminclaim.New(st.AdminClaims()), ReplyWait: time.Second,
		Admins: &fakeAdmins{}, Log: zap.New(core)})
	ctx := context.Background()
	now := time.Now().Unix()
	code, err := adminclaim.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.AdminClaims().Offer(ctx, code, time.Minute); !ok || err != nil {
		t.Fatalf("offer: %v %v", ok, err)
	}
	// A near miss (the last digit off) and the code's shape with other
	// digits: both ordinary texts.
	nearMiss := code[:len(code)-1] + string(code[len(code)-1]^1)
	for i, text := range []string{nearMiss, "WXCAST 0000 0000 000" + string(code[len(code)-1]^1)} {
		res, err := b.Handle(ctx, bot.Message{OpenID: "oGuess", CreateTime: now, MsgType: "text", MsgID: int64(i + 1), Content: text})
		if err != nil || !res.Reply.Empty() {
			t.Fatalf("%q: %+v %v", text, res, err)
		}
	}
	if p, err := f.Profile(ctx, "oGuess"); err != nil || p == nil || p.Counts()["text"] != 2 {
		t.Fatalf("wrong codes are follower texts: %+v %v", p, err)
	}

	msg := bot.Message{OpenID: "oNewAdmin", CreateTime: now, MsgType: "text", MsgID: 10, Content: code}
	for i := range 2 { // the delivery and WeChat's retry
		res, err := b.Handle(ctx, msg)
		if err != nil || res.Reply.Type != "text" || res.Reply.Content != adminclaim.Reply {
			t.Fatalf("delivery %d of the code: %+v %v", i, res, err)
		}
	}
	if p, _ := f.Profile(ctx, "oNewAdmin"); p != nil && p.Known {
		t.Fatalf("a claim entered the profile: %+v", p)
	}
	if e := logs.FilterField(zap.String("openid", "oNewAdmin")).All(); len(e) != 1 || !strings.Contains(e[0].Message, "wxcast admins add") {
		t.Fatalf("log entries for the claimant: %+v", e)
	}
	if who, _, _ := st.AdminClaims().Claimant(ctx, code); who != "oNewAdmin" {
		t.Fatalf("claimant %q", who)
	}

	res, err := b.Handle(ctx, bot.Message{OpenID: "oLater", CreateTime: now, MsgType: "text", MsgID: 11, Content: code})
	if err != nil || !res.Reply.Empty() {
		t.Fatalf("the used code from another follower: %+v %v", res, err)
	}
	if p, _ := f.Profile(ctx, "oLater"); p == nil || p.Counts()["text"] != 1 {
		t.Fatalf("the used code is a follower text: %+v", p)
	}
}
