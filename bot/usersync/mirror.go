package usersync

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// MirrorAPI is the part of the WeChat API the tag mirror uses.
type MirrorAPI interface {
	AccountTags(ctx context.Context) ([]wxapi.TagInfo, error)
	CreateTag(ctx context.Context, name string) (wxapi.TagInfo, error)
	TagMembers(ctx context.Context, tagID int, openids []string, add bool) error
}

// MirrorOptions configures NewMirror.
type MirrorOptions struct {
	Store     *store.Store
	Followers *store.Followers
	API       MirrorAPI
	// Rules returns the live ruleset: its tag rules' wechat_tag say what
	// is mirrored.
	Rules func() *rules.Ruleset
	// Owner names this process in the drain lease.
	Owner string
	// Every is how often the queue is drained (default 2s): the changes
	// of a burst within it become one call per tag and 50 followers.
	Every   time.Duration
	Retry   Retry
	Metrics prometheus.Registerer
	Now     func() time.Time
	Log     *zap.Logger
}

// Mirror puts wxcast tags onto WeChat tags.
type Mirror struct {
	o     MirrorOptions
	queue *store.TagQueue
	state *store.SyncState // where the account's tags are saved
	m     *mirrorMetrics

	mu  sync.Mutex
	ids map[string]int // WeChat tag name → id, as last read or created
}

// NewMirror returns the tag mirror.
func NewMirror(o MirrorOptions) *Mirror {
	if o.Every <= 0 {
		o.Every = 2 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	o.Retry = o.Retry.withDefaults()
	return &Mirror{o: o, queue: o.Store.TagQueue(), state: o.Store.SyncState(), m: newMirrorMetrics(o.Metrics, o.Log)}
}

// mirroredTags maps each mirrored WeChat tag to the wxcast tags that feed
// it.
func mirroredTags(rs *rules.Ruleset) map[string][]string {
	if rs == nil {
		return nil
	}
	var out map[string][]string
	for _, t := range rs.Tags {
		if t.WeChatTag == "" {
			continue
		}
		if out == nil {
			out = make(map[string][]string)
		}
		out[t.WeChatTag] = append(out[t.WeChatTag], t.Name)
	}
	return out
}

// Changed queues the WeChat side of tag changes the rules just applied to
// a follower whose profile is now p (the callback path calls it after
// the changes were stored).
func (m *Mirror) Changed(ctx context.Context, p *store.Profile, changes []store.TagChange) error {
	w := mirroredTags(m.o.Rules())
	if len(w) == 0 || len(changes) == 0 {
		return nil
	}
	now := m.o.Now()
	var ops []store.TagOp
	for wtag, locals := range w {
		touched := false
		for _, c := range changes {
			for _, l := range locals {
				touched = touched || c.Tag == l
			}
		}
		if !touched {
			continue
		}
		ops = append(ops, store.TagOp{Tag: wtag, OpenID: p.OpenID, Add: wants(p, locals, changes, now)})
	}
	return m.queue.Add(ctx, ops)
}

// wants reports whether a follower should hold a WeChat tag fed by locals,
// after changes (p may predate them).
func wants(p *store.Profile, locals []string, changes []store.TagChange, now time.Time) bool {
	for _, l := range locals {
		has := p.HasTag(l, now)
		for _, c := range changes {
			if c.Tag == l {
				has = !c.Remove
			}
		}
		if has {
			return true
		}
	}
	return false
}

// appendDiff appends the ops that would make p's WeChat tags match its
// wxcast tags mirrored as w says (see mirroredTags). Followers who do not
// follow cannot be tagged.
func appendDiff(ops []store.TagOp, w map[string][]string, p *store.Profile, now time.Time) []store.TagOp {
	if len(w) == 0 || !p.Subscribed {
		return ops
	}
	var held []string
	held = p.AppendWeChatTags(held)
	for wtag, locals := range w {
		want := wants(p, locals, nil, now)
		has := false
		for _, h := range held {
			has = has || h == wtag
		}
		switch {
		case want && !has:
			ops = append(ops, store.TagOp{Tag: wtag, OpenID: p.OpenID, Add: true})
		case !want && has:
			ops = append(ops, store.TagOp{Tag: wtag, OpenID: p.OpenID})
		}
	}
	return ops
}

// Run drains the queue every o.Every, when no other process is draining
// it, until ctx ends.
func (m *Mirror) Run(ctx context.Context) {
	t := time.NewTicker(m.o.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := m.Drain(ctx); err != nil && !errors.Is(err, ErrDraining) && ctx.Err() == nil {
			m.o.Log.Warn("tag mirror: drain; what failed stays queued", zap.Error(err))
		}
	}
}

// mirrorMetrics are the mirror's counters on /metrics.
type mirrorMetrics struct {
	calls   *prometheus.CounterVec
	skipped *prometheus.CounterVec
}

func newMirrorMetrics(reg prometheus.Registerer, log *zap.Logger) *mirrorMetrics {
	m := &mirrorMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_wechat_tag_calls_total",
			Help: "batchtagging and batchuntagging calls of the tag mirror, by op (tag, untag) and outcome (ok, refused, failed).",
		}, []string{"op", "outcome"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxcast_wechat_tag_skipped_total",
			Help: "Tag mirror changes given up, by reason: follower_full (already 20 WeChat tags), invalid_openid, account_full (100 tags, the tag cannot be created).",
		}, []string{"reason"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.calls, m.skipped} {
			if err := reg.Register(c); err != nil {
				log.Warn("register tag mirror metrics", zap.Error(err))
			}
		}
	}
	return m
}

// Mirrors reports whether any tag rule of rs names a WeChat tag.
func Mirrors(rs *rules.Ruleset) bool { return len(mirroredTags(rs)) > 0 }

// Pending is the number of queued WeChat tag changes.
func (m *Mirror) Pending(ctx context.Context) (int64, error) { return m.queue.Len(ctx) }
