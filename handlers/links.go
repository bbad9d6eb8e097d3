package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/links"
)

// Links answers the two hops of a click on a tracked link (links.Service).
type Links interface {
	Open(ctx context.Context, code, userAgent string) (string, error)
	Return(ctx context.Context, state, authCode, userAgent string) (string, error)
	// Peek and PeekReturn answer HEAD: where the hop leads, with nothing
	// counted and no authorization code spent. Link previewers send HEAD.
	Peek(ctx context.Context, code string) (string, error)
	PeekReturn(ctx context.Context, state string) (string, error)
}

// VerifyFile is the web authorization domain's check file, served at the
// root under its own name.
type VerifyFile struct {
	Name string
	Body []byte
}

// linkRoutes adds the tracked links' routes: the return from WeChat's
// authorization first (its path is no code: codes are longer), then the
// links, then the domain-check file under its one name.
func (s *Server) linkRoutes(r *mux.Router) {
	if s.cfg.Links == nil {
		return
	}
	r.HandleFunc(links.ReturnPath, s.handleLinkReturn).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/l/{code}", s.handleLink).Methods(http.MethodGet, http.MethodHead)
	if f := s.cfg.VerifyFile; f.Name != "" {
		r.HandleFunc("/"+f.Name, s.handleVerifyFile).Methods(http.MethodGet, http.MethodHead)
	}
}

// handleLink answers GET /l/{code}: a redirect to WeChat's authorization
// or to the link's target; the request's query and headers other than
// the User-Agent are never read, so nothing in them can change where it
// leads.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	code := mux.Vars(r)["code"]
	if r.Method == http.MethodHead {
		to, err := s.cfg.Links.Peek(r.Context(), code)
		s.linkAnswer(w, r, to, err)
		return
	}
	to, err := s.cfg.Links.Open(r.Context(), code, r.UserAgent())
	s.linkAnswer(w, r, to, err)
}

// handleLinkReturn answers WeChat's authorization return, ?code&state.
func (s *Server) handleLinkReturn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodHead {
		to, err := s.cfg.Links.PeekReturn(r.Context(), q.Get("state"))
		s.linkAnswer(w, r, to, err)
		return
	}
	to, err := s.cfg.Links.Return(r.Context(), q.Get("state"), q.Get("code"), r.UserAgent())
	s.linkAnswer(w, r, to, err)
}

func (s *Server) linkAnswer(w http.ResponseWriter, r *http.Request, to string, err error) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	switch {
	case err == nil:
		http.Redirect(w, r, to, http.StatusFound)
	case errors.Is(err, links.ErrUnknownLink):
		linkPage(w, http.StatusNotFound, "This link does not exist. 链接不存在。")
	case errors.Is(err, links.ErrBadState):
		linkPage(w, http.StatusBadRequest, "This link could not be opened; open it again from the message. 请从消息中重新打开链接。")
	default:
		s.log.Warn("links: answer a click", zap.Error(err))
		linkPage(w, http.StatusServiceUnavailable, "Please try again in a moment. 请稍后再试。")
	}
}

func linkPage(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}

// handleVerifyFile serves the console's domain-check file, its exact bytes.
func (s *Server) handleVerifyFile(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write(s.cfg.VerifyFile.Body)
}
