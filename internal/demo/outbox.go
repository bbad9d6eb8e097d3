package demo

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// outbox follows what wxcast sent through the simulated WeChat API and
// puts each message into its recipient's chat: customer-service messages
// (replies that took long, notices), mass-send previews, template notices
// and mass sends, each to the followers WeChat actually reached.
type outbox struct {
	sim   *wxsim.Server
	appID string
	chats *chats
	// received, if set, hears of each text mass send and the followers
	// WeChat reached with it.
	received func(to []string, text string)

	mu  sync.Mutex // one poll at a time: the watcher's, or a push's
	cur wxsim.SentCursor
}

// watch copies new messages every period until ctx ends.
func (o *outbox) watch(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		o.poll()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poll copies what was sent since the last poll into the chats, in the
// order it was sent whatever its kind.
func (o *outbox) poll() {
	o.mu.Lock()
	defer o.mu.Unlock()
	var sent wxsim.Sent
	sent, o.cur = o.sim.SentSince(o.appID, o.cur)
	type line struct {
		to string
		m  Message
	}
	var lines []line
	for _, m := range sent.Custom {
		msg := Message{At: m.At, From: fromAccount, Kind: m.MsgType, Text: m.Content}
		if m.MsgType != "text" {
			msg.Title, msg.Text = m.Content, mediaText(m.MsgType, m.MediaID)
		}
		lines = append(lines, line{m.To, msg})
	}
	for _, p := range sent.Previews {
		if p.ByWXName {
			continue
		}
		lines = append(lines, line{p.To, Message{At: p.At, From: fromAccount, Kind: "preview",
			Title: "群发预览（仅你可见）", Text: massText(p.MsgType, p.Content, p.MediaID, p.Articles)}})
	}
	for _, m := range sent.Templates {
		lines = append(lines, line{m.To, Message{At: m.At, From: fromAccount, Kind: "template",
			Title: "模板消息", Text: templateText(m.Data)}})
	}
	for _, j := range sent.Jobs {
		text := massText(j.MsgType, j.Content, j.MediaID, j.Articles)
		skipped := make(map[string]bool, len(j.Skipped))
		for _, id := range j.Skipped {
			skipped[id] = true
		}
		var reached []string
		for _, openid := range j.ToUser {
			if !skipped[openid] {
				reached = append(reached, openid)
				lines = append(lines, line{openid, Message{At: j.At, From: fromAccount, Kind: "broadcast", Title: "群发消息", Text: text}})
			}
		}
		if o.received != nil && j.MsgType == "text" {
			o.received(reached, j.Content)
		}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return a.m.At.Compare(b.m.At) })
	for _, l := range lines {
		o.chats.add(l.to, l.m)
	}
}

// massText is what a mass message or preview shows: its text, or for
// news the titles of the articles WeChat delivered (the words as they were
// when the send was accepted), else the media_id.
func massText(msgType, content, mediaID string, articles []wxsim.DraftArticle) string {
	if msgType == "text" {
		return content
	}
	var titles []string
	for _, a := range articles {
		if a.Title != "" {
			titles = append(titles, a.Title)
		}
	}
	if msgType == "mpnews" && len(titles) > 0 {
		return "[图文消息] " + strings.Join(titles, " / ")
	}
	return mediaText(msgType, mediaID)
}

func mediaText(msgType, mediaID string) string {
	switch msgType {
	case "mpnews", "news":
		return "[图文消息] " + mediaID
	case "image":
		return "[图片] " + mediaID
	}
	return "[" + msgType + "] " + mediaID
}

// templateText shows a template message's fields, content first.
func templateText(data map[string]string) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if (a == "content") != (b == "content") {
			if a == "content" {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("\n")
		}
		if k != "content" {
			b.WriteString(k + "：")
		}
		b.WriteString(data[k])
	}
	return b.String()
}
