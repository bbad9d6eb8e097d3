package rules

import (
	"errors"
	"strings"
	"testing"
)

// problems parses src as rules.yaml and returns its problems, one string
// each; it fails the test unless Parse returns a *LoadError or nil.
func problems(t *testing.T, src string, o Options) []string {
	t.Helper()
	_, err := Parse("rules.yaml", []byte(src), o)
	if err == nil {
		return nil
	}
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %T is not a *LoadError: %v", err, err)
	}
	var out []string
	for _, p := range le.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestParseProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		opts Options
		want string // the single expected problem
	}{
		{"unknown user field, plain", "tags:\n  - name: a\n    when: user.subscribd\n", Options{},
			"rules.yaml:3:16: tags.a.when: unknown name user.subscribd (did you mean user.subscribed?)"},
		{"unknown field, prefix suggestions", "segments:\n  - name: s\n    rule: user.messages > 1\n", Options{},
			"rules.yaml:3:16: segments.s.rule: unknown name user.messages (did you mean user.messages_1d, user.messages_7d or user.messages_30d?)"},
		{"unknown event field, double quoted", "replies:\n  - name: hi\n    when: \"event.type == 'text' && event.contnt == 'hi'\"\n    text: hi\n", Options{},
			"rules.yaml:3:42: replies.hi.when: unknown name event.contnt (did you mean event.content?)"},
		{"double quoted with escapes", "tags:\n  - name: a\n    when: \"event.content == \\\"hi\\\" && usr\"\n", Options{},
			"rules.yaml:3:39: tags.a.when: unknown name usr (did you mean user?)"},
		{"unknown top-level name, single quoted", "segments:\n  - name: s\n    rule: 'user.scene == ''x'' || usr.subscribed'\n", Options{},
			"rules.yaml:3:35: segments.s.rule: unknown name usr (did you mean user?)"},
		{"field without prefix", "tags:\n  - name: a\n    when: subscribed\n", Options{},
			"rules.yaml:3:11: tags.a.when: unknown name subscribed (did you mean user.subscribed?)"},
		{"literal block", "tags:\n  - name: a\n    when: |\n      user.subscribed &&\n        user.messages_7d > 3 && user.locaton.known\n", Options{},
			"rules.yaml:5:38: tags.a.when: unknown name user.locaton (did you mean user.location?)"},
		{"location field", "tags:\n  - name: a\n    when: user.location.knwn\n", Options{},
			"rules.yaml:3:25: tags.a.when: unknown name user.location.knwn (did you mean user.location.known?)"},
		{"folded block is best effort", "tags:\n  - name: a\n    when: >\n      user.subscribed &&\n      user.locaton.known\n", Options{},
			"rules.yaml:3:11: tags.a.when: unknown name user.locaton (did you mean user.location?)"},
		{"unknown function", "tags:\n  - name: a\n    when: dayz_since(user.last_active) < 3\n", Options{},
			"rules.yaml:3:11: tags.a.when: unknown function dayz_since (did you mean days_since?)"},
		{"not boolean", "tags:\n  - name: a\n    when: user.messages_7d\n", Options{},
			"rules.yaml:3:11: tags.a.when: must be a boolean expression (true or false), got int"},
		{"empty expression", "tags:\n  - name: a\n    when: \"\"\n", Options{},
			"rules.yaml:3:11: tags.a.when: empty expression"},
		{"missing when", "tags:\n  - name: a\n    ttl: 1h\n", Options{},
			"rules.yaml:2:5: tags.a: missing when"},
		{"max nodes", "tags:\n  - name: a\n    when: user.messages_7d > 1 && user.messages_1d > 1\n", Options{MaxNodes: 5},
			"rules.yaml:3:11: tags.a.when: expression is too large: more than 5 syntax nodes"},
		{"undeclared attribute", "attributes:\n  vip_level: int\ntags:\n  - name: a\n    when: user.attrs.vip_lvl >= 3\n", Options{},
			"rules.yaml:5:22: tags.a.when: unknown attribute user.attrs.vip_lvl (did you mean vip_level?)"},
		{"undeclared attribute, index", "attributes:\n  vip_level: int\ntags:\n  - name: a\n    when: user.attrs[\"vip_lvl\"] >= 3\n", Options{},
			"rules.yaml:5:22: tags.a.when: unknown attribute user.attrs.vip_lvl (did you mean vip_level?)"},
		{"attribute type", "attributes:\n  city: string\ntags:\n  - name: a\n    when: user.attrs.city > 3\n", Options{},
			"rules.yaml:5:27: tags.a.when: invalid operation: > (mismatched types string and int)"},
		{"attribute index not constant", "attributes:\n  city: string\ntags:\n  - name: a\n    when: user.attrs[user.scene] == \"x\"\n", Options{},
			"rules.yaml:5:27: tags.a.when: an attribute must be named by a constant, e.g. user.attrs.vip_level"},
		{"bad attribute type", "attributes:\n  vip_level: integer\n", Options{},
			`rules.yaml:2:14: attributes.vip_level: unknown type "integer" (did you mean int?); use one of int, float, string, time, bool`},
		{"bad attribute name", "attributes:\n  VipLevel: int\n", Options{},
			`rules.yaml:2:3: attributes.VipLevel: invalid attribute name "VipLevel": use lower-case letters, digits and _, starting with a letter`},
		{"unknown key", "tags:\n  - name: a\n    whn: user.subscribed\n    when: user.subscribed\n", Options{},
			`rules.yaml:3:5: tags.a: unknown key "whn" (did you mean when?)`},
		{"unknown top-level key", "segmets: []\n", Options{},
			`rules.yaml:1:1: unknown key "segmets" (did you mean segments?)`},
		{"duplicate key", "tags:\n  - name: a\n    when: user.subscribed\n    when: user.subscribed\n", Options{},
			`rules.yaml:4:5: tags.a: duplicate key "when" (first at line 3)`},
		{"duplicate segment", "segments:\n  - name: s\n    rule: user.subscribed\n  - name: s\n    rule: user.subscribed\n", Options{},
			"rules.yaml:4:11: segments.s.name: duplicate segment name s (first defined at line 2)"},
		{"duplicate segment title", "segments:\n  - name: a\n    title: 活跃会员\n    rule: user.subscribed\n  - name: b\n    title: 活跃会员\n    rule: user.subscribed\n", Options{},
			"rules.yaml:6:12: segments.b.title: duplicate segment title 活跃会员 (first used at line 3)"},
		{"segment title in another case", "segments:\n  - name: a\n    title: VIP\n    rule: user.subscribed\n  - name: b\n    title: vip\n    rule: user.subscribed\n", Options{},
			"rules.yaml:6:12: segments.b.title: duplicate segment title vip (first used at line 3)"},
		{"segment title is another's name", "segments:\n  - name: a\n    title: B\n    rule: user.subscribed\n  - name: b\n    rule: user.subscribed\n", Options{},
			"rules.yaml:3:12: segments.a.title: segment title B is the name of the segment at line 5: titles and names must differ"},
		{"segment title with a space", "segments:\n  - name: a\n    title: 活跃 会员\n    rule: user.subscribed\n", Options{},
			`rules.yaml:3:12: segments.a.title: invalid segment title "活跃 会员": use 1 to 20 characters without spaces`},
		{"bad tag name", "tags:\n  - name: Promo\n    when: user.subscribed\n", Options{},
			`rules.yaml:2:11: tags[0].name: invalid tag name "Promo": use 1 to 30 lower-case letters, digits and _, starting with a letter`},
		{"tag name too long", "tags:\n  - name: " + strings.Repeat("a", 31) + "\n    when: user.subscribed\n", Options{},
			`rules.yaml:2:11: tags[0].name: invalid tag name "` + strings.Repeat("a", 31) + `": use 1 to 30 lower-case letters, digits and _, starting with a letter`},
		{"event in segment", "segments:\n  - name: s\n    rule: user.subscribed && event.type == \"text\"\n", Options{},
			"rules.yaml:3:30: segments.s.rule: event is not available in a segment rule: segments select followers by user only"},
		{"bad on entry", "tags:\n  - name: a\n    on: [click, scan, subcribe]\n    when: user.subscribed\n", Options{},
			`rules.yaml:3:23: tags.a.on: unknown event type "subcribe" (did you mean subscribe?)`},
		{"bad on scalar", "tags:\n  - name: a\n    on: CLICK\n    when: user.subscribed\n", Options{},
			`rules.yaml:3:9: tags.a.on: unknown event type "CLICK" (did you mean click?)`},
		{"bad ttl", "tags:\n  - name: a\n    when: user.subscribed\n    ttl: 7x\n", Options{},
			`rules.yaml:4:10: tags.a.ttl: invalid duration "7x": use hours or minutes such as 168h or 90m, or days such as 7d`},
		{"zero ttl", "tags:\n  - name: a\n    when: user.subscribed\n    ttl: 0d\n", Options{},
			`rules.yaml:4:10: tags.a.ttl: must be greater than 0, got "0d"`},
		{"wechat tag too long", "tags:\n  - name: a\n    when: user.subscribed\n    wechat_tag: 一二三四五六七八九十一\n", Options{},
			"rules.yaml:4:17: tags.a.wechat_tag: must be at most 30 bytes, got 33 (a Chinese character takes 3)"},
		{"reply without kind", "replies:\n  - when: user.subscribed\n", Options{},
			"rules.yaml:2:5: replies[0]: missing the reply: add one of text, image, voice, video, news"},
		{"reply with two kinds", "replies:\n  - name: r\n    when: user.subscribed\n    text: hi\n    image: MEDIA\n", Options{},
			"rules.yaml:5:12: replies.r.image: a reply has exactly one kind, but this one has both text and image"},
		{"empty text", "replies:\n  - when: user.subscribed\n    text: \" \"\n", Options{},
			"rules.yaml:3:11: replies[0].text: must not be empty"},
		{"news without url", "replies:\n  - when: user.subscribed\n    news: {title: hi}\n", Options{},
			"rules.yaml:3:11: replies[0].news: missing url"},
		{"news bad url", "replies:\n  - when: user.subscribed\n    news: {title: hi, url: example.com}\n", Options{},
			`rules.yaml:3:28: replies[0].news.url: must be an absolute http:// or https:// URL, got "example.com"`},
		{"video without media id", "default:\n  video: {title: t}\n", Options{},
			"rules.yaml:2:10: default.video: missing media_id"},
		{"not a mapping", "- a\n", Options{},
			"rules.yaml:1:1: must be a mapping of keys, got a list"},
		{"yaml syntax", "tags:\n  - name: a\n    when: [x\n", Options{},
			"rules.yaml:3:1: YAML syntax error: did not find expected ',' or ']'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, tt.src, tt.opts)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
