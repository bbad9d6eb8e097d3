package broadcast

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/caps"
	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// PreviewAPI is the part of the WeChat API the lifecycle uses
// (wxapi.Client): previews to an admin's phone, and deleting sent news.
type PreviewAPI interface {
	MassPreview(ctx context.Context, openid string, c wxapi.Content) (int64, error)
	MassDelete(ctx context.Context, msgID int64) error
}

// Options configures a Service.
type Options struct {
	Records *Records
	// Store keeps the audience snapshots and the global pause.
	Store *store.Broadcasts
	// Profiles is where segments are evaluated.
	Profiles segment.Profiles
	// Rules returns the live rules, nil when the server runs without.
	Rules    func() *rules.Ruleset
	Calendar store.Calendar
	// API is nil when the WeChat API is off: then nothing can be previewed
	// or retracted.
	API PreviewAPI
	// Words returns the live content-check word lists (nil: no check).
	// News reads the articles a news broadcast freezes at preview (nil:
	// news cannot be previewed).
	Words func() *words.List
	News  NewsAPI
	// Caps leave capped followers out of a plan (nil: no caps).
	Caps *caps.Caps
	// Quotas reads today's WeChat quotas, the delivery speed and the
	// account's tags, which a plan's calls and channel are judged
	// against (nil: unknown, and no plan sends by tag).
	Quotas QuotaAPI
	// Windows are when sends may start.
	Windows Windows
	// LinkBase is links.base_url: when it and Links are set, each preview
	// rewrites the links of text contents into tracked links under it,
	// whose codes Links keeps ("": links stay as written).
	LinkBase string
	Links    LinkCodes

	ApprovalsRequired int
	ApprovalTTL       time.Duration
	AllowSelfApproval bool
	// BatchSize and BatchInterval are the sender's, to judge whether a
	// reminder series leaves each step time to send.
	BatchSize     int
	BatchInterval time.Duration
	// The guardrail thresholds, shown with the send-safety policy.
	AlertFailureRate, AlertUnsubscribeRate float64
	// TagSendAbove: a plan whose audience is larger sends by WeChat tag
	// (Plan.Channel ChannelTag; 0: DefaultTagSendAbove). A reminder series
	// always sends by openid batches.
	TagSendAbove int

	// Wake hears about broadcasts that may need the sender now.
	Wake *Wake
	Now  func() time.Time
	Log  *zap.Logger
}

// Service runs the lifecycle admins drive: every change is an Update of
// the broadcast's record. It is safe for concurrent use.
type Service struct {
	o Options
}

// DefaultTagSendAbove is the audience above which a plan sends by tag.
const DefaultTagSendAbove = 500000

// batchMax is the most openids one mass-send call takes, and the size of
// the audience snapshot's lists.
const batchMax = 10000

// New returns a Service.
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
	if o.TagSendAbove <= 0 {
		o.TagSendAbove = DefaultTagSendAbove
	}
	if o.ApprovalsRequired < 1 {
		o.ApprovalsRequired = 1
	}
	if o.ApprovalTTL <= 0 {
		o.ApprovalTTL = 24 * time.Hour
	}
	if o.Windows.Loc == nil {
		o.Windows.Loc = o.Calendar.Location()
	}
	return &Service{o: o}
}

// Create creates a draft broadcast of c to segment, as an admin typed it
// (see findSegment); the broadcast keeps the segment's name.
func (s *Service) Create(ctx context.Context, a Admin, segment string, c Content) (*Broadcast, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	rs := s.rules()
	if rs == nil {
		return nil, refuse(CodeNoRules, 0)
	}
	seg, err := findSegment(rs, segment)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	b := &Broadcast{
		Creator: a.OpenID, CreatorName: a.Name, Segment: seg.Name, Content: c,
		State: StateDraft, Created: now, Updated: now,
	}
	if err := s.o.Records.Create(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// Get reads broadcast id.
func (s *Service) Get(ctx context.Context, id int64) (*Broadcast, error) {
	return s.o.Records.Get(ctx, id)
}

// List returns the newest n broadcasts, newest first.
func (s *Service) List(ctx context.Context, n int) ([]*Broadcast, error) {
	return s.o.Records.List(ctx, n)
}

// ApprovalsRequired is how many distinct approvers a plan needs.
func (s *Service) ApprovalsRequired() int { return s.o.ApprovalsRequired }

// Policy returns the send-safety settings at now.
func (s *Service) Policy(now time.Time) Policy {
	w := s.o.Windows
	p := Policy{
		QuietHours: w.Quiet.String(), QuietNow: w.IsQuiet(now), NextAllowed: w.QuietEnd(now),
		MonthlyCap: s.o.Caps.Monthly(), DailyCap: s.o.Caps.Daily(),
		AlertFailureRate: s.o.AlertFailureRate, AlertUnsubscribeRate: s.o.AlertUnsubscribeRate,
	}
	if t, ok := w.NextBest(now); ok {
		p.NextBest = t
	}
	return p
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
