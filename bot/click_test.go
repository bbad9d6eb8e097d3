package bot_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

const iPhoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN"

const behaviourRules = `
attributes:
  last_order_at: time
  city: string
tags:
  - name: promo_clicker
    on: [link_click]
    when: event.broadcast == 7
  - name: version_b
    when: event.type == "link_click" && event.version == "B" && event.link contains "spring"
  - name: repeat_clicker
    when: event.type == "link_click" && user.counts["link_click"] >= 2
  - name: iphone_user
    when: event.type == "link_click" && user.device_os == "ios" && user.device_model == "iPhone"
  - name: buyer
    when: event.type == "attributes" && "last_order_at" in event.changed
`

// mirror is a TagMirror that keeps what it heard.
type mirror struct {
	mu      sync.Mutex
	changes []store.TagChange
}

func (m *mirror) Changed(_ context.Context, _ *store.Profile, cs []store.TagChange) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.changes = append(m.changes, cs...)
	return nil
}

func (m *mirror) tags() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, c := range m.changes {
		out = append(out, c.Tag)
	}
	slices.Sort(out)
	return out
}

type behaviourWorld struct {
	f      *store.Followers
	b      *bot.Bot
	rs     *rules.Ruleset
	cal    store.Calendar
	mirror *mirror
	now    time.Time
}

func newBehaviourWorld(t *testing.T) *behaviourWorld {
	t.Helper()
	cst := time.FixedZone("CST", 8*3600)
	w := &behaviourWorld{cal: store.Calendar{Loc: cst}, mirror: &mirror{}, now: time.Date(2026, 12, 1, 10, 0, 0, 0, cst)}
	clock := func() time.Time { return w.now }
	rs, err := rules.Parse("r.yaml", []byte(behaviourRules), rules.Options{Location: cst, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	w.rs = rs
	w.f = redistest.Open(t).Followers(w.cal, store.Limits{})
	w.b = bot.New(bot.Options{Followers: w.f, Rules: bot.NewRules(rules.Static(rs), w.cal, zaptest.NewLogger(t)),
		TagMirror: w.mirror, Now: clock, ReplyWait: time.Second, Log: zaptest.NewLogger(t)})
	return w
}

// subscribe makes openid a follower wxcast knows, as a callback does.
func (w *behaviourWorld) subscribe(t *testing.T, openid string) {
	t.Helper()
	m := bot.Message{OpenID: openid, CreateTime: w.now.Add(-48 * time.Hour).Unix(), MsgType: "event", Event: "subscribe"}
	if _, err := w.b.Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

func (w *behaviourWorld) profile(t *testing.T, openid string) *store.Profile {
	t.Helper()
	p, err := w.f.Profile(context.Background(), openid)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestClickTagRuleEndToEnd records a tracked-link click of a follower who
// received broadcast 7: the tag rule on link_click tags them, the tag is
// on the profile and goes to the WeChat tag mirror, the tap counts in
// user.counts, the device is kept, and the history says what rules need.
func TestClickTagRuleEndToEnd(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	ctx := context.Background()
	w.subscribe(t, "oClicker")
	before := w.profile(t, "oClicker")
	at := w.now.Add(-time.Minute)
	c := links.Click{OpenID: "oClicker", Broadcast: 7, Version: 1, Link: 0, URL: "https://shop.example.com/spring?x=1",
		UserAgent: iPhoneUA, At: at, DedupID: "code-1"}
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	p := w.profile(t, "oClicker")
	if got := p.ActiveTags(w.now); !sameSet(got, []string{"promo_clicker", "version_b", "iphone_user"}) {
		t.Errorf("tags %v, want promo_clicker, version_b and iphone_user", got)
	}
	if got := w.mirror.tags(); !slices.Equal(got, []string{"iphone_user", "promo_clicker", "version_b"}) {
		t.Errorf("the tag mirror heard %v", got)
	}
	if n := p.Counts()["link_click"]; n != 1 {
		t.Errorf("counts[link_click] = %d, want 1", n)
	}
	if p.DeviceOS != "ios" || p.DeviceModel != "iPhone" {
		t.Errorf("device %q %q, want ios iPhone", p.DeviceOS, p.DeviceModel)
	}
	if !p.LastActive.Equal(at) || before.LastActive.Equal(p.LastActive) {
		t.Errorf("last active %v (before %v): a click is activity", p.LastActive, before.LastActive)
	}
	u := segment.User(w.rs, p, w.cal, w.now)
	if u.DeviceOS != "ios" || u.DeviceModel != "iPhone" || u.Counts["link_click"] != 1 {
		t.Errorf("rules see device %q %q, counts %v", u.DeviceOS, u.DeviceModel, u.Counts)
	}
	h, err := w.f.History(ctx, "oClicker")
	if err != nil {
		t.Fatal(err)
	}
	var click *store.HistoryEntry
	for i := range h {
		if h[i].Kind == store.KindLinkClick {
			click = &h[i]
		}
	}
	if click == nil || click.Key != c.URL || !click.At.Equal(at) {
		t.Fatalf("no link_click entry with the target in the history: %+v", h)
	}
	if b, v, l, ok := store.ParseClickRef(click.Content); !ok || b != 7 || v != 1 || l != 0 {
		t.Errorf("history ref %q", click.Content)
	}

	// The same tap recorded again (the same authorization code) counts once.
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := w.profile(t, "oClicker").Counts()["link_click"]; n != 1 {
		t.Errorf("after a duplicate: counts[link_click] = %d, want 1", n)
	}
	// Another tap counts: the repeat rule sees two.
	c.DedupID, c.At = "code-2", at.Add(time.Second)
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	p = w.profile(t, "oClicker")
	if n := p.Counts()["link_click"]; n != 2 || !p.HasTag("repeat_clicker", w.now) {
		t.Errorf("second tap: counts %d, tags %v; want 2 and repeat_clicker", n, p.ActiveTags(w.now))
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestClickOfUnknownFollower: a click by an openid wxcast has no profile
// for records nothing and creates no profile, and a later callback of that
// follower is recorded normally (no dedup mark was left either).
func TestClickOfUnknownFollower(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	ctx := context.Background()
	c := links.Click{OpenID: "oStranger", Broadcast: 7, URL: "https://x.example/", UserAgent: iPhoneUA, At: w.now, DedupID: "c1"}
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	if p := w.profile(t, "oStranger"); p.Known {
		t.Fatalf("a click created a profile: %+v", p)
	}
	if h, _ := w.f.History(ctx, "oStranger"); len(h) != 0 {
		t.Fatalf("history of an unknown follower: %+v", h)
	}
	if got := w.mirror.tags(); len(got) != 0 {
		t.Errorf("tags mirrored for an unknown follower: %v", got)
	}
	w.subscribe(t, "oStranger")
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	if p := w.profile(t, "oStranger"); p.Counts()["link_click"] != 1 || !p.HasTag("promo_clicker", w.now) {
		t.Errorf("the same click once the follower is known: counts %v tags %v", p.Counts(), p.ActiveTags(w.now))
	}
}

func TestClickRefused(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	for _, c := range []links.Click{
		{OpenID: "not an openid", DedupID: "x"},
		{OpenID: "oOK", DedupID: ""},
	} {
		if err := w.b.RecordClick(context.Background(), c); !errors.Is(err, bot.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", c, err)
		}
	}
}

// TestBacktestReplaysClicksAndConversions: a back-test of rules on
// link_click and attributes sees the recorded events with their fields.
func TestBacktestReplaysClicksAndConversions(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	ctx := context.Background()
	for _, id := range []string{"oA", "oB", "oC"} {
		w.subscribe(t, id)
	}
	clicks := []links.Click{
		{OpenID: "oA", Broadcast: 7, Version: 0, URL: "https://shop.example.com/a", At: w.now.Add(-time.Hour), DedupID: "a1"},
		{OpenID: "oB", Broadcast: 8, Version: 1, URL: "https://shop.example.com/spring", At: w.now.Add(-time.Hour), DedupID: "b1"},
	}
	for _, c := range clicks {
		if err := w.b.RecordClick(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.b.RecordAttributes(ctx, "oC", []string{"last_order_at"}, w.now.Add(-time.Hour), "w1"); err != nil {
		t.Fatal(err)
	}
	rep, err := segment.Backtest(ctx, w.rs, w.f, w.cal, w.now, 7)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rep.Rules {
		got[r.Name] = r.Tagged
	}
	want := map[string]int{"promo_clicker": 1, "version_b": 1, "repeat_clicker": 0, "iphone_user": 0, "buyer": 1}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("back-test: %s tagged %d, want %d (all: %v)", name, got[name], n, got)
		}
	}
}

// TestAttributesEvent: a conversion is recorded as an attributes event
// the tag rules see, counted once per write, and is not activity.
func TestAttributesEvent(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	ctx := context.Background()
	w.subscribe(t, "oBuyer")
	before := w.profile(t, "oBuyer")
	for range 2 { // the same write twice: once
		if err := w.b.RecordAttributes(ctx, "oBuyer", []string{"last_order_at"}, w.now, "write-1"); err != nil {
			t.Fatal(err)
		}
	}
	p := w.profile(t, "oBuyer")
	if !p.HasTag("buyer", w.now) || p.Counts()["attributes"] != 1 {
		t.Errorf("tags %v counts %v; want buyer and one attributes event", p.ActiveTags(w.now), p.Counts())
	}
	if !p.LastActive.Equal(before.LastActive) || p.Subscribed != before.Subscribed {
		t.Errorf("a conversion moved last_active %v → %v", before.LastActive, p.LastActive)
	}
	if u := segment.User(w.rs, p, w.cal, w.now); u.Events1d != segment.User(w.rs, before, w.cal, w.now).Events1d {
		t.Errorf("a conversion counted in the activity windows")
	}
	// Another conversion attribute name does not make a buyer.
	w.subscribe(t, "oOther")
	if err := w.b.RecordAttributes(ctx, "oOther", []string{"plan"}, w.now, "write-2"); err != nil {
		t.Fatal(err)
	}
	if p := w.profile(t, "oOther"); p.HasTag("buyer", w.now) || p.Counts()["attributes"] != 1 {
		t.Errorf("plan change: tags %v counts %v", p.ActiveTags(w.now), p.Counts())
	}
	// Unknown followers are not made up.
	if err := w.b.RecordAttributes(ctx, "oNobody", []string{"last_order_at"}, w.now, "write-3"); err != nil {
		t.Fatal(err)
	}
	if w.profile(t, "oNobody").Known {
		t.Error("an attributes event created a profile")
	}
}

// TestClickDoesNotResubscribe: a follower who left can still tap a link
// in the chat; the tap counts, but a web page says nothing of the
// subscription: they stay unsubscribed and last_active does not move. A
// subscribed follower's tap is activity.
func TestClickDoesNotResubscribe(t *testing.T) {
	t.Parallel()
	w := newBehaviourWorld(t)
	ctx := context.Background()
	w.subscribe(t, "oLeft")
	unsub := bot.Message{OpenID: "oLeft", CreateTime: w.now.Add(-time.Hour).Unix(), MsgType: "event", Event: "unsubscribe"}
	if _, err := w.b.Handle(ctx, unsub); err != nil {
		t.Fatal(err)
	}
	before := w.profile(t, "oLeft")
	c := links.Click{OpenID: "oLeft", Broadcast: 7, URL: "https://x.example/", At: w.now, DedupID: "c1"}
	if err := w.b.RecordClick(ctx, c); err != nil {
		t.Fatal(err)
	}
	p := w.profile(t, "oLeft")
	if p.Subscribed || !p.LastActive.Equal(before.LastActive) || p.Counts()["link_click"] != 1 {
		t.Errorf("after a click: subscribed %v, last active %v (was %v), counts %v", p.Subscribed, p.LastActive, before.LastActive, p.Counts())
	}
	rep, err := segment.Backtest(ctx, w.rs, w.f, w.cal, w.now.Add(time.Minute), 7)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 3 {
		t.Errorf("back-test replayed %d events, want 3", rep.Events)
	}
}
