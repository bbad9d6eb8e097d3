package links

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/store"
)

// Target is where a frozen code leads: the broadcast, version and link it
// was made for, and the URL.
type Target = store.LinkTarget

// Targets resolves codes (store.Links); ok is false for an unknown or
// expired one.
type Targets interface {
	Resolve(ctx context.Context, code string) (t Target, ok bool, err error)
}

// Clicks counts taps (store.Links): RecordTap's kind is store.TapOther or
// store.TapAnonymous.
type Clicks interface {
	RecordClick(ctx context.Context, id int64, version, link int, openid string, at time.Time) (first bool, err error)
	RecordTap(ctx context.Context, id int64, version, link int, kind string) error
}

// Receipts tells which version of a broadcast a follower received.
type Receipts interface {
	Received(ctx context.Context, id int64, openid string) (version int, ok bool, err error)
}

// Exchanger turns a web authorization code into the openid of the
// follower who authorized (wxapi.Client).
type Exchanger interface {
	OAuthOpenID(ctx context.Context, code string) (string, error)
}

// ErrUnknownLink is a code no broadcast froze: nothing to redirect to.
var ErrUnknownLink = errors.New("links: unknown link")

// Config is what the link service needs to know.
type Config struct {
	// BaseURL is links.base_url; the authorization returns to
	// BaseURL+ReturnPath.
	BaseURL string
	// OAuthBaseURL is wechat.oauth_base_url; AppID the account's.
	OAuthBaseURL, AppID string
	// StateKey signs states (see StateKey).
	StateKey []byte
	// Workers and Queue size the background exchange.
	Workers, Queue int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// ReturnPath is where WeChat's authorization page sends the browser back:
// it cannot be a code (codes have at least 16 characters).
const ReturnPath = "/l/auth"

const (
	// stateLife is how long a follower may take on WeChat's page.
	stateLife = 10 * time.Minute
	// codeLife is how long WeChat accepts an authorization code.
	codeLife = 5 * time.Minute
)

// Deps are the parts the service calls. Exchanger nil (no AppSecret)
// turns the authorization off: every tap is anonymous.
type Deps struct {
	Targets   Targets
	Clicks    Clicks
	Receipts  Receipts
	Exchanger Exchanger
	Recorder  Recorder
	Log       *zap.Logger
}

// Service answers the two hops of a click: the link and the
// authorization's return.
type Service struct {
	cfg   Config
	deps  Deps
	state signer
	queue *queue
	log   *zap.Logger
	// dropped counts codes a stopping server left unexchanged.
	dropped atomic.Int64
}

// New builds the service; Start runs its background exchange.
func New(cfg Config, d Deps) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	s := &Service{cfg: cfg, deps: d, state: signer{key: cfg.StateKey, life: stateLife}, log: d.Log}
	s.queue = newQueue(max(cfg.Queue, 1), max(cfg.Workers, 1), s.exchange)
	return s
}

// inWeChat reports whether the browser is WeChat's in-app one.
func inWeChat(userAgent string) bool { return strings.Contains(userAgent, "MicroMessenger") }

// Open answers GET /l/{code}: the URL to redirect to. Inside WeChat (and
// with the authorization on) that is WeChat's silent authorization, which
// comes back to ReturnPath; anywhere else it is the link's target, and
// the tap counts as anonymous. Only the frozen target is ever used.
func (s *Service) Open(ctx context.Context, code, userAgent string) (string, error) {
	t, err := s.resolve(ctx, code)
	if err != nil {
		return "", err
	}
	if inWeChat(userAgent) && s.deps.Exchanger != nil {
		if state, ok := s.state.sign(code, s.cfg.Now()); ok {
			return s.authorizeURL(state), nil
		}
	}
	s.anonymous(ctx, t)
	return t.URL, nil
}

// Return answers the authorization's return (ReturnPath?code&state): the
// link's target at once, the code handed to the background exchange. A
// state that is not wxcast's, or was changed, is ErrBadState: it names
// nothing. An authentic but expired state, or no code (the follower
// refused), or a full queue counts an anonymous tap.
func (s *Service) Return(ctx context.Context, state, authCode, userAgent string) (string, error) {
	now := s.cfg.Now()
	code, err := s.state.open(state, now)
	if errors.Is(err, ErrBadState) {
		return "", err
	}
	t, rerr := s.resolve(ctx, code)
	if rerr != nil {
		return "", rerr
	}
	if err != nil || authCode == "" || s.deps.Exchanger == nil ||
		!s.queue.push(item{target: t, code: authCode, userAgent: userAgent, at: now}) {
		s.anonymous(ctx, t)
	}
	return t.URL, nil
}

// Peek answers HEAD /l/{code}: the link's target, counting nothing. A
// HEAD comes from a link previewer (a chat app, a scanner, a crawler)
// asking where the link leads, never from a follower's tap, which is a GET.
func (s *Service) Peek(ctx context.Context, code string) (string, error) {
	t, err := s.resolve(ctx, code)
	if err != nil {
		return "", err
	}
	return t.URL, nil
}

// PeekReturn answers HEAD on ReturnPath: the target an authentic state
// names, counting nothing and leaving the authorization code alone (an
// exchange spends it, and the follower's own GET needs it).
func (s *Service) PeekReturn(ctx context.Context, state string) (string, error) {
	code, err := s.state.open(state, s.cfg.Now())
	if errors.Is(err, ErrBadState) {
		return "", err
	}
	return s.Peek(ctx, code)
}

func (s *Service) resolve(ctx context.Context, code string) (Target, error) {
	if !validCode(code) {
		return Target{}, ErrUnknownLink
	}
	t, ok, err := s.deps.Targets.Resolve(ctx, code)
	switch {
	case err != nil:
		return Target{}, err
	case !ok || !safeTarget(t.URL):
		return Target{}, ErrUnknownLink
	}
	return t, nil
}

// safeTarget is a last check on a frozen URL: only absolute http(s) URLs
// are ever redirected to.
func safeTarget(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// authorizeURL is WeChat's silent authorization for state. The parameters
// keep the order of WeChat's documentation, which some clients depend on.
func (s *Service) authorizeURL(state string) string {
	return s.cfg.OAuthBaseURL + "/connect/oauth2/authorize?appid=" + url.QueryEscape(s.cfg.AppID) +
		"&redirect_uri=" + url.QueryEscape(s.cfg.BaseURL+ReturnPath) +
		"&response_type=code&scope=snsapi_base&state=" + state + "#wechat_redirect"
}

// anonymous counts a tap wxcast could not identify; a failure to count it
// never holds the follower up.
func (s *Service) anonymous(ctx context.Context, t Target) {
	if err := s.deps.Clicks.RecordTap(ctx, t.Broadcast, t.Version, t.Link, store.TapAnonymous); err != nil {
		s.log.Warn("links: count an anonymous tap", zap.Int64("broadcast", t.Broadcast), zap.Error(err))
	}
}

var (
	_ Targets = (*store.Links)(nil)
	_ Clicks  = (*store.Links)(nil)
	_ Members = (*store.Broadcasts)(nil)
	_ Records = (*broadcast.Records)(nil)
)
