package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// Things a person can do, besides typing.
const (
	actSubscribe   = "subscribe"
	actUnsubscribe = "unsubscribe"
	actPromo       = "promo"    // the 优惠活动 menu
	actPrices      = "prices"   // the 价目表 menu
	actLocation    = "location" // share the location (a message)
	actReport      = "report"   // the periodic location report (an event)
	actScan        = "scan"     // scan a store's QR code again
)

// step is one thing a person does: the push WeChat would send, how the
// person's chat and the event stream show it.
type step struct {
	msg    wxsim.Message
	action string // for the event stream
	chat   string // the person's own line; "" for none
	kind   string // the line's kind: text, location or event
}

// stepFor turns an action into its push. ok is false for an unknown
// action, or one that makes no sense now (unfollowing twice).
func (d *Demo) stepFor(p *person, action string) (step, bool) {
	switch action {
	case actSubscribe:
		if p.followed {
			return step{}, false
		}
		s := step{msg: wxsim.Subscribe(p.openid, p.scene), action: "关注", kind: "event", chat: "关注了公众号"}
		if p.scene != "" {
			s.action = "扫码关注 " + p.scene
			s.chat = "扫描二维码 " + p.scene + " 关注了公众号"
		}
		return s, true
	case actUnsubscribe:
		if !p.followed {
			return step{}, false
		}
		return step{msg: wxsim.Unsubscribe(p.openid), action: "取消关注", kind: "event", chat: "取消关注了公众号"}, true
	case actPromo:
		return step{msg: wxsim.Click(p.openid, "MENU_PROMO"), action: "点击菜单 优惠活动 (MENU_PROMO)", kind: "event", chat: "点击菜单「优惠活动」"}, true
	case actPrices:
		return step{msg: wxsim.Click(p.openid, "MENU_PRICES"), action: "点击菜单 价目表 (MENU_PRICES)", kind: "event", chat: "点击菜单「价目表」"}, true
	case actLocation:
		lat, lng, place := p.location()
		return step{msg: wxsim.Location(p.openid, lat, lng, place, d.nextMsgID()),
			action: "发送位置 " + place, kind: "location", chat: "[位置] " + place}, true
	case actReport:
		lat, lng, place := p.location()
		return step{msg: wxsim.LocationReport(p.openid, lat, lng, 65), action: "上报地理位置 " + place}, true
	case actScan:
		scene := p.scene
		if !strings.HasPrefix(scene, "store_") {
			scene = "store_sh_0012"
		}
		return step{msg: wxsim.Scan(p.openid, scene), action: "扫码 " + scene, kind: "event", chat: "扫描门店二维码 " + scene}, true
	}
	return step{}, false
}

// location is where p is, or the Shanghai office for people the crowd
// gave no place (admins).
func (p *person) location() (lat, lng float64, place string) {
	if p.place == "" {
		return 31.2304, 121.4737, "上海市黄浦区"
	}
	return p.lat, p.lng, p.place
}

// actions lists what /api/do accepts, for its error message.
const actions = "subscribe, unsubscribe, promo, prices, location, report, scan"

// say pushes a text message from p.
func (d *Demo) say(ctx context.Context, p *person, text string) Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return d.push(ctx, p, step{msg: wxsim.Text(p.openid, text, d.nextMsgID()), action: "发送「" + text + "」", kind: "text", chat: text})
}

// do pushes action as p; an action that makes no sense now does nothing.
func (d *Demo) do(ctx context.Context, p *person, action string) (Entry, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := d.stepFor(p, action)
	if !ok {
		return Entry{}, false
	}
	return d.push(ctx, p, s), true
}

// push sends one callback to wxcast as WeChat would and records what
// happened: the person's line, then whatever wxcast sent them through the
// API while handling it, then its passive reply in their chat, and an
// entry in the event stream with the tags the rules changed. The caller
// holds p.mu: one person pushes one thing at a time.
func (d *Demo) push(ctx context.Context, p *person, s step) Entry {
	now := time.Now()
	if s.chat != "" {
		d.chats.add(p.openid, Message{At: now, From: fromPerson, Kind: s.kind, Text: s.chat})
	}
	e := Entry{At: now, OpenID: p.openid, Label: p.label, Action: s.action}
	res, err := d.o.Client.Send(ctx, s.msg)
	switch {
	case err != nil:
		e.Error = err.Error()
	case res.Status != http.StatusOK:
		e.Error = fmt.Sprintf("HTTP %d: %s", res.Status, strings.TrimSpace(string(res.Raw)))
	default:
		// A preview or notice sent while the callback was handled reaches
		// the phone before the callback's answer does.
		d.out.poll()
		if m, ok := replyMessage(res.Plain); ok {
			m.At = time.Now()
			d.chats.add(p.openid, m)
			e.Reply = m.Title
			if e.Reply == "" {
				e.Reply = m.Text
			}
		}
		switch s.msg.Event {
		case wxsim.EventSubscribe:
			p.followed = true
			if !p.joined && !p.admin {
				p.joined = true
				d.joined.Add(1)
			}
		case wxsim.EventUnsubscribe:
			p.followed = false
		}
		if !p.admin {
			e.Added, e.Removed = d.tagChanges(ctx, p)
		}
	}
	if e.Error != "" {
		d.chats.add(p.openid, Message{At: time.Now(), From: fromAccount, Kind: "error", Text: "该公众号暂时无法提供服务：" + e.Error})
	}
	e.At = time.Now() // the stream is in the order callbacks finished
	e.Seq = d.feed.add(e)
	return e
}

// tagChanges reads the tag changes recorded in p's history since p's last
// push: the entries above the newest one seen then. A callback wxcast
// took for a repeat, or one that changed nothing, adds no entry and shows
// no change. The caller holds p.mu.
func (d *Demo) tagChanges(ctx context.Context, p *person) (added, removed []string) {
	h, err := d.o.Profiles.History(ctx, p.openid)
	if err != nil {
		d.o.Log.Warn("reading a follower's history failed; the stream shows no tag changes for this push",
			zap.String("openid", p.openid), zap.Error(err))
		return nil, nil
	}
	seen := p.head
	if len(h) > 0 {
		head := h[0] // a copy: the person keeps one entry, not the list
		p.head = &head
	}
	for _, x := range h {
		if seen != nil && x == *seen {
			break
		}
		if !x.IsTagChange() {
			if seen == nil {
				break // a first push: its own entries are all there is
			}
			continue
		}
		if x.Kind == store.KindTagAdded {
			added = append(added, x.Key)
		} else {
			removed = append(removed, x.Key)
		}
	}
	return added, removed
}

// setAttributes sends p's membership data through wxcast's attributes
// API, as an order system would.
func (d *Demo) setAttributes(ctx context.Context, p *person) error {
	if err := d.putAttributes(ctx, p.openid, p.attrs); err != nil {
		return err
	}
	d.feed.add(Entry{At: time.Now(), OpenID: p.openid, Label: p.label,
		Action: fmt.Sprintf("会员系统写入属性 vip_level=%v city=%v", p.attrs["vip_level"], p.attrs["city"])})
	return nil
}

// putAttributes writes attrs of openid through wxcast's attributes API.
func (d *Demo) putAttributes(ctx context.Context, openid string, attrs map[string]any) error {
	body, err := json.Marshal(attrs)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut,
		d.o.AttributesURL+"/"+url.PathEscape(openid)+"/attributes", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.o.APIToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return fmt.Errorf("attributes of %s: HTTP %d: %s", openid, res.StatusCode, strings.TrimSpace(b.String()))
	}
	return nil
}
