package demo

import (
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// SimPage serves `wxcast sim`: the simulated WeChat API under /cgi-bin/,
// and at / a page for pushing callbacks by hand to the server under test
// and seeing what that server sent back through the API.
type SimPage struct {
	Sim    *wxsim.Server
	AppID  string
	Client *wxsim.Client
	msgID  atomic.Int64

	// mu guards the messages seen so far, newest last.
	mu   sync.Mutex
	cur  wxsim.SentCursor
	sent []outboxLine
}

// Handler routes the API to the simulator and the rest to the page.
func (p *SimPage) Handler() http.Handler {
	p.msgID.CompareAndSwap(0, time.Now().Unix()*1_000_000)
	mux := http.NewServeMux()
	mux.Handle("/cgi-bin/", p.Sim)
	// WeChat's web authorization: its page and the code exchange.
	mux.Handle("GET /connect/oauth2/authorize", p.Sim)
	mux.Handle("/sns/", p.Sim)
	static, _ := fs.Sub(webFiles, "web")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, static, "sim.html")
	})
	mux.Handle("GET /sim.js", noStore(http.FileServerFS(static)))
	mux.Handle("GET /app.css", noStore(http.FileServerFS(static)))
	mux.HandleFunc("POST /sim/push", p.handlePush)
	mux.HandleFunc("GET /sim/outbox", p.handleOutbox)
	return mux
}

// pushRequest is the page's form.
type pushRequest struct {
	OpenID string  `json:"openid"`
	Kind   string  `json:"kind"`
	Value  string  `json:"value"`
	Lat    float64 `json:"lat"`
	Lng    float64 `json:"lng"`
}

// message builds the push the form describes.
func (p *SimPage) message(r pushRequest) (wxsim.Message, string) {
	switch r.Kind {
	case "text":
		if r.Value == "" {
			return wxsim.Message{}, "a text message needs its text"
		}
		return wxsim.Text(r.OpenID, r.Value, p.msgID.Add(1)), ""
	case "subscribe":
		return wxsim.Subscribe(r.OpenID, r.Value), ""
	case "unsubscribe":
		return wxsim.Unsubscribe(r.OpenID), ""
	case "scan":
		if r.Value == "" {
			return wxsim.Message{}, "a scan needs the QR scene"
		}
		return wxsim.Scan(r.OpenID, r.Value), ""
	case "click":
		if r.Value == "" {
			return wxsim.Message{}, "a click needs the menu key"
		}
		return wxsim.Click(r.OpenID, r.Value), ""
	case "view":
		return wxsim.View(r.OpenID, r.Value), ""
	case "location":
		return wxsim.Location(r.OpenID, r.Lat, r.Lng, r.Value, p.msgID.Add(1)), ""
	case "report":
		return wxsim.LocationReport(r.OpenID, r.Lat, r.Lng, 65), ""
	}
	return wxsim.Message{}, "unknown kind " + strconv.Quote(r.Kind) + ": want text, subscribe, unsubscribe, scan, click, view, location or report"
}

func (p *SimPage) handlePush(w http.ResponseWriter, r *http.Request) {
	var req pushRequest
	if !readJSON(w, r, &req) {
		return
	}
	req.OpenID = strings.TrimSpace(req.OpenID)
	if req.OpenID == "" {
		writeError(w, http.StatusBadRequest, "openid is empty")
		return
	}
	m, problem := p.message(req)
	if problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return
	}
	sent := string(p.Client.XML(m))
	res, err := p.Client.Send(r.Context(), m)
	out := struct {
		Sent   string `json:"sent"`
		Status int    `json:"status,omitempty"`
		Reply  string `json:"reply,omitempty"`
		Error  string `json:"error,omitempty"`
	}{Sent: sent}
	if res != nil {
		out.Status, out.Reply = res.Status, string(res.Plain)
	}
	if err != nil {
		out.Error = err.Error()
	}
	writeJSON(w, http.StatusOK, out)
}

// outboxLine is one thing the server under test did through the API.
type outboxLine struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
	To   string    `json:"to,omitempty"`
	Text string    `json:"text"`
}

// outboxKeep is how many of the newest lines the page shows.
const outboxKeep = 60

func (p *SimPage) handleOutbox(w http.ResponseWriter, _ *http.Request) {
	lines := p.newSent()
	for _, c := range p.Sim.LastCalls(p.AppID, outboxKeep) {
		lines = append(lines, outboxLine{c.Time, "API " + c.Path, "", "errcode " + strconv.Itoa(c.ErrCode)})
	}
	slices.SortStableFunc(lines, func(a, b outboxLine) int { return b.At.Compare(a.At) }) // newest first
	if len(lines) > outboxKeep {
		lines = lines[:outboxKeep]
	}
	writeJSON(w, http.StatusOK, lines)
}

// newSent adds what the server sent since the last look to the kept
// messages and returns a copy of the newest outboxKeep.
func (p *SimPage) newSent() []outboxLine {
	p.mu.Lock()
	defer p.mu.Unlock()
	var sent wxsim.Sent
	sent, p.cur = p.Sim.SentSince(p.AppID, p.cur)
	for _, m := range sent.Custom {
		p.sent = append(p.sent, outboxLine{m.At, "客服消息 " + m.MsgType, m.To, massText(m.MsgType, m.Content, m.MediaID, nil)})
	}
	for _, m := range sent.Previews {
		p.sent = append(p.sent, outboxLine{m.At, "群发预览 " + m.MsgType, m.To, massText(m.MsgType, m.Content, m.MediaID, m.Articles)})
	}
	for _, m := range sent.Templates {
		p.sent = append(p.sent, outboxLine{m.At, "模板消息", m.To, templateText(m.Data)})
	}
	for _, j := range sent.Jobs {
		p.sent = append(p.sent, outboxLine{j.At, "群发 " + j.MsgType + " msg_id " + strconv.FormatInt(j.MsgID, 10),
			strconv.Itoa(j.Total-len(j.Skipped)) + " 人", massText(j.MsgType, j.Content, j.MediaID, j.Articles)})
	}
	if len(p.sent) > 2*outboxKeep {
		p.sent = slices.Clone(p.sent[len(p.sent)-outboxKeep:])
	}
	n := min(len(p.sent), outboxKeep)
	return slices.Clone(p.sent[len(p.sent)-n:])
}
