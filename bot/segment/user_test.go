package segment_test

import (
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

func TestUserFromSyncedProfile(t *testing.T) {
	t.Parallel()
	src := "segments:\n  - name: en_old\n    rule: \"user.language == 'en' && '老客户' in user.wechat_tags && user.subscribe_scene == 'ADD_SCENE_QR_CODE'\"\n"
	rs, err := rules.Parse("rules.yaml", []byte(src), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := redistest.Open(t).Followers(store.Calendar{Loc: time.UTC}, store.Limits{})
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	batch := []store.SyncedFollower{
		{OpenID: "in", SubscribeTime: now, SubscribeScene: "ADD_SCENE_QR_CODE", Language: "en",
			Tags: []store.WeChatTag{{ID: 100, Name: "老客户"}}},
		{OpenID: "out", SubscribeTime: now, SubscribeScene: "ADD_SCENE_QR_CODE", Language: "en",
			Tags: []store.WeChatTag{{ID: 101, Name: "新客户"}}},
	}
	if _, err := f.ApplySync(t.Context(), now.Unix(), now, batch, false); err != nil {
		t.Fatal(err)
	}
	seg, _ := rs.Segment("en_old")
	for id, want := range map[string]bool{"in": true, "out": false} {
		p, err := f.Profile(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		u := segment.User(rs, p, store.Calendar{Loc: time.UTC}, now)
		if got, err := rules.NewEvaluator().Eval(seg.Rule, &rules.Env{User: u, Now: now}); err != nil || got != want {
			t.Errorf("%s in en_old = %v, %v; want %v (user %+v)", id, got, err, want, u)
		}
	}
	// The segment count builds users the lean way: it must still fill
	// the WeChat tags.
	tally, err := segment.Select(rs, seg, store.Calendar{Loc: time.UTC}, now).Count(t.Context(), f)
	if err != nil || tally.Matched != 1 {
		t.Fatalf("count = %+v, %v; want 1 matched", tally, err)
	}
}
