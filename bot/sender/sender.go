// Package sender owns the sending engine: it watches the active
// broadcasts in Redis, fires scheduled ones on time, and sends each
// sending broadcast's batches through WeChat's mass-send API from the
// replica that holds its lease — building the batches from the frozen
// audience, reserving the followers' cap slots, retrying with the same
// clientmsgid, recording each outcome, and announcing the end.
//
// Every replica runs one Sender; a broadcast whose sender died is resumed
// by another. Time comes from a Clock, so tests drive it. It builds on
// bot/broadcast (records), bot/caps, bot/segment (whom to leave out),
// bot/wxapi, rules and store, and tells admins and applies early reports
// through interfaces of its own (Notices, EarlyReports) that bot/notify
// and bot/results meet: it imports neither, and no other package under
// bot imports it.
package sender

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// MassAPI sends one batch (wxapi.Client).
type MassAPI interface {
	MassSend(ctx context.Context, openids []string, c wxapi.Content, clientMsgID string) (wxapi.Sent, error)
	// MassStatus asks mass/get about a send: SEND_SUCCESS, SENDING,
	// SEND_FAIL or DELETE.
	MassStatus(ctx context.Context, msgID int64) (string, error)
}

// Notices tells admins what the sender did on its own (bot/notify).
type Notices interface {
	Voided(ctx context.Context, b *broadcast.Broadcast)
	Late(ctx context.Context, b *broadcast.Broadcast)
	StepsSkipped(ctx context.Context, b *broadcast.Broadcast, n int)
	Failed(ctx context.Context, b *broadcast.Broadcast)
	// Unknown: batch i's outcome is unknown (once per broadcast).
	Unknown(ctx context.Context, b *broadcast.Broadcast, i int)
	// QuotaWait: the daily quota is spent; b goes on at until.
	QuotaWait(ctx context.Context, b *broadcast.Broadcast, until time.Time)
	// DraftChanged: the draft b was approved from changed (fields, or
	// "draft" when it left the box) before sending began; b was not sent
	// and is a draft again.
	DraftChanged(ctx context.Context, b *broadcast.Broadcast, draft string, fields []string)
	Done(ctx context.Context, b *broadcast.Broadcast)
	HighFailure(ctx context.Context, b *broadcast.Broadcast, limit float64)
}

// EarlyReports applies a job report WeChat sent before the batch it is
// about was recorded (bot/results).
type EarlyReports interface {
	ApplyEarly(ctx context.Context, msgID int64)
}

// Clickers lists who clicked a broadcast's tracked links, per version
// (store.Links).
type Clickers interface {
	ScanClickers(ctx context.Context, id int64, version int, fn func(openid string, first time.Time) error) error
}

// Options configures a Sender.
type Options struct {
	Records *broadcast.Records
	// Store keeps the active set, the leases, the global pause, the openid
	// lists and the msg_id index.
	Store *store.Broadcasts
	// Profiles is read for the followers who unsubscribed since the
	// preview, or who hold a reminder series' tag.
	Profiles segment.Profiles
	// Rules returns the live rules, whose version a scheduled broadcast
	// must still have when it fires (nil: none).
	Rules func() *rules.Ruleset
	// API is nil when the WeChat API is off: nothing is sent. News checks
	// a news broadcast's draft and uploads its approved articles.
	API     MassAPI
	News    NewsAPI
	Caps    *caps.Caps
	Notices Notices
	Reports EarlyReports
	// Clickers are left out of a reminder series' later steps when the
	// series says so (nil: nobody is).
	Clickers Clickers
	// Wake makes the sender look now instead of at its next poll.
	Wake *broadcast.Wake

	// BatchSize is the most openids in one mass-send call (3 to 10,000: a
	// full batch and one left over become BatchSize-1 and 2, never 1);
	// BatchInterval the wait between two batches.
	BatchSize     int
	BatchInterval time.Duration
	// AlertFailureRate: a finished broadcast with more failures alerts the
	// owners.
	AlertFailureRate float64
	// RetryGap is how long to wait after an attempt that may have gone out
	// (no answer, or 45066: the same clientmsgid again too soon) before
	// the same clientmsgid asks again; the platform asks for a minute.
	RetryGap time.Duration
	// Windows hold a broadcast that waited for WeChat's daily quota past
	// its reset until the quiet hours end.
	Windows broadcast.Windows

	// Tags is the WeChat API of the tag channel (nil: API, when it has
	// it); TagWorkers the tagging calls in flight at once (default 6);
	// TagRate the tagging calls a second assumed when judging whether a
	// tag send finishes today (default broadcast.TagCallsPerSecond).
	Tags       TagAPI
	TagWorkers int
	TagRate    int

	// Owner names this replica in send leases; random when empty.
	Owner string
	// Clock is the sender's time (the wall clock when nil).
	Clock   Clock
	Metrics prometheus.Registerer
	Log     *zap.Logger
}

// Sender sends broadcasts. It is safe for concurrent use.
type Sender struct {
	o       Options
	metrics *metrics
	tags    TagAPI // nil: the tag channel is not available
	runSize int    // followers a tag run, 10,000 (smaller in tests)

	mu      sync.Mutex
	sending map[int64]bool // broadcasts this replica is sending now
	warned  map[int64]bool // broadcasts of a newer schema, logged once
}

const batchMax = 10000

// New returns a Sender; call Run to send.
func New(o Options) *Sender {
	if o.Clock == nil {
		o.Clock = WallClock{}
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.BatchSize < 3 || o.BatchSize > batchMax {
		o.BatchSize = batchMax
	}
	if o.RetryGap <= 0 {
		o.RetryGap = time.Minute
	}
	if o.TagWorkers <= 0 {
		o.TagWorkers = 6
	}
	if o.TagRate <= 0 {
		o.TagRate = broadcast.TagCallsPerSecond // as the preview estimates
	}
	if o.Tags == nil {
		if t, ok := o.API.(TagAPI); ok {
			o.Tags = t
		}
	}
	if o.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		o.Owner = hex.EncodeToString(b[:])
	}
	return &Sender{o: o, metrics: newMetrics(o.Metrics, o.Log), tags: o.Tags, runSize: batchMax, sending: map[int64]bool{}, warned: map[int64]bool{}}
}

// Sending lists the broadcasts this replica is sending now.
func (s *Sender) Sending() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int64, 0, len(s.sending))
	for id := range s.sending {
		out = append(out, id)
	}
	return out
}

// claim marks id as being sent here; false if it already is.
func (s *Sender) claim(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sending[id] {
		return false
	}
	s.sending[id] = true
	return true
}

func (s *Sender) unclaim(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sending, id)
}

func (s *Sender) now() time.Time { return s.o.Clock.Now() }

func (s *Sender) rulesVersion() string {
	if s.o.Rules == nil {
		return ""
	}
	if rs := s.o.Rules(); rs != nil {
		return rs.Version
	}
	return ""
}

// sleep waits d on the sender's clock; false when ctx ended first.
func (s *Sender) sleep(ctx context.Context, d time.Duration) bool {
	c, stop := s.o.Clock.Timer(d)
	defer stop()
	select {
	case <-ctx.Done():
		return false
	case <-c:
		return true
	}
}

// Clock is the sender's time: what time it is, a ticker for its polls
// and lease renewals, and timers for its waits. Tests pass one they drive
// instead of sleeping.
type Clock interface {
	Now() time.Time
	// Ticker delivers the time every d until stop is called.
	Ticker(d time.Duration) (c <-chan time.Time, stop func())
	// Timer delivers the time once, d from now, unless stop is called first.
	Timer(d time.Duration) (c <-chan time.Time, stop func())
}

// WallClock is the real time.
type WallClock struct{}

// Now is time.Now.
func (WallClock) Now() time.Time { return time.Now() }

// Ticker is a time.Ticker.
func (WallClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Timer is a time.Timer.
func (WallClock) Timer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
