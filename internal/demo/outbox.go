package demo

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// outbox follows what wxcast sent through the simulated WeChat API and
// puts each message into its recipient's chat: customer-service messages
// (replies that took long, notices), mass-send previews, template notices
// and mass sends. The simulator's records only grow, so a cursor per kind
// is enough.
type outbox struct {
	sim   *wxsim.Server
	appID string
	chats *chats

	custom, previews, templates, jobs int
	// received counts the mass messages each follower's chat got, against
	// the simulator's delivery counts: WeChat leaves out a follower who
	// unfollowed or had this month's four already.
	received map[string]int
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

func (o *outbox) poll() {
	type line struct {
		to string
		m  Message
	}
	var lines []line
	for _, m := range tail(o.sim.CustomMessages(o.appID), &o.custom) {
		msg := Message{At: m.At, From: fromAccount, Kind: m.MsgType, Text: m.Content}
		if m.MsgType != "text" {
			msg.Title, msg.Text = m.Content, mediaText(m.MsgType, m.MediaID)
		}
		lines = append(lines, line{m.To, msg})
	}
	for _, p := range tail(o.sim.Previews(o.appID), &o.previews) {
		if p.ByWXName {
			continue
		}
		lines = append(lines, line{p.To, Message{At: p.At, From: fromAccount, Kind: "preview",
			Title: "群发预览（仅你可见）", Text: massText(p.MsgType, p.Content, p.MediaID)}})
	}
	for _, m := range tail(o.sim.TemplateMessages(o.appID), &o.templates) {
		lines = append(lines, line{m.To, Message{At: m.At, From: fromAccount, Kind: "template",
			Title: "模板消息", Text: templateText(m.Data)}})
	}
	if jobs := tail(o.sim.Jobs(o.appID), &o.jobs); len(jobs) > 0 {
		delivered := o.sim.Deliveries(o.appID)
		if o.received == nil {
			o.received = make(map[string]int)
		}
		for _, j := range jobs {
			text := massText(j.MsgType, j.Content, j.MediaID)
			for _, openid := range j.ToUser {
				if o.received[openid] >= delivered[openid] {
					continue
				}
				o.received[openid]++
				lines = append(lines, line{openid, Message{At: j.At, From: fromAccount, Kind: "broadcast", Title: "群发消息", Text: text}})
			}
		}
	}
	// In the order they were sent, whatever their kind.
	slices.SortStableFunc(lines, func(a, b line) int { return a.m.At.Compare(b.m.At) })
	for _, l := range lines {
		o.chats.add(l.to, l.m)
	}
}

// tail returns the records after *seen and moves *seen to the end.
func tail[T any](all []T, seen *int) []T {
	if *seen > len(all) {
		*seen = 0 // the simulator was reset
	}
	out := all[*seen:]
	*seen = len(all)
	return out
}

func massText(msgType, content, mediaID string) string {
	if msgType == "text" {
		return content
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
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "content") != (keys[j] == "content") {
			return keys[i] == "content"
		}
		return keys[i] < keys[j]
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
