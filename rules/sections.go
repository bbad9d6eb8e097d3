package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// Name limits: WeChat-side tag names are short, and tag names are
// mirrored there one day; segment names only live in wxcast.
const (
	maxTagName     = 30
	maxSegmentName = 64
	maxWeChatTag   = 30 // bytes
	maxAccountTags = 100
)

func (d *decoder) attributes(n *yaml.Node) []Attribute {
	if n == nil || yamlnode.IsNull(n) {
		return nil
	}
	ps, ok := d.pairs(n, "attributes")
	if !ok {
		return nil
	}
	var attrs []Attribute
	for _, p := range ps {
		path := "attributes." + p.key.Value
		if !validName(p.key.Value, maxSegmentName) {
			d.add(p.key, path, "invalid attribute name %q: use lower-case letters, digits and _, starting with a letter", p.key.Value)
			continue
		}
		typ, ok := d.str(p.value, path)
		if ok && !slices.Contains(attrTypeNames(), typ) {
			d.add(p.value, path, "unknown type %q%s; use one of %s", typ,
				didYouMean(typ, attrTypeNames()), strings.Join(attrTypeNames(), ", "))
			continue
		}
		if ok {
			attrs = append(attrs, Attribute{Name: p.key.Value, Type: typ, Pos: d.src.at(p.key)})
		}
	}
	return attrs
}

func (d *decoder) tags(n *yaml.Node) []*TagRule {
	var out []*TagRule
	seen := make(map[string]int)
	for i, item := range d.items(n, "tags") {
		if t := d.tag(item, itemPath("tags", i, item, maxTagName), seen); t != nil {
			out = append(out, t)
		}
	}
	return out
}

func (d *decoder) tag(n *yaml.Node, path string, seen map[string]int) *TagRule {
	f, ok := d.fields(n, path, "name", "description", "on", "when", "unless", "ttl", "wechat_tag")
	if !ok {
		return nil
	}
	t := &TagRule{Pos: d.src.at(n)}
	t.Name = d.name(f, n, path, "tag", maxTagName, seen)
	t.Description, _ = d.str(f["description"], path+".description")
	t.On = d.eventTypes(f["on"], path+".on")
	t.When = d.program(f, n, path, "when", false)
	if f["unless"] != nil {
		t.Unless = d.program(f, n, path, "unless", false)
	}
	t.TTL = d.ttl(f["ttl"], path+".ttl")
	t.WeChatTag = d.wechatTag(f["wechat_tag"], path+".wechat_tag")
	return t
}

func (d *decoder) segments(n *yaml.Node) []*Segment {
	var out []*Segment
	seen := make(map[string]int)
	var titles []titleAt
	for i, item := range d.items(n, "segments") {
		path := itemPath("segments", i, item, maxSegmentName)
		f, ok := d.fields(item, path, "name", "title", "description", "rule")
		if !ok {
			continue
		}
		s := &Segment{Pos: d.src.at(item)}
		s.Name = d.name(f, item, path, "segment", maxSegmentName, seen)
		if t := d.title(f["title"], path+".title"); t != "" {
			s.Title = t
			titles = append(titles, titleAt{t, f["title"], path + ".title"})
		}
		s.Description, _ = d.str(f["description"], path+".description")
		s.Rule = d.program(f, item, path, "rule", true)
		out = append(out, s)
	}
	d.uniqueTitles(titles, seen)
	return out
}

// maxSegmentTitle bounds a segment's display name, typed on a phone.
const maxSegmentTitle = 20

// titleAt is a segment's title and where the file gives it.
type titleAt struct {
	title string
	node  *yaml.Node
	path  string
}

// title checks a segment's display name: one word (admins type it in
// commands, which split at spaces), at most maxSegmentTitle characters.
func (d *decoder) title(n *yaml.Node, path string) string {
	if n == nil || yamlnode.IsNull(n) {
		return ""
	}
	t, ok := d.str(n, path)
	switch {
	case !ok:
		return ""
	case t == "" || strings.ContainsFunc(t, unicode.IsSpace) || utf8.RuneCountInString(t) > maxSegmentTitle:
		d.add(n, path, "invalid segment title %q: use 1 to %d characters without spaces", t, maxSegmentTitle)
		return ""
	}
	return t
}

// uniqueTitles refuses a title that another segment's title or any
// segment's name already is, in any case: admins type either.
func (d *decoder) uniqueTitles(titles []titleAt, names map[string]int) {
	first := make(map[string]int)
	for _, t := range titles {
		low := strings.ToLower(t.title)
		if line, dup := names[low]; dup {
			d.add(t.node, t.path, "segment title %s is the name of the segment at line %d: titles and names must differ", t.title, line)
			continue
		}
		if line, dup := first[low]; dup {
			d.add(t.node, t.path, "duplicate segment title %s (first used at line %d)", t.title, line)
			continue
		}
		first[low] = t.node.Line
	}
}

// name checks the name of a rule: required, well formed and unique in
// its section. seen maps names to the line that first used them.
func (d *decoder) name(f map[string]*yaml.Node, parent *yaml.Node, path, kind string, maxLen int, seen map[string]int) string {
	name, ok := d.required(f, parent, path, "name")
	if !ok {
		return ""
	}
	n := f["name"]
	if !validName(name, maxLen) {
		d.add(n, path+".name", "invalid %s name %q: use 1 to %d lower-case letters, digits and _, starting with a letter",
			kind, name, maxLen)
		return name
	}
	if line, dup := seen[name]; dup {
		d.add(n, path+".name", "duplicate %s name %s (first defined at line %d)", kind, name, line)
		return name
	}
	seen[name] = n.Line
	return name
}

// program compiles the expression under key of mapping parent, mapping
// each problem onto the file.
func (d *decoder) program(f map[string]*yaml.Node, parent *yaml.Node, path, key string, segment bool) *Program {
	path += "." + key
	n := f[key]
	if n == nil {
		d.add(parent, strings.TrimSuffix(path, "."+key), "missing %s", key)
		return nil
	}
	src, ok := d.str(n, path)
	if !ok {
		return nil
	}
	prog, attrs, errs := d.comp.compile(src, segment, true)
	for _, e := range errs {
		d.problems = append(d.problems, Problem{Pos: d.src.exprPos(n, e.offset), Path: path, Msg: e.msg})
	}
	if len(errs) > 0 {
		return nil
	}
	return &Program{Source: src, Path: path, Pos: d.src.exprPos(n, 0), Cost: d.comp.costModel().cost(prog.Node()),
		program: prog, compiler: d.comp, attrs: attrs}
}

// eventTypes decodes `on`: one event type or a list of them.
func (d *decoder) eventTypes(n *yaml.Node, path string) []string {
	if n == nil || yamlnode.IsNull(n) {
		return nil
	}
	entries := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		entries = d.items(n, path)
	}
	var out []string
	for _, e := range entries {
		s, ok := d.str(e, path)
		if !ok {
			continue
		}
		if !slices.Contains(eventTypeNames(), s) {
			d.add(e, path, "unknown event type %q%s", s, didYouMean(s, eventTypeNames()))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) ttl(n *yaml.Node, path string) time.Duration {
	s, ok := d.str(n, path)
	if !ok || s == "" {
		return 0
	}
	ttl, err := parseTTL(s)
	if err != nil {
		d.add(n, path, "%v", err)
	}
	return ttl
}

// parseTTL accepts a Go duration (168h, 90m) or whole days (7d), which
// time.ParseDuration lacks and rule authors reach for first.
func parseTTL(s string) (time.Duration, error) {
	var ttl time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		ttl = time.Duration(n) * 24 * time.Hour
	} else {
		ttl, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use hours or minutes such as 168h or 90m, or days such as 7d", s)
	}
	if ttl <= 0 {
		return 0, fmt.Errorf("must be greater than 0, got %q", s)
	}
	return ttl, nil
}

func (d *decoder) wechatTag(n *yaml.Node, path string) string {
	s, ok := d.str(n, path)
	switch {
	case ok && len(s) > maxWeChatTag:
		d.add(n, path, "must be at most %d bytes, got %d (a Chinese character takes 3)", maxWeChatTag, len(s))
	case ok && strings.TrimSpace(s) == "" && s != "":
		d.add(n, path, "must not be blank")
	case ok && s != "":
		d.wechatTags = append(d.wechatTags, wechatTagUse{s, n, path})
	}
	return s
}

// checkWeChatTagLimit refuses a file that mirrors onto more WeChat tags
// than an account may have: on its own, or with the account's existing
// tags (as the last sync or mirror drain read them) counted in. The
// problem points at the first wechat_tag that does not fit.
func (d *decoder) checkWeChatTagLimit(existing []string) {
	have := make(map[string]bool, len(existing))
	for _, name := range existing {
		have[name] = true
	}
	seen := make(map[string]bool)
	var fresh []wechatTagUse
	for _, u := range d.wechatTags {
		if !seen[u.name] {
			seen[u.name] = true
			if !have[u.name] {
				fresh = append(fresh, u)
			}
		}
	}
	if len(seen) > maxAccountTags {
		counted := make(map[string]bool)
		for _, u := range d.wechatTags {
			counted[u.name] = true
			if len(counted) > maxAccountTags {
				d.add(u.node, u.path, "wechat_tag %q is the file's WeChat tag number %d; WeChat allows %d per account",
					u.name, len(counted), maxAccountTags)
				return
			}
		}
	}
	if room := maxAccountTags - len(have); len(fresh) > room {
		u := fresh[max(room, 0)]
		d.add(u.node, u.path, "wechat_tag %q would be a new WeChat tag, but the account has %d tags and this file adds %d new ones: WeChat allows %d per account (delete unused tags in the WeChat console, or mirror onto existing ones)",
			u.name, len(have), len(fresh), maxAccountTags)
	}
}
