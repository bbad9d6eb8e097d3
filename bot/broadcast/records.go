package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wxcast/wxcast/store"
)

// ErrNoChange stops an Update without saving and without being a fault:
// Update returns it, and callers that expect it ignore it.
var ErrNoChange = errors.New("broadcast: nothing to change")

// Records reads and writes broadcast records in Redis. Every write is a
// compare and set on the record's revision, so concurrent admins and
// replicas never act on a stale version. It is safe for concurrent use.
type Records struct {
	st  *store.Broadcasts
	now func() time.Time
}

// NewRecords returns the records of st; now stamps each write (time.Now
// when nil).
func NewRecords(st *store.Broadcasts, now func() time.Time) *Records {
	if now == nil {
		now = time.Now
	}
	return &Records{st: st, now: now}
}

// Create stores b as a new broadcast and gives it its ID.
func (r *Records) Create(ctx context.Context, b *Broadcast) error {
	id, err := r.st.NextID(ctx)
	if err != nil {
		return err
	}
	b.ID, b.Rev = id, 1
	rec, err := encode(b)
	if err != nil {
		return err
	}
	b.Schema = SchemaVersion
	return r.st.Create(ctx, id, rec)
}

// Get reads broadcast id; a missing one is a CodeNotFound refusal.
func (r *Records) Get(ctx context.Context, id int64) (*Broadcast, error) {
	rec, rev, ok, err := r.st.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(CodeNotFound, id)
	}
	b, err := decode(id, rec)
	if err != nil {
		return nil, err
	}
	b.Rev = rev
	return b, nil
}

// List returns the newest n broadcasts, newest first.
func (r *Records) List(ctx context.Context, n int) ([]*Broadcast, error) {
	ids, err := r.st.List(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]*Broadcast, 0, len(ids))
	for _, id := range ids {
		b, err := r.Get(ctx, id)
		if err != nil {
			var rf *Refusal
			if errors.As(err, &rf) {
				continue // created half-way by a crash
			}
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Update applies fn to the newest version of broadcast id and saves it,
// reading again when someone else wrote in between. fn returns what else
// the save does, or an error to stop without saving (ErrNoChange when
// there is nothing to do). It returns the saved version, or the version
// fn refused with its error.
func (r *Records) Update(ctx context.Context, id int64, fn func(b *Broadcast) (store.Change, error)) (*Broadcast, error) {
	for range 20 {
		b, err := r.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		c, err := fn(b)
		if err != nil {
			return b, err
		}
		err = r.Save(ctx, b, c)
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

// Save writes b, with c, if nobody wrote since it was read; b.Rev becomes
// the new revision. It is store.ErrConflict when someone did.
func (r *Records) Save(ctx context.Context, b *Broadcast, c store.Change) error {
	updated, rev := b.Updated, b.Rev
	b.Updated, b.Rev = r.now(), rev+1
	rec, err := encode(b)
	if err == nil {
		err = r.st.Save(ctx, b.ID, rev, rec, c)
	}
	if err != nil {
		b.Updated, b.Rev = updated, rev
		return err
	}
	b.Schema = SchemaVersion
	return nil
}

// SchemaVersion is the version of the record format this wxcast writes.
//
// Version 1 (records without a schema field) stored each content with Go's
// default JSON names (Type, Text, MediaID); version 2 names them type,
// text and media_id and carries the schema field. Version 3 holds a
// batch's retry time (nb) and whether an attempt may have gone out (l):
// a version-2 batch in "sending" is read as possibly sent, since its
// intent was recorded before the call. Version 4 freezes a news
// broadcast's articles in the plan (plan.news) and sends them from one
// media/uploadnews id, and may send by WeChat tag (plan.channel): a
// version-3 replica would send the draft's id, whose words may have
// changed since the approval, so it must not take such a record over.
// Within version 4, a plan may carry texts whose links it rewrote into
// tracked links (plan.texts, plan.links): an older version-4 replica
// ignores them and would send the texts as the admins wrote them, to the
// approved audience, only without tracking, so they need no new version.
// A replica reads every
// version up to its own and writes its own. A record of a newer version
// is read as far as this replica understands it, but never written: a
// replica not yet upgraded must not drop what a newer one stored.
const SchemaVersion = 4

// NewerRecordError refuses to write a record of a schema this replica
// does not know.
type NewerRecordError struct {
	ID     int64
	Schema int
}

func (e *NewerRecordError) Error() string {
	return fmt.Sprintf("broadcast %d: the record has schema %d, newer than this wxcast's %d: upgrade this replica before it changes the broadcast",
		e.ID, e.Schema, SchemaVersion)
}

// writable refuses, before anything is done, a change to a record this
// replica could not save: one of a newer schema.
func writable(b *Broadcast) error {
	if b.Schema > SchemaVersion {
		return &NewerRecordError{ID: b.ID, Schema: b.Schema}
	}
	return nil
}

// v1Content is a content as version 1 stored it.
type v1Content struct{ Type, Text, MediaID string }

func (c v1Content) content() Content { return Content{Type: c.Type, Text: c.Text, MediaID: c.MediaID} }

// decode reads a stored record of any version.
func decode(id int64, rec []byte) (*Broadcast, error) {
	var b Broadcast
	if err := json.Unmarshal(rec, &b); err != nil {
		return nil, fmt.Errorf("broadcast %d: decode record: %w", id, err)
	}
	if b.Schema == 0 {
		b.Schema = 1
	}
	if b.Schema == 1 {
		var v1 struct {
			Content  v1Content   `json:"content"`
			Variants []v1Content `json:"variants"`
		}
		if err := json.Unmarshal(rec, &v1); err != nil {
			return nil, fmt.Errorf("broadcast %d: decode version 1 content: %w", id, err)
		}
		b.Content = v1.Content.content()
		for i, c := range v1.Variants {
			if i < len(b.Variants) {
				b.Variants[i] = c.content()
			}
		}
	}
	if b.Schema < 3 {
		for i := range b.Batches {
			if b.Batches[i].State == BatchSending {
				b.Batches[i].Lost = true
			}
		}
	}
	return &b, nil
}

// encode writes b in this version's format; it refuses a record of a
// newer schema.
func encode(b *Broadcast) ([]byte, error) {
	if err := writable(b); err != nil {
		return nil, err
	}
	c := *b
	c.Schema = SchemaVersion
	return json.Marshal(&c)
}
