package rules

import (
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	src := `attributes:
  vip_level: int
tags:
  - name: a
    on: [clik]
    when: user.attrs.vip_lvl >= 3
    ttl: 7x
  - name: a
    when: user.subscribed
segments:
  - name: s
    rule: event.type == "text"
replies:
  - when: user.subscribd
    text: hi
    voice: MEDIA
defualt:
  text: hi
`
	want := []string{
		`rules.yaml:5:10: tags.a.on: unknown event type "clik" (did you mean click?)`,
		"rules.yaml:6:22: tags.a.when: unknown attribute user.attrs.vip_lvl (did you mean vip_level?)",
		`rules.yaml:7:10: tags.a.ttl: invalid duration "7x": use hours or minutes such as 168h or 90m, or days such as 7d`,
		"rules.yaml:8:11: tags.a.name: duplicate tag name a (first defined at line 4)",
		"rules.yaml:12:11: segments.s.rule: event is not available in a segment rule: segments select followers by user only",
		"rules.yaml:14:16: replies[0].when: unknown name user.subscribd (did you mean user.subscribed?)",
		"rules.yaml:16:12: replies[0].voice: a reply has exactly one kind, but this one has both text and voice",
		`rules.yaml:17:1: unknown key "defualt" (did you mean default?)`,
	}
	got := problems(t, src, Options{})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseRuleset(t *testing.T) {
	t.Parallel()
	src := `attributes:
  vip_level: int
tags:
  - name: promo
    description: clicked promo
    on: click
    when: event.key == "MENU_PROMO"
    unless: user.attrs.vip_level > 3
    ttl: 7d
    wechat_tag: 促销点击
  - name: any
    on: [text, image]
    when: user.subscribed
    ttl: 90m
segments:
  - name: subscribed
    rule: user.subscribed
replies:
  - when: event.content == "hi"
    video: {media_id: M, title: T, description: D}
  - name: news
    when: "true"
    news: {title: T, url: "https://example.com/a", pic_url: "https://example.com/p.jpg"}
default:
  image: MEDIA
`
	rs, err := Parse("r.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(rs.Version) || rs.File != "r.yaml" {
		t.Errorf("Version %q, File %q", rs.Version, rs.File)
	}
	if len(rs.Attributes) != 1 || rs.Attributes[0] != (Attribute{"vip_level", "int", Position{"r.yaml", 2, 3}}) {
		t.Errorf("Attributes %+v", rs.Attributes)
	}
	p := rs.Tags[0]
	if p.Name != "promo" || p.Description != "clicked promo" || !slices.Equal(p.On, []string{"click"}) ||
		p.TTL != 7*24*time.Hour || p.WeChatTag != "促销点击" || p.Unless == nil || p.Pos != (Position{"r.yaml", 4, 5}) {
		t.Errorf("tag %+v", p)
	}
	if p.When.Source != `event.key == "MENU_PROMO"` || p.When.Path != "tags.promo.when" || p.When.Pos != (Position{"r.yaml", 7, 11}) {
		t.Errorf("when %+v", p.When)
	}
	if !slices.Equal(p.Unless.Attributes(), []string{"vip_level"}) {
		t.Errorf("unless reads %v", p.Unless.Attributes())
	}
	a := rs.Tags[1]
	if a.Unless != nil || a.TTL != 90*time.Minute || !a.Triggers("image") || a.Triggers("click") || !p.Triggers("click") {
		t.Errorf("tag %+v", a)
	}
	if s, ok := rs.Segment("subscribed"); !ok || s.Rule.Source != "user.subscribed" {
		t.Errorf("Segment = %+v, %v", s, ok)
	}
	if _, ok := rs.Segment("nope"); ok {
		t.Error("Segment(nope) found")
	}
	wantReplies := []struct {
		name  string
		reply Reply
	}{
		{"replies[0]", Reply{Type: "video", MediaID: "M", Title: "T", Description: "D"}},
		{"news", Reply{Type: "news", Title: "T", URL: "https://example.com/a", PicURL: "https://example.com/p.jpg"}},
	}
	for i, w := range wantReplies {
		if r := rs.Replies[i]; r.Name != w.name || r.Reply != w.reply {
			t.Errorf("reply %d = %s %+v", i, r.Name, r.Reply)
		}
	}
	if rs.Default == nil || *rs.Default != (Reply{Type: "image", MediaID: "MEDIA"}) {
		t.Errorf("Default %+v", rs.Default)
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "# nothing yet\n", "---\n", "tags: []\nsegments:\n"} {
		rs, err := Parse("rules.yaml", []byte(src), Options{})
		if err != nil || len(rs.Tags)+len(rs.Segments)+len(rs.Replies) != 0 || rs.Default != nil {
			t.Errorf("%q: %+v, %v", src, rs, err)
		}
	}
}

func TestParseCRLF(t *testing.T) {
	t.Parallel()
	src := "tags:\r\n  - name: a\r\n    when: |\r\n      user.subscribed &&\r\n      usr.x\r\n"
	want := []string{"rules.yaml:5:7: tags.a.when: unknown name usr (did you mean user?)"}
	if got := problems(t, src, Options{}); !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	rs, err := Load("../configs/rules.example.yaml", Options{})
	if err != nil {
		t.Fatalf("the example must load cleanly:\n%v", err)
	}
	if len(rs.Tags) != 9 || len(rs.Segments) != 5 || len(rs.Replies) < 5 || rs.Default == nil {
		t.Errorf("example has %d tags, %d segments, %d replies, default %v",
			len(rs.Tags), len(rs.Segments), len(rs.Replies), rs.Default)
	}
	if _, err := Load("testdata/missing.yaml", Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// TestDocExamplesLoad keeps the YAML snippets of the manual valid.
func TestDocExamplesLoad(t *testing.T) {
	t.Parallel()
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(docFormat+docRecipes, -1)
	if len(blocks) != 5 {
		t.Fatalf("found %d yaml blocks", len(blocks))
	}
	for _, b := range blocks {
		if _, err := Parse("doc.yaml", []byte(b[1]), Options{}); err != nil {
			t.Errorf("%s\n%v", b[1], err)
		}
	}
}

func TestFindSegment(t *testing.T) {
	rs, err := Parse("rules.yaml", []byte(`segments:
  - name: vip_active
    title: 活跃会员
    rule: user.subscribed
  - name: promo_clickers
    rule: user.subscribed
`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for typed, want := range map[string]string{"vip_active": "vip_active", "VIP_Active": "vip_active",
		"活跃会员": "vip_active", "PROMO_CLICKERS": "promo_clickers"} {
		if s, ok := rs.FindSegment(typed); !ok || s.Name != want {
			t.Errorf("FindSegment(%q) = %v, %v; want %s", typed, s, ok, want)
		}
	}
	if s, ok := rs.FindSegment("promo_clicker"); ok {
		t.Errorf("a typo found %s", s.Name)
	}
	if got := rs.SuggestSegments("promo_clicker"); len(got) != 1 || got[0] != "promo_clickers" {
		t.Errorf("suggestions %v", got)
	}
	if got := rs.SuggestSegments("活跃会"); len(got) != 1 || got[0] != "活跃会员" {
		t.Errorf("suggestions for a title %v", got)
	}
	if got := rs.SuggestSegments("zzz"); len(got) != 0 {
		t.Errorf("suggestions for nothing close %v", got)
	}
}
