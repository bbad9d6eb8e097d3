package demo

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed web
var webFiles embed.FS

// maxSay bounds what the page may type in one message; WeChat's own input
// stops far below it.
const maxSay = 2048

// Handler serves the page and its JSON API.
func (d *Demo) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFiles, "web")
	mux.Handle("GET /", noStore(http.FileServerFS(static)))
	mux.HandleFunc("GET /api/people", d.handlePeople)
	mux.HandleFunc("GET /api/profile", d.handleProfile)
	mux.HandleFunc("GET /api/chat", d.handleChat)
	mux.HandleFunc("POST /api/say", d.handleSay)
	mux.HandleFunc("POST /api/do", d.handleDo)
	mux.HandleFunc("GET /api/feed", d.handleFeed)
	mux.HandleFunc("GET /api/segments", d.handleSegments)
	mux.HandleFunc("GET /api/broadcasts", d.handleBroadcasts)
	mux.HandleFunc("GET /api/status", d.handleStatus)
	return mux
}

// noStore keeps browsers from caching the page across demo versions.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

type personRef struct {
	OpenID string `json:"openid"`
	Label  string `json:"label"`
	Roles  string `json:"roles,omitempty"`
}

func (d *Demo) handlePeople(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Admins    []personRef `json:"admins"`
		Followers int         `json:"followers"`
		Joined    int64       `json:"joined"`
		Pick      *personRef  `json:"pick,omitempty"`
		// TimeZone is the zone the page shows times in (see clock.go).
		TimeZone string `json:"timezone"`
	}{Followers: d.o.Followers, Joined: d.joined.Load(), TimeZone: zoneName(d.o.Location, time.Now())}
	for _, a := range d.o.Admins {
		out.Admins = append(out.Admins, personRef{OpenID: a.OpenID, Label: a.Name, Roles: a.Roles})
	}
	// ?n=42 picks 粉丝0042, the page's way to chat as any follower.
	if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && n >= 1 && n <= d.o.Followers {
		p := d.people[len(d.o.Admins)+n-1]
		out.Pick = &personRef{OpenID: p.openid, Label: p.label}
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Demo) handleProfile(w http.ResponseWriter, r *http.Request) {
	p := d.person(r.URL.Query().Get("openid"))
	if p == nil {
		writeError(w, http.StatusNotFound, errNoSuchPerson)
		return
	}
	v, err := d.profile(r.Context(), p)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (d *Demo) handleChat(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	writeJSON(w, http.StatusOK, d.chats.after(q.Get("openid"), after))
}

func (d *Demo) handleSay(w http.ResponseWriter, r *http.Request) {
	var req struct{ OpenID, Text string }
	if !readJSON(w, r, &req) {
		return
	}
	p := d.person(req.OpenID)
	text := strings.TrimSpace(req.Text)
	switch {
	case p == nil:
		writeError(w, http.StatusNotFound, errNoSuchPerson)
	case text == "":
		writeError(w, http.StatusBadRequest, "消息是空的")
	case len(text) > maxSay || !utf8.ValidString(text):
		writeError(w, http.StatusBadRequest, "消息太长（最多 2048 字节）或不是 UTF-8")
	default:
		ctx, cancel := pushContext(r)
		defer cancel()
		writeJSON(w, http.StatusOK, d.say(ctx, p, text))
	}
}

func (d *Demo) handleDo(w http.ResponseWriter, r *http.Request) {
	var req struct{ OpenID, Action string }
	if !readJSON(w, r, &req) {
		return
	}
	p := d.person(req.OpenID)
	switch {
	case p == nil:
		writeError(w, http.StatusNotFound, errNoSuchPerson)
		return
	case p.admin:
		// Admins only type: an admin who unfollowed would get no previews.
		writeError(w, http.StatusBadRequest, "管理员只能发消息")
		return
	case !strings.Contains(", "+actions+",", ", "+req.Action+","):
		writeError(w, http.StatusBadRequest, "未知操作 "+strconv.Quote(req.Action)+"，可用："+actions)
		return
	}
	ctx, cancel := pushContext(r)
	defer cancel()
	e, ok := d.do(ctx, p, req.Action)
	if !ok {
		writeError(w, http.StatusConflict, "现在不能这样做（已关注时不能再关注，未关注时不能取关）")
		return
	}
	writeJSON(w, http.StatusOK, e)
}

const errNoSuchPerson = "演示里没有这个人"

// pushContext outlives the page's request: a person who reloads the page
// while wxcast handles their command has still sent it, as on a phone.
func pushContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
}

func (d *Demo) handleFeed(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	callbacks, tags := d.feed.counts()
	writeJSON(w, http.StatusOK, struct {
		Entries    []Entry `json:"entries"`
		Callbacks  int64   `json:"callbacks"`
		TagChanges int64   `json:"tag_changes"`
		Joined     int64   `json:"joined"`
		Followers  int     `json:"followers"`
	}{d.feed.after(after, 100), callbacks, tags, d.joined.Load(), d.o.Followers})
}

func (d *Demo) handleSegments(w http.ResponseWriter, r *http.Request) {
	segs, at, err := d.segments(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Segments []segmentView `json:"segments"`
		At       time.Time     `json:"at"`
	}{segs, at})
}

func (d *Demo) handleBroadcasts(w http.ResponseWriter, r *http.Request) {
	list, err := d.o.Broadcasts.List(r.Context(), 20)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	out := make([]broadcastView, 0, len(list))
	for _, b := range list {
		v := viewBroadcast(b)
		if d.o.Outcomes != nil && b.Arms != nil { // its audience is split: sending began
			o, err := d.o.Outcomes.Outcome(r.Context(), b)
			if err != nil {
				writeError(w, http.StatusServiceUnavailable, err.Error())
				return
			}
			v.Outcome = &o
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "请求不是有效的 JSON："+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
