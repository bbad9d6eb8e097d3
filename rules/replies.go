package rules

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// replyKinds are the reply types, in the order the manual lists them.
func replyKinds() []string { return []string{"text", "image", "voice", "video", "news"} }

func (d *decoder) replies(n *yaml.Node) []*ReplyRule {
	var out []*ReplyRule
	seen := make(map[string]int)
	for i, item := range d.items(n, "replies") {
		path := itemPath("replies", i, item, maxSegmentName)
		f, ok := d.fields(item, path, append([]string{"name", "when"}, replyKinds()...)...)
		if !ok {
			continue
		}
		r := &ReplyRule{Name: fmt.Sprintf("replies[%d]", i), Pos: d.src.at(item)}
		if f["name"] != nil {
			r.Name = d.name(f, item, path, "reply", maxSegmentName, seen)
		}
		r.When = d.program(f, item, path, "when", false)
		r.Reply, _ = d.reply(f, item, path)
		out = append(out, r)
	}
	return out
}

func (d *decoder) defaultReply(n *yaml.Node) (Reply, bool) {
	f, ok := d.fields(n, "default", replyKinds()...)
	if !ok {
		return Reply{}, false
	}
	return d.reply(f, n, "default")
}

// reply decodes the one reply kind among the keys of f.
func (d *decoder) reply(f map[string]*yaml.Node, parent *yaml.Node, path string) (Reply, bool) {
	var kind string
	for _, k := range replyKinds() {
		if f[k] == nil {
			continue
		}
		if kind != "" {
			d.add(f[k], path+"."+k, "a reply has exactly one kind, but this one has both %s and %s", kind, k)
			return Reply{}, false
		}
		kind = k
	}
	if kind == "" {
		d.add(parent, path, "missing the reply: add one of %s", strings.Join(replyKinds(), ", "))
		return Reply{}, false
	}
	n, kpath := f[kind], path+"."+kind
	switch kind {
	case "video":
		return d.video(n, kpath)
	case "news":
		return d.news(n, kpath)
	}
	s, ok := d.str(n, kpath)
	if ok && strings.TrimSpace(s) == "" {
		d.add(n, kpath, "must not be empty")
		return Reply{}, false
	}
	if kind == "text" {
		return Reply{Type: kind, Content: s}, ok
	}
	return Reply{Type: kind, MediaID: s}, ok
}

func (d *decoder) video(n *yaml.Node, path string) (Reply, bool) {
	f, ok := d.fields(n, path, "media_id", "title", "description")
	if !ok {
		return Reply{}, false
	}
	r := Reply{Type: "video"}
	r.MediaID, ok = d.required(f, n, path, "media_id")
	r.Title, _ = d.str(f["title"], path+".title")
	r.Description, _ = d.str(f["description"], path+".description")
	return r, ok
}

// news decodes one article: WeChat allows a single article in a passive
// reply.
func (d *decoder) news(n *yaml.Node, path string) (Reply, bool) {
	f, ok := d.fields(n, path, "title", "description", "url", "pic_url")
	if !ok {
		return Reply{}, false
	}
	r := Reply{Type: "news"}
	title, okTitle := d.required(f, n, path, "title")
	link, okURL := d.required(f, n, path, "url")
	r.Title, r.URL = title, link
	r.Description, _ = d.str(f["description"], path+".description")
	r.PicURL, _ = d.str(f["pic_url"], path+".pic_url")
	okURL = okURL && d.checkURL(f["url"], path+".url", r.URL)
	okPic := r.PicURL == "" || d.checkURL(f["pic_url"], path+".pic_url", r.PicURL)
	return r, okTitle && okURL && okPic
}

// checkURL requires an absolute http(s) URL: WeChat opens nothing else.
func (d *decoder) checkURL(n *yaml.Node, path, s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.add(n, path, "must be an absolute http:// or https:// URL, got %q", s)
		return false
	}
	return true
}
