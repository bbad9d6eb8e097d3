package usersync

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// runner is one sync run.
type runner struct {
	o     SyncOptions
	state *store.SyncState
	cp    checkpoint

	mu       sync.Mutex // guards cp's counters, tags, rereadAt, listed
	tags     map[int]string
	rereadMu sync.Mutex          // one tags/get re-read at a time
	rereadAt time.Time           // the last re-read for an unknown tag id
	listed   map[uint64]struct{} // dry runs: hashes of the listed openids
	retries  atomic.Int64
}

// rereadEvery bounds re-reads of the account's tags for unknown tag ids:
// the mirror may create tags while a sync runs.
const rereadEvery = 30 * time.Second

func (r *runner) run(ctx context.Context) (Summary, error) {
	began := r.o.Now()
	err := r.runPhases(ctx)
	r.mu.Lock()
	r.cp.Retries += r.retries.Swap(0)
	r.cp.Elapsed += r.o.Now().Sub(began)
	r.mu.Unlock()
	if err != nil {
		// The checkpoint stays as the last finished page left it: the
		// next run redoes the page this one was in.
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			err = cause
		}
		return r.cp.Summary, err
	}
	r.cp.Finished = r.o.Now()
	if !r.o.DryRun {
		doc, err := json.Marshal(r.cp.Summary)
		if err != nil {
			return r.cp.Summary, err
		}
		if err := r.state.Finish(ctx, r.o.Owner, doc); err != nil {
			return r.cp.Summary, err
		}
	}
	return r.cp.Summary, nil
}

func (r *runner) runPhases(ctx context.Context) error {
	if r.cp.ResumedFrom == 0 {
		// A new run: its start is kept from the outset, so a crash in
		// the first page resumes the same run.
		if err := r.save(ctx); err != nil {
			return err
		}
	}
	if err := r.readTags(ctx); err != nil {
		return err
	}
	if r.cp.Phase == "list" {
		if err := r.list(ctx); err != nil {
			return err
		}
		r.cp.Phase = "sweep"
		if err := r.save(ctx); err != nil {
			return err
		}
	}
	return r.sweep(ctx)
}

// readTags reads the account's WeChat tags, to name the followers' tag ids.
func (r *runner) readTags(ctx context.Context) error {
	var tags []wxapi.TagInfo
	err := r.o.Retry.do(ctx, &r.retries, func() (err error) {
		tags, err = r.o.API.AccountTags(ctx)
		return err
	})
	if err != nil {
		return err
	}
	m := make(map[int]string, len(tags))
	for _, t := range tags {
		m[t.ID] = t.Name
	}
	r.mu.Lock()
	r.tags = m
	r.cp.AccountTags = len(tags)
	r.mu.Unlock()
	if r.o.DryRun {
		return nil
	}
	doc, err := json.Marshal(tags)
	if err != nil {
		return err
	}
	return r.state.SaveAccountTags(ctx, doc)
}

type fetched struct {
	page wxapi.FollowerPage
	at   time.Time // when WeChat answered
	// relisted: WeChat refused the checkpoint's cursor, so listing
	// started again from the first page.
	relisted bool
	err      error
}

// list pages through the followers from the checkpoint's cursor. The
// next page is fetched while this one's details are read, and one pool of
// workers reads the details of a page while the last chunks of the page
// before finish: no page waits for the slowest call of the one before.
// The checkpoint moves in page order, once all of a page is written.
func (r *runner) list(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pages := make(chan fetched, 1)
	go r.fetchPages(ctx, r.cp.Next, pages)
	jobs := make(chan chunkJob)
	var workers sync.WaitGroup
	for range r.o.Workers {
		workers.Go(func() {
			for j := range jobs {
				if err := r.chunk(ctx, j.ids, j.at); err != nil {
					cancel(err)
				}
				j.done.Done()
			}
		})
	}
	defer func() { close(jobs); workers.Wait() }()

	// The committer moves the checkpoint past each page, in order, as
	// soon as its chunks are written; its queue bounds the pages in flight.
	listed := make(chan *listedPage, 1)
	committed := make(chan error, 1)
	go func() {
		var err error
		for p := range listed {
			if err == nil {
				if err = r.pageDone(ctx, p); err != nil {
					cancel(err)
				}
			}
		}
		committed <- err
	}()
	err := r.dispatch(ctx, pages, jobs, listed)
	close(listed)
	if cerr := <-committed; err == nil {
		err = cerr
	}
	// The first failure (a chunk's, the committer's) is the cause; what
	// failed after it failed because of it.
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	if err != nil {
		return err
	}
	r.progress("list", true)
	return nil
}

// dispatch hands the chunks of each fetched page to the workers and the
// page to the committer, until the last page.
func (r *runner) dispatch(ctx context.Context, pages <-chan fetched, jobs chan<- chunkJob, listed chan<- *listedPage) error {
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		if f.relisted {
			// The counts so far would be counted again.
			r.mu.Lock()
			s := &r.cp.Summary
			s.Pages, s.Listed, s.Created, s.Updated, s.Unchanged, s.NotFollowing = 0, 0, 0, 0, 0, 0
			s.Relisted = true
			r.mu.Unlock()
		}
		r.mu.Lock()
		if r.cp.Pages == 0 || r.cp.Total == 0 {
			r.cp.Total = f.page.Total
		}
		r.mu.Unlock()
		cur := &listedPage{page: f.page}
		ids := f.page.OpenIDs
		for i := 0; i < len(ids) && ctx.Err() == nil; i += wxapi.MaxUserInfoBatch {
			cur.done.Add(1)
			select {
			case jobs <- chunkJob{ids: ids[i:min(i+wxapi.MaxUserInfoBatch, len(ids))], at: f.at, done: &cur.done}:
			case <-ctx.Done():
				cur.done.Done()
			}
		}
		select {
		case listed <- cur:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		if len(ids) == 0 || f.page.Next == "" {
			break
		}
	}
	return nil
}

// chunkJob is up to MaxUserInfoBatch followers of a page to read and write.
type chunkJob struct {
	ids  []string
	at   time.Time
	done *sync.WaitGroup
}

// listedPage is a page whose chunks are being read.
type listedPage struct {
	page wxapi.FollowerPage
	done sync.WaitGroup
}

// pageDone waits for a page's chunks and moves the checkpoint past it.
func (r *runner) pageDone(ctx context.Context, p *listedPage) error {
	p.done.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	r.cp.Pages++
	r.cp.Listed += int64(len(p.page.OpenIDs))
	r.cp.Next = p.page.Next
	r.cp.Retries += r.retries.Swap(0)
	r.mu.Unlock()
	if err := r.save(ctx); err != nil {
		return err
	}
	r.progress("list", false)
	return nil
}

// fetchPages sends the pages from cursor next on, until the end, an error
// or ctx's end, then closes out.
func (r *runner) fetchPages(ctx context.Context, next string, out chan<- fetched) {
	defer close(out)
	for first := true; ; first = false {
		var p wxapi.FollowerPage
		err := r.o.Retry.do(ctx, &r.retries, func() (err error) {
			p, err = r.o.API.Followers(ctx, next)
			return err
		})
		// A resumed cursor that WeChat no longer knows (40003): list
		// again from the start. Rewriting followers is harmless.
		relisted := false
		if err != nil && first && next != "" && wxapi.ErrCode(err) == 40003 {
			r.o.Log.Warn("sync: WeChat refused the checkpoint's cursor; listing again from the first page",
				zap.String("cursor", next), zap.Error(err))
			relisted, next = true, ""
			err = r.o.Retry.do(ctx, &r.retries, func() (err error) {
				p, err = r.o.API.Followers(ctx, next)
				return err
			})
		}
		select {
		case out <- fetched{page: p, at: r.o.Now(), relisted: relisted, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil || len(p.OpenIDs) == 0 || p.Next == "" {
			return
		}
		next = p.Next
	}
}

// chunk reads and writes up to MaxUserInfoBatch followers. WeChat refuses
// a whole batchget for one openid it does not know (40003): the chunk is
// then halved until the culprit is alone, and it is skipped (counted as
// not following; the sweep decides about it).
func (r *runner) chunk(ctx context.Context, ids []string, listedAt time.Time) error {
	var infos []wxapi.UserInfo
	err := r.o.Retry.do(ctx, &r.retries, func() (err error) {
		infos, err = r.o.API.UserInfos(ctx, ids)
		return err
	})
	if wxapi.ErrCode(err) == 40003 {
		if len(ids) == 1 {
			r.o.Log.Warn("sync: WeChat does not know a listed follower; skipped", zap.String("openid", ids[0]))
			r.mu.Lock()
			r.cp.NotFollowing++
			r.mu.Unlock()
			return nil
		}
		half := len(ids) / 2
		if err := r.chunk(ctx, ids[:half], listedAt); err != nil {
			return err
		}
		return r.chunk(ctx, ids[half:], listedAt)
	}
	if err != nil {
		return err
	}
	batch := make([]store.SyncedFollower, 0, len(infos))
	var gone int64
	for _, u := range infos {
		if !u.Subscribed {
			gone++
			continue
		}
		tags, err := r.tagNames(ctx, u.TagIDs)
		if err != nil {
			return err
		}
		scene := u.QRSceneStr
		if scene == "" && u.QRScene != 0 {
			scene = strconv.Itoa(u.QRScene)
		}
		batch = append(batch, store.SyncedFollower{OpenID: u.OpenID, SubscribeTime: u.SubscribeTime,
			SubscribeScene: u.SubscribeScene, Scene: scene, Language: u.Language, Remark: u.Remark, Tags: tags})
	}
	out, err := r.o.Followers.ApplySync(ctx, r.cp.Run.Unix(), listedAt, batch, r.o.DryRun)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cp.Created += int64(out.Created)
	r.cp.Updated += int64(out.Updated)
	r.cp.Unchanged += int64(out.Unchanged)
	r.cp.NotFollowing += gone
	r.example("created", out.New)
	r.example("updated", out.Changed)
	if r.listed != nil {
		for _, u := range batch {
			r.listed[hashOf(u.OpenID)] = struct{}{}
		}
	}
	return nil
}

// tagNames names tag ids. An id tags/get did not list makes it read the
// account's tags again (a tag created during the run), once at a time and
// at most every rereadEvery; an id still unknown is left out and counted.
func (r *runner) tagNames(ctx context.Context, ids []int) ([]store.WeChatTag, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out := make([]store.WeChatTag, 0, len(ids))
	for _, id := range ids {
		name, ok, err := r.tagName(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			r.mu.Lock()
			r.cp.UnknownTags++
			r.mu.Unlock()
			continue
		}
		out = append(out, store.WeChatTag{ID: id, Name: name})
	}
	return out, nil
}

func (r *runner) tagName(ctx context.Context, id int) (string, bool, error) {
	r.mu.Lock()
	name, ok := r.tags[id]
	r.mu.Unlock()
	if ok {
		return name, true, nil
	}
	r.rereadMu.Lock()
	defer r.rereadMu.Unlock()
	r.mu.Lock()
	name, ok = r.tags[id] // read again by the worker that held rereadMu?
	stale := r.o.Now().Sub(r.rereadAt) >= rereadEvery
	r.mu.Unlock()
	if ok || !stale {
		return name, ok, nil
	}
	if err := r.readTags(ctx); err != nil {
		return "", false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rereadAt = r.o.Now()
	name, ok = r.tags[id]
	return name, ok, nil
}

// sweep reads every profile: followers the run did not list are marked
// unsubscribed, and with Reconcile set, WeChat tag differences are queued.
func (r *runner) sweep(ctx context.Context) error {
	run := r.cp.Run.Unix()
	var gone, queued atomic.Int64
	now := r.o.Now()
	var mirrored map[string][]string
	if r.o.Reconcile != nil {
		mirrored = mirroredTags(r.o.Reconcile.o.Rules())
	}
	err := r.o.Followers.Scan(ctx, store.ScanOptions{}, func(batch []*store.Profile) error {
		var ids []string
		var ops []store.TagOp
		for _, p := range batch {
			if p.Subscribed && !r.wasListed(p, run) {
				ids = append(ids, p.OpenID) // gone: nothing to mirror
				continue
			}
			ops = appendDiff(ops, mirrored, p, now)
		}
		marked, err := r.o.Followers.MarkGone(ctx, run, ids, r.o.DryRun)
		if err != nil {
			return err
		}
		gone.Add(int64(len(marked)))
		if r.o.DryRun {
			r.mu.Lock()
			r.example("unsubscribed", marked)
			r.mu.Unlock()
		}
		queued.Add(int64(len(ops)))
		if len(ops) > 0 && !r.o.DryRun {
			return r.o.Reconcile.queue.Add(ctx, ops)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.cp.Unsubscribed += gone.Load()
	r.cp.TagsQueued += queued.Load()
	r.mu.Unlock()
	r.progress("sweep", true)
	return nil
}

// example keeps the first MaxExamples openids of a kind. Callers hold r.mu.
func (r *runner) example(kind string, openids []string) {
	if len(openids) == 0 {
		return
	}
	if r.cp.Examples == nil {
		r.cp.Examples = make(map[string][]string)
	}
	have := r.cp.Examples[kind]
	r.cp.Examples[kind] = append(have, openids[:min(len(openids), MaxExamples-len(have))]...)
}

func (r *runner) wasListed(p *store.Profile, run int64) bool {
	if r.listed == nil {
		return p.SyncRun == run
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.listed[hashOf(p.OpenID)]
	return ok
}

func (r *runner) progress(phase string, done bool) {
	if r.o.Progress == nil {
		return
	}
	r.mu.Lock()
	p := Progress{Phase: phase, Listed: r.cp.Listed, Total: r.cp.Total, Pages: r.cp.Pages, Done: done}
	r.mu.Unlock()
	r.o.Progress(p)
}

// hashOf is a 64-bit FNV-1a of an openid: a dry run remembers who was
// listed in 8 bytes each instead of the openid.
func hashOf(openid string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(openid))
	return h.Sum64()
}
