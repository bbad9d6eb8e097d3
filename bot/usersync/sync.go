package usersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// API is the part of the WeChat API the sync uses (*wxapi.Client).
type API interface {
	Followers(ctx context.Context, next string) (wxapi.FollowerPage, error)
	UserInfos(ctx context.Context, openids []string) ([]wxapi.UserInfo, error)
	AccountTags(ctx context.Context) ([]wxapi.TagInfo, error)
}

// SyncOptions configures one sync run.
type SyncOptions struct {
	Store     *store.Store
	Followers *store.Followers
	API       API
	// Owner names this process in the sync lease.
	Owner string
	// Workers is how many batchget calls run at once (default 8).
	Workers int
	// DryRun reads everything and counts what would change, writing
	// nothing (no profiles, no checkpoint).
	DryRun bool
	// Restart discards an unfinished run's checkpoint and starts afresh.
	Restart bool
	Retry   Retry
	// LeaseTTL is how long the sync lease outlives a silent process
	// (default 30s); it is renewed every third of it.
	LeaseTTL time.Duration
	// Progress, when set, hears after every page and at the end of each
	// phase.
	Progress func(Progress)
	// Reconcile, when set, queues the WeChat tag changes that would make
	// WeChat's tags match the mirrored wxcast tags, for every follower
	// the sweep reads.
	Reconcile *Mirror
	Now       func() time.Time
	Log       *zap.Logger
}

// Progress is where a run stands.
type Progress struct {
	Phase string // "list" or "sweep"
	// Listed followers so far, of Total (WeChat's count at the first page).
	Listed int64
	Total  int
	Pages  int
	Done   bool // the phase is over
}

// Summary is what a run did (or, dry, would do).
type Summary struct {
	Run      time.Time `json:"run"`
	Finished time.Time `json:"finished"`
	DryRun   bool      `json:"dry_run,omitempty"`
	// ResumedFrom is the page a resumed run continued at (1-based; 0
	// when the run started afresh).
	ResumedFrom int `json:"resumed_from,omitempty"`
	// Relisted: WeChat refused the checkpoint's cursor, so the resumed
	// run listed every follower again from the first page.
	Relisted  bool  `json:"relisted,omitempty"`
	Pages     int   `json:"pages"`
	Total     int   `json:"total"`
	Listed    int64 `json:"listed"`
	Created   int64 `json:"created"`
	Updated   int64 `json:"updated"`
	Unchanged int64 `json:"unchanged"`
	// NotFollowing were listed, but user/info said they had unfollowed
	// by the time their details were read; they are left to MarkGone.
	NotFollowing int64 `json:"not_following"`
	// Unsubscribed were marked unsubscribed because the run did not list
	// them.
	Unsubscribed int64 `json:"unsubscribed"`
	AccountTags  int   `json:"account_tags"`
	// UnknownTags counts tag ids on followers that tags/get did not list.
	UnknownTags int64 `json:"unknown_tags,omitempty"`
	// TagsQueued counts WeChat tag changes the reconcile queued.
	TagsQueued int64 `json:"tags_queued,omitempty"`
	// Examples name some of the followers a dry run would create
	// ("created"), update ("updated") or mark unsubscribed
	// ("unsubscribed"), at most MaxExamples of each.
	Examples map[string][]string `json:"examples,omitempty"`
	Retries  int64               `json:"retries"`
	Elapsed  time.Duration       `json:"elapsed"`
}

// checkpoint is what survives a crash: the summary so far, the cursor of
// the next page and the phase.
type checkpoint struct {
	Summary
	Next  string `json:"next"`
	Phase string `json:"phase"`
}

// MaxExamples is how many followers of each kind a dry run names.
const MaxExamples = 10

// ErrBusy means another process holds the sync lease.
var ErrBusy = errors.New("another sync is running")

// Sync runs one sync: it resumes an unfinished run unless o.Restart.
func Sync(ctx context.Context, o SyncOptions) (Summary, error) {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	o.Retry = o.Retry.withDefaults()
	state := o.Store.SyncState()
	r := &runner{o: o, state: state}
	if !o.DryRun {
		ok, err := state.Lease(ctx, o.Owner, o.LeaseTTL)
		if err != nil {
			return Summary{}, err
		}
		if !ok {
			holder, _ := state.LeaseHolder(ctx)
			return Summary{}, fmt.Errorf("%w (held by %s)", ErrBusy, holder)
		}
		var stop func()
		ctx, stop = keepLease(ctx, o.LeaseTTL, func(ctx context.Context) (bool, error) {
			return state.Lease(ctx, o.Owner, o.LeaseTTL)
		}, o.Log)
		// Renewals stop first: one landing after the release would take
		// the lease again.
		defer func() {
			stop()
			_ = state.Release(context.WithoutCancel(ctx), o.Owner)
		}()
	}
	if err := r.start(ctx); err != nil {
		return Summary{}, err
	}
	return r.run(ctx)
}

// start loads the checkpoint of an unfinished run, or begins a new one.
func (r *runner) start(ctx context.Context) error {
	now := r.o.Now()
	r.cp = checkpoint{Summary: Summary{Run: time.Unix(now.Unix(), 0), DryRun: r.o.DryRun}, Phase: "list"}
	if r.o.DryRun {
		r.listed = make(map[uint64]struct{})
		return nil
	}
	if r.o.Restart {
		if err := r.state.Discard(ctx); err != nil {
			return err
		}
	}
	doc, ok, err := r.state.Checkpoint(ctx)
	if err != nil || !ok {
		return err
	}
	var cp checkpoint
	if err := json.Unmarshal(doc, &cp); err != nil {
		r.o.Log.Warn("sync: unreadable checkpoint; starting afresh", zap.Error(err))
		return nil
	}
	r.cp = cp
	r.cp.ResumedFrom = cp.Pages + 1
	r.o.Log.Info("sync: resuming an unfinished run", zap.Time("run", cp.Run),
		zap.Int("page", cp.Pages+1), zap.String("phase", cp.Phase), zap.Int64("listed", cp.Listed))
	return nil
}

// save writes the checkpoint (not in a dry run). The workers keep
// counting while it does, so the checkpoint is taken under r.mu.
func (r *runner) save(ctx context.Context) error {
	if r.o.DryRun {
		return nil
	}
	r.mu.Lock()
	doc, err := json.Marshal(r.cp)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	return r.state.SaveCheckpoint(ctx, r.o.Owner, doc)
}

// LastSummary reads the summary of the last finished run.
func LastSummary(ctx context.Context, st *store.Store) (Summary, bool, error) {
	doc, ok, err := st.SyncState().Last(ctx)
	if err != nil || !ok {
		return Summary{}, false, err
	}
	var s Summary
	if err := json.Unmarshal(doc, &s); err != nil {
		return Summary{}, false, fmt.Errorf("sync: last summary: %w", err)
	}
	return s, true, nil
}

// AccountTagNames reads the names of the account's WeChat tags as the
// last sync or mirror drain saw them (nil if never read), WeChat's own
// reserved tags left out, for the rules loader's check of the account's
// tag limit.
func AccountTagNames(ctx context.Context, st *store.Store) ([]string, error) {
	doc, ok, err := st.SyncState().AccountTags(ctx)
	if err != nil || !ok {
		return nil, err
	}
	var tags []wxapi.TagInfo
	if err := json.Unmarshal(doc, &tags); err != nil {
		return nil, fmt.Errorf("sync: saved WeChat tags: %w", err)
	}
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		// 0, 1 and 2 (星标组) are WeChat's own and do not count toward
		// the account's 100.
		if t.ID > 2 {
			names = append(names, t.Name)
		}
	}
	return names, nil
}
