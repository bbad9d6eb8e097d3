package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// MassAPI is the part of the WeChat API a broadcast uses (wxapi.Client).
type MassAPI interface {
	MassPreview(ctx context.Context, openid string, c Content) (int64, error)
	MassSend(ctx context.Context, openids []string, c Content, clientMsgID string) (int64, error)
	MassDelete(ctx context.Context, msgID int64) error
}

// NewsAPI reads the articles of a news item (wxapi.Client).
type NewsAPI interface {
	NewsArticles(ctx context.Context, mediaID string) ([]wxapi.Article, error)
}

// HistoryReader reads followers' event histories (store.Followers).
type HistoryReader interface {
	Histories(ctx context.Context, openids []string) ([][]store.HistoryEntry, error)
}

// Options configures a Service.
type Options struct {
	Store *store.Broadcasts
	// Profiles is where segments are evaluated and unsubscribes are found.
	Profiles segment.Profiles
	// Rules returns the live rules, nil when the server runs without.
	Rules    func() *rules.Ruleset
	Calendar store.Calendar
	// API is nil when the WeChat API is off: then nothing can be previewed
	// or sent.
	API MassAPI
	// NotifyAPI reaches admins later (nil: notices are only kept);
	// TemplateID is the template message for when it cannot.
	NotifyAPI  NotifyAPI
	TemplateID string
	Admins     []Admin
	// Language of notices: zh (default) or en.
	Language string

	ApprovalsRequired int
	ApprovalTTL       time.Duration
	AllowSelfApproval bool
	BatchInterval     time.Duration
	// BatchSize is the most openids in one mass-send call (3 to 10,000: a
	// full batch and one left over become BatchSize-1 and 2, never 1).
	BatchSize        int
	AlertFailureRate float64
	// AlertUnsubscribeRate is the share of recipients unsubscribing within
	// 24 h above which a broadcast pauses (0: never).
	AlertUnsubscribeRate float64

	// Send safety; the zero value of each turns it off.
	// Words returns the live content-check word lists (nil: no check).
	Words func() *words.List
	// News reads a news item's articles for the content check.
	News NewsAPI
	// Caps counts what each follower received; MonthlyCap and DailyCap
	// bound it per calendar month and day in the calendar's zone.
	Caps                 *store.Caps
	MonthlyCap, DailyCap int
	// QuietHours is when no send starts unless an owner overrides;
	// BestWindows what "send best" picks from.
	QuietHours  configs.ClockRange
	BestWindows configs.ClockRanges
	// Histories reads followers' histories for holdout and variant
	// results; MeasureWindow is how long after a batch a callback counts.
	Histories     HistoryReader
	MeasureWindow time.Duration

	// RetryGap is how long to wait after WeChat answers 45066 (the same
	// clientmsgid again too soon); the platform asks for a minute.
	RetryGap time.Duration

	// Metrics registers the sender's counters (nil: not exported).
	Metrics prometheus.Registerer

	// Owner names this replica in send leases; random when empty.
	Owner string
	Now   func() time.Time
	Log   *zap.Logger
}

// Service runs the broadcast lifecycle. Every change is a compare and set
// on the broadcast's record in Redis, so concurrent admins and replicas
// never act on a stale version. It is safe for concurrent use.
type Service struct {
	o       Options
	kick    chan struct{}
	metrics *metrics
	// later holds work that must not hold up a WeChat callback (alerts
	// from a job report or an unsubscribe); Run does it.
	later   chan func(context.Context)
	running atomic.Bool
}

// New returns a Service; call Run to send.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	if o.BatchSize < 3 || o.BatchSize > batchMax {
		o.BatchSize = batchMax
	}
	if o.ApprovalsRequired < 1 {
		o.ApprovalsRequired = 1
	}
	if o.ApprovalTTL <= 0 {
		o.ApprovalTTL = 24 * time.Hour
	}
	if o.MeasureWindow <= 0 {
		o.MeasureWindow = 24 * time.Hour
	}
	if o.RetryGap <= 0 {
		o.RetryGap = time.Minute
	}
	if o.Owner == "" {
		o.Owner = randomHex(8)
	}
	return &Service{o: o, kick: make(chan struct{}, 1), metrics: newMetrics(o.Metrics, o.Log),
		later: make(chan func(context.Context), 256)}
}

// ApprovalsRequired is how many distinct approvers a plan needs.
func (s *Service) ApprovalsRequired() int { return s.o.ApprovalsRequired }

// New creates a draft broadcast of c to segment.
func (s *Service) New(ctx context.Context, a Admin, segment string, c Content) (*Broadcast, error) {
	if err := checkContent(c); err != nil {
		return nil, err
	}
	rs := s.rules()
	if rs == nil {
		return nil, refuse(CodeNoRules, 0)
	}
	if _, ok := rs.Segment(segment); !ok {
		return nil, &Refusal{Code: CodeUnknownSegment, Detail: segment}
	}
	id, err := s.o.Store.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	b := &Broadcast{
		ID: id, Creator: a.OpenID, CreatorName: a.Name, Segment: segment, Content: c,
		State: StateDraft, Created: now, Updated: now, Rev: 1,
	}
	rec, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	if err := s.o.Store.Create(ctx, id, rec); err != nil {
		return nil, err
	}
	return b, nil
}

// maxText bounds a text broadcast; WeChat's own limit is not published,
// and a longer text is unreadable on a phone anyway.
const maxText = 2000

func checkContent(c Content) error {
	switch c.Type {
	case "text":
		if c.Text == "" {
			return &Refusal{Code: CodeBadContent, Detail: "empty text"}
		}
		if n := len([]rune(c.Text)); n > maxText {
			return &Refusal{Code: CodeBadContent, Detail: fmt.Sprintf("text of %d characters, at most %d", n, maxText)}
		}
	case "news", "image":
		if c.MediaID == "" || len(c.MediaID) > 128 {
			return &Refusal{Code: CodeBadContent, Detail: "media_id"}
		}
	default:
		return &Refusal{Code: CodeBadContent, Detail: "type " + c.Type}
	}
	return nil
}

// Get reads broadcast id.
func (s *Service) Get(ctx context.Context, id int64) (*Broadcast, error) {
	rec, rev, ok, err := s.o.Store.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(CodeNotFound, id)
	}
	var b Broadcast
	if err := json.Unmarshal(rec, &b); err != nil {
		return nil, fmt.Errorf("broadcast %d: decode record: %w", id, err)
	}
	b.Rev = rev
	return &b, nil
}

// List returns the newest n broadcasts, newest first.
func (s *Service) List(ctx context.Context, n int) ([]*Broadcast, error) {
	ids, err := s.o.Store.List(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]*Broadcast, 0, len(ids))
	for _, id := range ids {
		b, err := s.Get(ctx, id)
		if err != nil {
			var r *Refusal
			if errors.As(err, &r) {
				continue // created half-way by a crash
			}
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// update applies fn to the newest version of broadcast id and saves it,
// reading again when someone else wrote in between. fn returns what else
// the save does, or an error to stop without saving. It returns the saved
// version.
func (s *Service) update(ctx context.Context, id int64, fn func(b *Broadcast) (store.Change, error)) (*Broadcast, error) {
	for range 20 {
		b, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		c, err := fn(b)
		if err != nil {
			return b, err
		}
		err = s.save(ctx, b, c)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	return nil, fmt.Errorf("broadcast %d: too many concurrent changes", id)
}

// save writes b if nobody wrote since it was read; b.Rev becomes the new
// revision.
func (s *Service) save(ctx context.Context, b *Broadcast, c store.Change) error {
	b.Updated = s.o.Now()
	rev := b.Rev
	b.Rev = rev + 1
	rec, err := json.Marshal(b)
	if err != nil {
		b.Rev = rev
		return err
	}
	if err := s.o.Store.Save(ctx, b.ID, rev, rec, c); err != nil {
		b.Rev = rev
		return err
	}
	return nil
}

func (s *Service) rules() *rules.Ruleset {
	if s.o.Rules == nil {
		return nil
	}
	return s.o.Rules()
}

// rulesVersion is the live rules version, "" without rules.
func (s *Service) rulesVersion() string {
	if rs := s.rules(); rs != nil {
		return rs.Version
	}
	return ""
}

// SetPaused pauses or resumes all sending; batches under way finish.
func (s *Service) SetPaused(ctx context.Context, a Admin, paused bool) error {
	if err := s.o.Store.SetPaused(ctx, paused, a.OpenID, s.o.Now()); err != nil {
		return err
	}
	if !paused {
		s.Kick()
	}
	return nil
}

// Paused reports whether sending is paused.
func (s *Service) Paused(ctx context.Context) (bool, error) { return s.o.Store.Paused(ctx) }

// soon runs fn in the sender's goroutine when Run is running (so a
// callback answers WeChat without waiting for it), else now with ctx.
func (s *Service) soon(ctx context.Context, fn func(context.Context)) {
	if s.running.Load() {
		select {
		case s.later <- fn:
			return
		default: // full: do it now rather than drop it
		}
	}
	fn(ctx)
}

// Kick makes the local sender look at the active broadcasts now instead
// of at its next tick.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}
