package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func mustParse(t *testing.T, src string, now time.Time) *Ruleset {
	t.Helper()
	rs, err := Parse("r.yaml", []byte(src), Options{Location: cst, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func changesString(cs []TagChange) string {
	var parts []string
	for _, c := range cs {
		op := "+"
		if c.Remove {
			op = "-"
		}
		exp := ""
		if !c.Expires.IsZero() {
			exp = "@" + c.Expires.In(cst).Format("01-02T15:04")
		}
		parts = append(parts, op+c.Tag+exp)
	}
	return strings.Join(parts, " ")
}

func TestApplyTags(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	rs := mustParse(t, `
tags:
  - name: promo
    on: [click]
    when: event.key == "PROMO"
    ttl: 2h
  - name: fan
    when: '"promo" in user.tags'
  - name: quiet
    when: user.messages_7d == 0
    unless: event.type == "text"
  - name: broken
    on: [text]
    when: user.attrs.level > 1
attributes:
  level: int
`, now)
	cases := []struct {
		name  string
		typ   string
		key   string
		tags  []string
		msgs  int
		want  string
		after string
		errs  int
	}{
		{"click adds promo with expiry, and fan sees it", "click", "PROMO", nil, 1, "+promo@11-20T12:00 +fan", "promo fan", 0},
		{"click again moves promo's expiry only", "click", "PROMO", []string{"promo", "fan"}, 1, "+promo@11-20T12:00", "promo fan", 0},
		{"other click: nothing", "click", "OTHER", nil, 1, "", "", 0},
		{"quiet follower tagged", "view", "u", nil, 0, "+quiet", "quiet", 0},
		{"unless wins and removes", "text", "", []string{"quiet"}, 0, "-quiet", "", 1},
		{"unless true without the tag changes nothing", "text", "", nil, 0, "", "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{User: User{Tags: tc.tags, Messages7d: tc.msgs}, Event: Event{Type: tc.typ, Key: tc.key}}
			var failed []string
			// promo was last set 13 minutes ago: past a tenth of its 2h ttl.
			expiry := func(string) time.Time { return now.Add(2*time.Hour - 13*time.Minute) }
			got := rs.ApplyTags(NewEvaluator(), &env, now, expiry, func(rule string, err error) { failed = append(failed, rule) })
			if s := changesString(got); s != tc.want {
				t.Fatalf("changes %q, want %q", s, tc.want)
			}
			if s := strings.Join(env.User.Tags, " "); s != tc.after {
				t.Fatalf("tags after %q, want %q", s, tc.after)
			}
			if len(failed) != tc.errs || tc.errs > 0 && failed[0] != "broken" {
				t.Fatalf("failed rules %v, want %d of broken", failed, tc.errs)
			}
		})
	}
	// The caller's tag slice is not written through.
	orig := []string{"quiet", "x"}
	env := Env{User: User{Tags: orig[:1]}, Event: Event{Type: "text"}}
	rs.ApplyTags(NewEvaluator(), &env, now, nil, nil)

	// Matched again 5 minutes after it was set: the expiry stays put.
	env = Env{User: User{Tags: []string{"promo", "fan"}, Messages7d: 1}, Event: Event{Type: "click", Key: "PROMO"}}
	recent := func(string) time.Time { return now.Add(2*time.Hour - 5*time.Minute) }
	if got := rs.ApplyTags(NewEvaluator(), &env, now, recent, nil); len(got) != 0 {
		t.Fatalf("a fresh ttl tag was rewritten: %s", changesString(got))
	}
	if fmt.Sprint(orig) != "[quiet x]" {
		t.Fatalf("ApplyTags wrote into the caller's slice: %v", orig)
	}
}

func TestChooseReply(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	rs := mustParse(t, `
replies:
  - name: price
    when: event.type == "text" && event.content contains "价格"
    text: 价格请看菜单
  - name: welcome
    when: event.type == "subscribe"
    news: {title: 欢迎, url: "https://example.com/w"}
default:
  text: 收到
`, now)
	cases := []struct{ typ, content, rule, body string }{
		{"text", "请问价格", "price", "价格请看菜单"},
		{"subscribe", "", "welcome", "欢迎"},
		{"text", "你好", "default", "收到"},
		{"image", "", "default", "收到"},
		{"click", "", "", ""},
		{"location_report", "", "", ""},
	}
	for _, tc := range cases {
		env := Env{Event: Event{Type: tc.typ, Content: tc.content}}
		rep, name, ok := rs.ChooseReply(NewEvaluator(), &env, nil)
		body := rep.Content + rep.Title
		if name != tc.rule || body != tc.body || ok != (tc.rule != "") {
			t.Errorf("%s %q: reply %q by %q (%v), want %q by %q", tc.typ, tc.content, body, name, ok, tc.body, tc.rule)
		}
	}
}

// TestEvaluationIsBounded: a valid rule that would loop for seconds fails
// fast instead (it counts as false) and cannot hold a callback. Its static
// cost refuses it at load (TestCostLimits); with the cost limits lifted,
// expr's memory budget is the second line of defence.
func TestEvaluationIsBounded(t *testing.T) {
	t.Parallel()
	rs, err := Parse("r.yaml", []byte(`
segments:
  - name: slow
    rule: 'any(1..999000, {any(1..200, {# < 0})})'
  - name: fine
    rule: 'any(user.tags, {# startsWith "v"})'
`), Options{Location: cst, Limits: Limits{MaxRuleCost: 1 << 40, MaxFileCost: 1 << 40}})
	if err != nil {
		t.Fatal(err)
	}
	env := Env{User: User{Tags: []string{"a", "vip"}}}
	ev := NewEvaluator()
	// Unbounded, it would run for seconds and then be false without error.
	if ok, err := ev.Eval(rs.Segments[0].Rule, &env); ok || err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Fatalf("slow rule: %v %v", ok, err)
	}
	if ok, err := ev.Eval(rs.Segments[1].Rule, &env); !ok || err != nil {
		t.Fatalf("an ordinary loop over tags: %v %v", ok, err)
	}
}

func TestAttributesCannotBeReadAroundTheirDeclaration(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`let a = user.attrs; a.vip_level > 1`,
		`get(user.attrs, "vip_level") > 1`,
		`len(user.attrs) > 0`,
	} {
		_, err := Parse("r.yaml", []byte("attributes: {vip_level: int}\nsegments:\n  - name: s\n    rule: '"+strings.ReplaceAll(src, "'", "''")+"'\n"), Options{})
		if err == nil || !strings.Contains(err.Error(), "user.attrs may only be read") {
			t.Errorf("%s: %v", src, err)
		}
	}
	for _, src := range []string{`user.attrs.vip_level > 1`, `user.attrs["vip_level"] > 1`, `"vip_level" in user.attrs`, `not ("vip_level" in user.attrs)`} {
		if _, err := Parse("r.yaml", []byte("attributes: {vip_level: int}\nsegments:\n  - name: s\n    rule: '"+strings.ReplaceAll(src, "'", "''")+"'\n"), Options{}); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}
