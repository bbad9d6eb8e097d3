package sender

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// TagAPI is the part of WeChat's API the tag channel uses
// (wxapi.Client): the account's tags, tagging, the tag's members,
// mass/sendall by tag and deleting the tag.
type TagAPI interface {
	MassSendAll(ctx context.Context, tagID int, c wxapi.Content, clientMsgID string) (wxapi.Sent, error)
	AccountTags(ctx context.Context) ([]wxapi.TagInfo, error)
	CreateTag(ctx context.Context, name string) (wxapi.TagInfo, error)
	TagMembers(ctx context.Context, tagID int, openids []string, add bool) error
	TagFans(ctx context.Context, tagID int, next string) ([]string, string, error)
	DeleteTag(ctx context.Context, tagID int) error
}

const (
	// accountTagMax is how many tags of its own an account may hold;
	// the platform's tags (星标组, id 2, and below) are not among them.
	accountTagMax = 100
	systemTagMax  = 2
	// runSpan separates the versions' runs among the stored lists: a
	// version has at most runSpan runs of 10,000 followers.
	runSpan = 100000
	// tagDeleteMax is the most followers a tag may hold for WeChat to
	// delete it (45057 above).
	tagDeleteMax   = 100000
	codeTagTooBig  = 45057
	codeNoSuchTag  = 45159
	codeTagExists  = 45157
	codeTagsAtMost = 45056
)

// materializeTag begins a plan that sends by WeChat tag: like
// materialize it leaves out who unsubscribed or reached a cap since the
// preview and splits the audience into the variants, but it writes each
// version's followers into runs of up to 10,000 to be tagged (see
// tagStep); followers whose profile shows 20 WeChat tags go in ordinary
// openid batches instead. The account must have a free tag per version,
// or the send fails with the reason: the approval bound the channel, so
// wxcast does not fall back to openid batches on its own.
func (s *Sender) materializeTag(ctx context.Context, b *broadcast.Broadcast) error {
	versions := 1 + len(b.Variants)
	if s.tags == nil {
		return s.fail(ctx, b, broadcast.FailNoAPI, "the plan sends by WeChat tag, which this replica's WeChat client cannot")
	}
	tags, err := s.tags.AccountTags(ctx)
	if err != nil {
		return err
	}
	free := accountTagMax
	for _, t := range tags {
		if t.ID > systemTagMax {
			free--
		}
	}
	for v := range versions {
		for _, t := range tags {
			if t.Name == broadcast.TagName(b, v) {
				free++ // made by an earlier attempt: found again, not created
			}
		}
	}
	if free < versions {
		return s.fail(ctx, b, broadcast.FailTagsFull, fmt.Sprintf("the plan sends by WeChat tag and needs %d free tags; the account has %d of its %d tags free",
			versions, max(free, 0), accountTagMax))
	}
	ex, err := s.excluded(ctx, "", true)
	if err != nil {
		return err
	}
	key := broadcast.RandomKey()
	cut := s.newCutter(ctx, b, key, len(b.Batches))
	runs := make([]runWriter, versions)
	for v := range runs {
		runs[v] = runWriter{s: s, ctx: ctx, id: b.ID, name: "t" + key, first: v * runSpan, v: v, mw: cut.members}
	}
	w, err := s.walk(ctx, b, ex, cut.members, func(v int, o string) error {
		if _, full := ex.full[o]; full {
			return cut.add(v, o)
		}
		return runs[v].add(o)
	})
	if err != nil {
		return err
	}
	if err := cut.finish(); err != nil {
		return err
	}
	t := &broadcast.TagSend{Key: key}
	for v := range runs {
		if err := runs[v].flush(); err != nil {
			return err
		}
	}
	if err := cut.members.flush(); err != nil {
		return err
	}
	for v := range runs {
		t.Versions = append(t.Versions, broadcast.TagVersion{Variant: v, Name: broadcast.TagName(b, v),
			Stage: broadcast.TagStageTag, FirstRun: v * runSpan, Runs: runs[v].n, Members: runs[v].members, Batch: -1})
	}
	if err := s.settle(ctx, b, key, w, cut); err != nil {
		return err
	}
	s.schedule(t, s.now())
	b.TagSend = t
	return s.o.Records.Save(ctx, b, store.Change{Owner: s.o.Owner})
}

// runWriter writes one version's followers as runs of up to 10,000.
type runWriter struct {
	s        *Sender
	ctx      context.Context
	id       int64
	name     string
	first, n int
	members  int
	cur      []string
	// v is the version; mw learns who is in its runs.
	v  int
	mw *memberWriter
}

func (r *runWriter) add(o string) error {
	r.cur = append(r.cur, o)
	r.members++
	if len(r.cur) < r.s.runSize {
		return nil
	}
	return r.flush()
}

func (r *runWriter) flush() error {
	if len(r.cur) == 0 {
		return nil
	}
	if r.n >= runSpan {
		return fmt.Errorf("a version of broadcast %d has more than %d runs of %d followers", r.id, runSpan, r.s.runSize)
	}
	if err := r.s.o.Store.WriteList(r.ctx, r.id, r.name, r.first+r.n, r.cur, broadcast.ListTTL); err != nil {
		return err
	}
	if err := r.mw.batch(r.cur, broadcast.TagMember(r.v)); err != nil {
		return err
	}
	r.n++
	r.cur = r.cur[:0]
	return nil
}

// day is t's calendar day in the account's zone.
func (s *Sender) day(t time.Time) string { return t.In(s.loc()).Format(time.DateOnly) }

func (s *Sender) loc() *time.Location {
	if s.o.Windows.Loc != nil {
		return s.o.Windows.Loc
	}
	return time.UTC
}

// nextDay is the start of the day after t's in the account's zone.
func (s *Sender) nextDay(t time.Time) time.Time {
	y, m, d := t.In(s.loc()).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, s.loc())
}

// schedule sets t's day: today when the tagging (its calls at
// Options.TagRate) and the sendall can finish before midnight, else
// tomorrow, the tagging held back until then.
func (s *Sender) schedule(t *broadcast.TagSend, now time.Time) {
	calls := 0
	for _, v := range t.Versions {
		calls += (v.Members + wxapi.MaxTagBatch - 1) / wxapi.MaxTagBatch
	}
	need := time.Duration(float64(calls)/float64(s.o.TagRate)*float64(time.Second)) + tagMargin
	t.Day, t.NotBefore = s.day(now), time.Time{}
	if end := s.nextDay(now); now.Add(need).After(end) {
		t.Day, t.NotBefore = s.day(end), end
	}
}

// tagMargin is the time kept free before midnight for the checks and the
// sendall after the tagging.
const tagMargin = 10 * time.Minute

// tagStep does the next piece of the tagging: holds it until its day,
// starts it again on a new day, tags the next run of a version, or checks
// a tagged version's members and builds its batches.
func (s *Sender) tagStep(ctx context.Context, b *broadcast.Broadcast) (time.Duration, bool, error) {
	t := b.TagSend
	now := s.now()
	if w := t.NotBefore.Sub(now); w > 0 {
		return w, true, nil
	}
	if t.Day != s.day(now) {
		// Midnight passed before the sendall: the slots were taken in the
		// day before's period. Give them back and tag again today; the
		// check before the sendall removes whom today's caps leave out.
		if err := s.restartDay(ctx, b); err != nil {
			return 0, true, err
		}
		return 0, true, s.save(ctx, b)
	}
	for i, v := range t.Versions {
		if v.Stage == broadcast.TagStageTag && v.Done < v.Runs {
			return s.tagRun(ctx, b, i)
		}
	}
	for i, v := range t.Versions {
		if v.Stage == broadcast.TagStageTag {
			return s.verify(ctx, b, i)
		}
	}
	return 0, true, nil
}

// restartDay gives back the slots of every run taken so far and starts
// the tagging over, for today.
func (s *Sender) restartDay(ctx context.Context, b *broadcast.Broadcast) error {
	t := b.TagSend
	for i := range t.Versions {
		v := &t.Versions[i]
		if v.Stage != broadcast.TagStageTag {
			continue
		}
		if err := s.releaseRuns(ctx, b, v); err != nil {
			return err
		}
		v.Done, v.Tagged, v.Refused, v.Capped = 0, 0, 0, 0
	}
	s.schedule(t, s.now())
	return nil
}

// save writes b under the lease; a conflict means someone wrote
// meanwhile (a cancel, say): the next step reads it again.
func (s *Sender) save(ctx context.Context, b *broadcast.Broadcast) error {
	err := s.o.Records.Save(ctx, b, store.Change{Owner: s.o.Owner})
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// runIndex is the cap reservation index of stored run idx.
func runIndex(idx int) int { return broadcast.TagRunBase + idx }

// releaseRuns gives back the cap slots of every run of v.
func (s *Sender) releaseRuns(ctx context.Context, b *broadcast.Broadcast, v *broadcast.TagVersion) error {
	for k := range v.Runs {
		if err := s.o.Caps.Release(ctx, b.ID, runIndex(v.FirstRun+k)); err != nil {
			return err
		}
	}
	return nil
}
