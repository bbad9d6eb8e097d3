package links

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

const (
	// exchangeTimeout bounds one exchange and its recording.
	exchangeTimeout = 10 * time.Second
	// drainTime is how long a stopping server keeps exchanging what is
	// queued; what is left then is dropped (and logged as a count).
	drainTime = 5 * time.Second
)

// Start runs the background exchange until ctx ends; then the queue stops
// taking codes and the workers have drainTime to finish it. wg tracks the
// work, so the caller can wait for it before closing Redis.
func (s *Service) Start(ctx context.Context, wg *sync.WaitGroup) {
	drain, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.queue.start(drain)
	wg.Go(func() {
		<-ctx.Done()
		t := time.AfterFunc(drainTime, cancel)
		s.queue.close()
		t.Stop()
		cancel()
		if n := s.dropped.Load(); n > 0 {
			s.log.Warn("links: authorization codes left unexchanged at shutdown", zap.Int64("codes", n))
		}
	})
}

// Queued is how many authorization codes wait for their exchange.
func (s *Service) Queued() int { return len(s.queue.ch) }

// Exchanged is how many queued codes the workers have dealt with
// (identified, anonymous or dropped).
func (s *Service) Exchanged() int64 { return s.queue.done.Load() }

// exchange is one worker's job: the code to an openid, then the click.
// A code too old to be accepted, or any error, makes the tap anonymous.
func (s *Service) exchange(ctx context.Context, it item) {
	if ctx.Err() != nil {
		s.dropped.Add(1)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	if s.cfg.Now().Sub(it.at) > codeLife {
		s.anonymous(ctx, it.target)
		return
	}
	openid, err := s.deps.Exchanger.OAuthOpenID(ctx, it.code)
	if err != nil {
		// 40029 and 40163 are the follower's browser's doing (a reload, a
		// code replayed), not wxcast's: debug only.
		log := s.log.Warn
		if c := wxapi.ErrCode(err); c == 40029 || c == 40163 {
			log = s.log.Debug
		}
		log("links: authorization code not exchanged; the tap counts as anonymous",
			zap.Int64("broadcast", it.target.Broadcast), zap.Error(err))
		s.anonymous(ctx, it.target)
		return
	}
	s.record(ctx, it, openid)
}

// record counts an identified tap: a click when openid received the
// link's version, otherwise a tap of another (a forwarded link), which
// creates no profile. Openids go to debug logs only.
func (s *Service) record(ctx context.Context, it item, openid string) {
	t := it.target
	version, ok, err := s.deps.Receipts.Received(ctx, t.Broadcast, openid)
	if err != nil {
		s.log.Warn("links: read the member index", zap.Int64("broadcast", t.Broadcast), zap.Error(err))
		return
	}
	if !ok || version != t.Version {
		if err := s.deps.Clicks.RecordTap(ctx, t.Broadcast, t.Version, t.Link, store.TapOther); err != nil {
			s.log.Warn("links: count a tap of another", zap.Int64("broadcast", t.Broadcast), zap.Error(err))
		}
		return
	}
	at := it.at
	if _, err := s.deps.Clicks.RecordClick(ctx, t.Broadcast, t.Version, t.Link, openid, at); err != nil {
		s.log.Warn("links: count a click", zap.Int64("broadcast", t.Broadcast), zap.Error(err))
		return
	}
	if s.deps.Recorder == nil {
		return
	}
	c := Click{OpenID: openid, Broadcast: t.Broadcast, Version: t.Version, Link: t.Link, URL: t.URL,
		UserAgent: it.userAgent, At: at, DedupID: dedupID(it.code)}
	if err := s.deps.Recorder.RecordClick(ctx, c); err != nil {
		s.log.Warn("links: record the click on the profile", zap.Int64("broadcast", t.Broadcast), zap.Error(err))
		s.log.Debug("links: click not recorded", zap.String("openid", openid))
	}
}

// dedupID names a tap by its authorization code (single use), hashed:
// the code itself is a credential for 5 minutes.
func dedupID(code string) string {
	h := sha256.Sum256([]byte(code))
	return "l" + hex.EncodeToString(h[:12])
}
