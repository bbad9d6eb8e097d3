package attrs_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// conversions is a Conversions that keeps what it heard.
type conversions struct {
	mu    sync.Mutex
	calls []string // "openid:name,name"
}

func (c *conversions) Converted(_ context.Context, openid string, names []string, at time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at.IsZero() {
		c.calls = append(c.calls, "zero time")
	}
	c.calls = append(c.calls, openid+":"+join(names))
	return nil
}

func (c *conversions) heard() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

const conversionRules = `
attributes:
  last_order_at: time
  plan: string
  city: string
tags:
  - name: buyer
    when: event.type == "attributes" && "last_order_at" in event.changed
`

// TestPutConversion: an attributes API write that changes a conversion
// attribute records an attributes event (a tag rule marks the buyer) and
// tells Conversions the names; a rewrite of the same value, or a change
// of an attribute outside the list, does neither.
func TestPutConversion(t *testing.T) {
	t.Parallel()
	rs, err := rules.Parse("rules.yaml", []byte(conversionRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cal := store.Calendar{Loc: time.UTC}
	f := redistest.Open(t).Followers(cal, store.Limits{})
	b := bot.New(bot.Options{Followers: f, Rules: bot.NewRules(rules.Static(rs), cal, zaptest.NewLogger(t)), Log: zaptest.NewLogger(t)})
	conv := &conversions{}
	s := attrs.NewService(f, func() *rules.Ruleset { return rs }, zaptest.NewLogger(t)).
		WithConversions(attrs.NewConverter(attrs.ConversionOptions{
			Attributes: []string{"last_order_at", "plan"}, Behaviour: b, Conversions: conv,
		}))
	ctx := context.Background()
	// Make the follower known, as a callback would.
	if _, err := b.Handle(ctx, bot.Message{OpenID: "oBuyer", CreateTime: time.Now().Unix(), MsgType: "event", Event: "subscribe"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		body  string
		heard []string // what Conversions heard so far
		count int64    // attributes events so far
	}{
		{`{"city": "上海"}`, nil, 0},
		{`{"last_order_at": "2026-12-01T10:00:00+08:00", "city": "北京"}`, []string{"oBuyer:last_order_at"}, 1},
		{`{"last_order_at": "2026-12-01T10:00:00+08:00"}`, []string{"oBuyer:last_order_at"}, 1}, // the same value again
		{`{"plan": "pro", "last_order_at": "2026-12-02T09:00:00+08:00"}`, []string{"oBuyer:last_order_at", "oBuyer:last_order_at,plan"}, 2},
		// A clear is a change rules see, not a purchase.
		{`{"plan": null}`, []string{"oBuyer:last_order_at", "oBuyer:last_order_at,plan"}, 3},
	}
	for i, st := range steps {
		if _, err := s.Put(ctx, "oBuyer", object(t, st.body)); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := conv.heard(); !slices.Equal(got, st.heard) {
			t.Errorf("step %d: Conversions heard %v, want %v", i, got, st.heard)
		}
		p, err := f.Profile(ctx, "oBuyer")
		if err != nil {
			t.Fatal(err)
		}
		if n := p.Counts()["attributes"]; n != st.count {
			t.Errorf("step %d: %d attributes events, want %d", i, n, st.count)
		}
		if st.count > 0 && !p.HasTag("buyer", time.Now()) {
			t.Errorf("step %d: no buyer tag: %v", i, p.ActiveTags(time.Now()))
		}
	}
	h, err := f.History(ctx, "oBuyer")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range h {
		if e.Kind == store.KindAttributes {
			keys = append(keys, e.Key)
		}
	}
	if !slices.Equal(keys, []string{"plan", "last_order_at,plan", "last_order_at"}) {
		t.Errorf("attributes events in the history (newest first): %v", keys)
	}
}

// TestPutWithoutConversions: with no conversion attributes the API
// writes as before and records no event.
func TestPutWithoutConversions(t *testing.T) {
	t.Parallel()
	rs, err := rules.Parse("rules.yaml", []byte(conversionRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := redistest.Open(t).Followers(store.Calendar{}, store.Limits{})
	if c := attrs.NewConverter(attrs.ConversionOptions{}); c != nil {
		t.Fatal("a converter without attributes")
	}
	s := attrs.NewService(f, func() *rules.Ruleset { return rs }, nil).WithConversions(nil)
	res, err := s.Put(context.Background(), "oX", object(t, `{"last_order_at": "2026-12-01T10:00:00Z"}`))
	if err != nil || !res.Changed {
		t.Fatalf("%+v %v", res, err)
	}
	p, _ := f.Profile(context.Background(), "oX")
	if p.Counts()["attributes"] != 0 {
		t.Errorf("an event without conversion attributes: %v", p.Counts())
	}
}
