package attrimport

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot"
	botattrs "github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

type heardConversions struct {
	mu    sync.Mutex
	calls []string
}

func (c *heardConversions) Converted(_ context.Context, openid string, names []string, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, openid+":"+strings.Join(names, ","))
	return nil
}

// TestImportConversions: rows that change a conversion attribute record
// an attributes event (a tag rule marks buyers) and reach Conversions;
// importing the same file again changes nothing and records nothing; a
// dry run records nothing; other attributes are no conversion.
func TestImportConversions(t *testing.T) {
	t.Parallel()
	rs, err := rules.Parse("rules.yaml", []byte(decl+`tags:
  - name: buyer
    when: event.type == "attributes" && "last_order_at" in event.changed
`), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := testFollowers(t)
	cal := f.Calendar()
	b := bot.New(bot.Options{Followers: f, Rules: bot.NewRules(rules.Static(rs), cal, zaptest.NewLogger(t)), Log: zaptest.NewLogger(t)})
	ctx := context.Background()
	for _, id := range []string{"o1", "o2", "o3"} {
		if _, err := b.Handle(ctx, bot.Message{OpenID: id, CreateTime: time.Now().Unix(), MsgType: "event", Event: "subscribe"}); err != nil {
			t.Fatal(err)
		}
	}
	conv := &heardConversions{}
	converter := botattrs.NewConverter(botattrs.ConversionOptions{Attributes: []string{"last_order_at"}, Behaviour: b, Conversions: conv})
	run := func(file string, dry bool) Summary {
		t.Helper()
		sum, err := Run(ctx, strings.NewReader(file), Options{
			Rules: rs, Store: f, Format: CSV, Name: "in", DryRun: dry, BatchSize: 2, Workers: 2, Conversions: converter,
		})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	file := "openid,last_order_at,city\n" +
		"o1,2026-12-01T10:00:00Z,上海\n" +
		"o2,,北京\n" + // no order: only the city changes
		"o3,2026-12-02T10:00:00Z,\n"
	if sum := run(file, true); sum.Conversions != 0 || len(conv.calls) != 0 {
		t.Fatalf("dry run: %+v, heard %v", sum, conv.calls)
	}
	sum := run(file, false)
	if sum.Changed != 3 || sum.Conversions != 2 || sum.ConversionErrors != 0 {
		t.Errorf("first import: %+v, want 3 changed, 2 conversions", sum)
	}
	slices.Sort(conv.calls)
	if !slices.Equal(conv.calls, []string{"o1:last_order_at", "o3:last_order_at"}) {
		t.Errorf("Conversions heard %v", conv.calls)
	}
	// The same file again (a retried import): nothing changes.
	if sum := run(file, false); sum.Changed != 0 || sum.Conversions != 0 {
		t.Errorf("second import: %+v", sum)
	}
	if len(conv.calls) != 2 {
		t.Errorf("a retried import was heard again: %v", conv.calls)
	}
	now := time.Now()
	for id, buyer := range map[string]bool{"o1": true, "o2": false, "o3": true} {
		p, err := f.Profile(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if buyer {
			want = 1
		}
		if p.HasTag("buyer", now) != buyer || p.Counts()[store.KindAttributes] != want {
			t.Errorf("%s: tags %v counts %v, buyer %v", id, p.ActiveTags(now), p.Counts(), buyer)
		}
	}
}
