package wxsim

import (
	"fmt"
	"time"
)

// Triggers for Interact: what the follower did, which decides how long the
// customer-service window stays open and how many messages it allows.
const (
	TriggerMessage   = "message"   // any user message: 48 h, 5 messages
	TriggerClick     = "click"     // a menu click: 1 min, 3 messages
	TriggerSubscribe = "subscribe" // a follow: 1 min, 3 messages
	TriggerScan      = "scan"      // a QR scan: 1 min, 3 messages
)

// csWindow is one open customer-service window.
type csWindow struct {
	until time.Time
	left  int
}

func (w *csWindow) open(now time.Time) bool { return now.Before(w.until) }

// csWindows keeps one window per kind of trigger: a new trigger replaces
// its kind's window with a fresh one.
type csWindows struct {
	message csWindow
	event   csWindow
}

// CustomMessage is one accepted customer-service message.
type CustomMessage struct {
	To      string
	MsgType string
	Content string // text, or the first article's title for news
	MediaID string // image and mpnews
	At      time.Time
}

// Interact records that openid did something that opens a customer-service
// window (see the Trigger constants) at time at; a zero at means the
// Server's clock now. It also makes openid follow again after Unfollow: a
// roster follower comes back at the end of user/get's order, following
// since at. A subscribe from an openid the roster does not know adds it
// (scene ADD_SCENE_OTHERS), so user/info finds whoever a test followed.
func (s *Server) Interact(appID, openid, trigger string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.mustApp(appID)
	m := &a.msg
	if at.IsZero() {
		at = s.now()
	}
	w := m.windows[openid]
	if w == nil {
		w = &csWindows{}
		m.windows[openid] = w
	}
	switch trigger {
	case TriggerMessage:
		w.message = csWindow{until: at.Add(48 * time.Hour), left: 5}
	case TriggerClick, TriggerSubscribe, TriggerScan:
		w.event = csWindow{until: at.Add(time.Minute), left: 3}
	default:
		panic(fmt.Sprintf("wxsim: unknown trigger %q", trigger))
	}
	if f, ok := m.followers[openid]; ok && f.unfollowed {
		f.unfollowed = false
		m.followers[openid] = f
	}
	switch rf := a.users.lookup(openid); {
	case rf != nil:
		a.users.refollow(rf, at)
	case trigger == TriggerSubscribe && wellFormedOpenID(openid):
		a.users.add(fan{openid: openid, since: unixSeconds(at)})
	}
}

// useWindow spends one message of an open window, the one closing first,
// so the long message window keeps its quota for later.
func (m *appMessages) useWindow(openid string, now time.Time) *apiError {
	w := m.windows[openid]
	if m.followers[openid].unfollowed || w == nil || !w.message.open(now) && !w.event.open(now) {
		return errResponseOutOfTime()
	}
	var pick *csWindow
	for _, c := range []*csWindow{&w.event, &w.message} {
		if c.open(now) && c.left > 0 && (pick == nil || c.until.Before(pick.until)) {
			pick = c
		}
	}
	if pick == nil {
		return errResponseCountLimit()
	}
	pick.left--
	return nil
}

type customRequest struct {
	ToUser  string    `json:"touser"`
	MsgType string    `json:"msgtype"`
	Text    *textBody `json:"text"`
	Image   *mediaRef `json:"image"`
	MPNews  *mediaRef `json:"mpnews"`
	News    *struct {
		Articles []struct {
			Title string `json:"title"`
		} `json:"articles"`
	} `json:"news"`
}

// handleCustomSend serves POST /cgi-bin/message/custom/send for text,
// image, mpnews and news (link cards).
func (s *Server) handleCustomSend(c *apiCall) any {
	var req customRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	if !wellFormedOpenID(req.ToUser) {
		return errInvalidOpenID()
	}
	msg := CustomMessage{To: req.ToUser, MsgType: req.MsgType, At: c.now}
	if req.MsgType == SendNews {
		if req.News == nil || len(req.News.Articles) == 0 {
			return errEmptyNews()
		}
		msg.Content = req.News.Articles[0].Title
	} else {
		p := payload{msgType: req.MsgType, text: textOf(req.Text)}
		if req.MsgType == SendImage {
			p.mediaIDs = mediaIDOf(req.Image)
		} else if req.MsgType == SendMPNews {
			p.mediaIDs = mediaIDOf(req.MPNews)
		}
		if e := m.check(p, SendText, SendImage, SendMPNews); e != nil {
			return e
		}
		msg.Content, msg.MediaID = p.summary()
	}
	if e := m.useWindow(req.ToUser, c.now); e != nil {
		return e
	}
	m.custom = append(m.custom, msg)
	return &apiError{CodeOK, "ok"}
}

// CustomMessages returns appID's accepted customer-service messages,
// oldest first.
func (s *Server) CustomMessages(appID string) []CustomMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CustomMessage(nil), s.appMsgs(appID).custom...)
}
