package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDemoTapsAndPurchases runs the demo's crowd on a text broadcast with
// a link: the preview shows the link rewritten to the page's origin, the
// followers it reached tap it through wxcast and the simulator's
// authorization page, some buy through the attributes API, and the
// broadcast's card, the event stream, the tag rule on link_click and 状态
// all show it.
func TestDemoTapsAndPurchases(t *testing.T) {
	d := demoAPI{t: t, base: startDemo(t, "--listen", "127.0.0.1:0", "--followers", "60", "--join-in", "2s",
		"--rate", "0.2", "--batch-interval", "100ms", "--click-delay", "1s", "--rules", "../../configs/rules.example.yaml")}
	var people struct{ Joined int }
	waitFor(t, 20*time.Second, "every follower to join", func() bool {
		d.get("api/people", &people)
		return people.Joined == 60
	})

	if r := d.say(demoEditor, "新建 all_subscribed 文本 周末特惠 https://shop.example.com/sale?from=wx 满199减30"); !strings.Contains(r, "#1") {
		t.Fatalf("new: %q", r)
	}
	plan := regexp.MustCompile(`计划 ([0-9a-f]{8})`).FindStringSubmatch(d.say(demoEditor, "预览 1"))
	if plan == nil {
		t.Fatal("the preview names no plan")
	}
	tracked := regexp.MustCompile(regexp.QuoteMeta(strings.TrimSuffix(d.base, "/")) + `/l/[A-Za-z0-9_-]+`)
	waitFor(t, 5*time.Second, "the preview with the tracked link", func() bool {
		return slices.ContainsFunc(d.chat(demoEditor), func(m demoMsg) bool {
			return m.Kind == "preview" && tracked.MatchString(m.Text) && !strings.Contains(m.Text, "shop.example.com")
		})
	})
	if r := d.say(demoApprover, "批准 1 "+plan[1]); !strings.Contains(r, "1/1") {
		t.Fatalf("approve: %q", r)
	}
	if r := d.say(demoEditor, "发送 1"); !strings.Contains(r, "开始发送") {
		t.Fatalf("send: %q", r)
	}

	type outcome struct{ Clickers, Taps, Conversions int64 }
	var bcs []struct {
		ID      int64
		State   string
		Outcome *outcome
	}
	defer func() {
		if t.Failed() {
			var feed struct{ Entries []demoEntry }
			d.get("api/feed?after=0", &feed)
			t.Logf("cards %+v %+v", bcs, bcs[0].Outcome)
			for _, e := range feed.Entries {
				if !strings.Contains(e.Action, "关注") {
					t.Logf("%+v", e)
				}
			}
		}
	}()
	waitFor(t, 60*time.Second, "taps and a purchase on the card", func() bool {
		d.get("api/broadcasts", &bcs)
		return len(bcs) == 1 && bcs[0].State == "sent" && bcs[0].Outcome != nil &&
			bcs[0].Outcome.Clickers >= 5 && bcs[0].Outcome.Conversions >= 1
	})
	if o := bcs[0].Outcome; o.Taps < o.Clickers {
		t.Errorf("%d taps for %d clickers", o.Taps, o.Clickers)
	}

	var feed struct{ Entries []demoEntry }
	d.get("api/feed?after=0", &feed)
	var taps, buys int
	for _, e := range feed.Entries {
		switch {
		case strings.HasPrefix(e.Action, "点击群发消息中的链接"):
			taps++
			if e.Error != "" || e.Reply != "跳转到 https://shop.example.com/sale?from=wx" {
				t.Errorf("tap by %s: %q %q", e.Label, e.Reply, e.Error)
			}
		case strings.HasPrefix(e.Action, "下单"):
			buys++
			if e.Error != "" {
				t.Errorf("purchase by %s: %s", e.Label, e.Error)
			}
		}
	}
	if taps < 5 || buys < 1 {
		t.Errorf("the event stream shows %d taps and %d purchases", taps, buys)
	}

	// The example rules tag whoever tapped (on: link_click), and their
	// segment fills up.
	var segs struct {
		Segments []struct {
			Name  string
			Count int
		}
	}
	waitFor(t, 10*time.Second, "the link_clickers segment", func() bool {
		d.get("api/segments", &segs)
		i := slices.IndexFunc(segs.Segments, func(s struct {
			Name  string
			Count int
		}) bool {
			return s.Name == "link_clickers"
		})
		return i >= 0 && segs.Segments[i].Count >= 1
	})
	if r := d.say(demoEditor, "状态 1 点击"); !strings.Contains(r, "指标：点击") {
		t.Errorf("状态 1 点击: %q", r)
	}
	if r := d.say(demoEditor, "状态 1 转化"); !strings.Contains(r, "指标：转化") {
		t.Errorf("状态 1 转化: %q", r)
	}
}
