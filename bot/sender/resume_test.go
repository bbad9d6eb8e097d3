package sender_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

func TestResumedBatchIsNotSentTwice(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 6})
	b := w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// A replica builds the batches, records the intent to send batch 0,
	// WeChat accepts it, and the replica dies before recording the
	// answer: step by hand up to the call, then "crash".
	if ok, err := w.Store.Broadcasts().Lease(w.Ctx, b.ID, w.SenderOptions.Owner, time.Minute); !ok || err != nil {
		t.Fatal("lease", err)
	}
	if err := w.Sender.Step(w.Ctx, b.ID); err != nil { // materialize
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	b.Batches[0].State, b.Batches[0].Attempts, b.Batches[0].Began = broadcast.BatchSending, 1, w.Clock.Now()
	if err := w.Records.Save(w.Ctx, b, store.Change{}); err != nil {
		t.Fatal(err)
	}
	list, _ := w.Store.Broadcasts().ReadList(w.Ctx, b.ID, "s"+b.BatchKey, 0)
	sent, err := w.API.MassSend(w.Ctx, list, b.Content.WeChat(), b.ClientMsgID(0))
	if err != nil {
		t.Fatal(err)
	}
	// WeChat's job report arrives before any replica recorded the batch:
	// it is kept until one does.
	if err := w.Results.JobFinished(w.Ctx, broadcast.JobReport{MsgID: sent.MsgID, Status: "send success", Total: 3, Filtered: 3, Sent: 3}); err != nil {
		t.Fatal(err)
	}
	// The lease lapses (here: is let go), another replica resumes: the batch is sent again with the same
	// clientmsgid; WeChat says 45066 (too soon) or 45065 (already sent).
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	o := w.SenderOptions
	o.Owner = "other"
	w.RunSender(sender.New(o))
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	for o, n := range w.Delivered() {
		if n != 1 {
			t.Fatalf("%s received the broadcast %d times", o, n)
		}
	}
	if len(w.Delivered()) != 6 || b.Batches[0].MsgID != sent.MsgID {
		t.Fatalf("delivered %v; batch 0 msg_id %d, want %d", w.Delivered(), b.Batches[0].MsgID, sent.MsgID)
	}
	if x := b.Batches[0]; !x.Reported || x.Sent != 3 {
		t.Fatalf("the early report was not applied: %+v", x)
	}
}

func TestBatchesAreNeverOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		followers, size int
		want            []int
	}{
		{3, 3, []int{3}},
		{4, 3, []int{2, 2}},
		{10, 3, []int{3, 3, 2, 2}},
		{9, 3, []int{3, 3, 3}},
	} {
		w := bctest.New(t, sim, bctest.Config{Followers: tc.followers, BatchSize: tc.size})
		b := w.Approved("everyone")
		_, _ = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
		if ok, _ := w.Store.Broadcasts().Lease(w.Ctx, b.ID, w.SenderOptions.Owner, time.Minute); !ok {
			t.Fatal("lease")
		}
		if err := w.Sender.Step(w.Ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
		var got []int
		for _, x := range b.Batches {
			got = append(got, x.Size)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d followers in batches of %d: %v, want %v", tc.followers, tc.size, got, tc.want)
		}
	}
}

func TestReservationSurvivesALostSave(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 6, MonthlyCap: 1})
	b := w.Approved("everyone")
	if _, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.Store.Broadcasts().Lease(w.Ctx, b.ID, w.SenderOptions.Owner, time.Minute); !ok || err != nil {
		t.Fatal("lease", err)
	}
	if err := w.Sender.Step(w.Ctx, b.ID); err != nil { // builds the batches
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	list, _ := w.Store.Broadcasts().ReadList(w.Ctx, b.ID, "s"+b.BatchKey, 0)
	// Another broadcast reaches one follower of batch 0 first.
	month := store.Limit{Period: store.Period{Key: "m" + w.Clock.Now().UTC().Format("2006-01"), TTL: time.Hour}}
	if _, _, err := w.Store.Caps().Reserve(w.Ctx, 999, 0, list[:1], []store.Limit{month}, w.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	for try := range 2 { // the first record is lost
		c, _ := w.Lifecycle.Get(w.Ctx, b.ID)
		if skip, err := w.Sender.Reserve(w.Ctx, c, 0, w.Clock.Now()); skip || err != nil {
			t.Fatalf("try %d: %v %v", try, skip, err)
		}
		if x := c.Batches[0]; x.Size != len(list)-1 || x.Capped != 1 || c.Capped != 1 {
			t.Fatalf("try %d: size %d capped %d/%d, want %d and 1", try, x.Size, x.Capped, c.Capped, len(list)-1)
		}
	}
}

// A broadcast stored by a newer wxcast is left to a replica that knows
// its schema: this one neither sends nor writes it, nor holds its lease.
func TestNewerRecordIsLeftAlone(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Manual: true})
	b := w.Approved("everyone")
	st := w.Store.Broadcasts()
	raw, rev, _, err := st.Load(w.Ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	newer := strings.Replace(strings.Replace(string(raw), schemaNow, schemaNext, 1), `"state":"approved"`, `"state":"sending"`, 1)
	if newer == string(raw) || !strings.Contains(newer, schemaNext) {
		t.Fatalf("record %s", raw)
	}
	if err := st.Save(w.Ctx, b.ID, rev, []byte(newer), store.Change{Active: 1}); err != nil {
		t.Fatal(err)
	}
	w.Run()
	w.Clock.Add(time.Second) // two polls: the second is taken once the first is done
	w.Clock.Add(time.Second)
	after, _, _, err := st.Load(w.Ctx, b.ID)
	if err != nil || string(after) != newer {
		t.Fatalf("the record changed: %s %v", after, err)
	}
	if n := len(sim.Jobs(w.AppID)); n != 0 || len(w.Sender.Sending()) != 0 {
		t.Fatalf("%d mass sends, sending %v", n, w.Sender.Sending())
	}
	if ok, err := st.Lease(w.Ctx, b.ID, "a newer replica", time.Minute); !ok || err != nil {
		t.Fatalf("a newer replica cannot take the lease: %v %v", ok, err)
	}
}

// bumping rewrites broadcast id's record as a newer wxcast would, the
// first time the sender reads the followers: between its poll and its
// first write.
type bumping struct {
	segment.Profiles
	w    *bctest.World
	id   int64
	once sync.Once
}

func (p *bumping) Scan(ctx context.Context, o store.ScanOptions, fn func([]*store.Profile) error) error {
	p.once.Do(func() {
		st := p.w.Store.Broadcasts()
		raw, rev, _, err := st.Load(ctx, p.id)
		if err == nil {
			err = st.Save(ctx, p.id, rev, []byte(strings.Replace(string(raw), schemaNow, schemaNext, 1)), store.Change{})
		}
		if err != nil {
			p.w.T.Error(err)
		}
	})
	return p.Profiles.Scan(ctx, o, fn)
}

// A record that a newer wxcast writes while this replica sends it is let
// go as soon as this replica fails to write it.
func TestRecordMadeNewerWhileSendingIsLetGo(t *testing.T) {
	t.Parallel()
	var p *bumping
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Manual: true, Sender: func(o *sender.Options) {
		p = &bumping{Profiles: o.Profiles}
		o.Profiles = p
	}})
	b := w.Approved("everyone")
	p.w, p.id = w, b.ID
	w.Run()
	w.SendNow(b.ID)
	w.Wait(b.ID, "the newer record", func(b *broadcast.Broadcast) bool { return b.Schema == broadcast.SchemaVersion+1 })
	w.DriveUntilIdle(time.Second)
	w.Clock.Add(time.Second) // two more polls: the second is taken once the first is done
	w.Clock.Add(time.Second)
	if n := len(sim.Jobs(w.AppID)); n != 0 || len(w.Sender.Sending()) != 0 {
		t.Fatalf("%d mass sends, sending %v", n, w.Sender.Sending())
	}
	if ok, err := w.Store.Broadcasts().Lease(w.Ctx, b.ID, "a newer replica", time.Minute); !ok || err != nil {
		t.Fatalf("a newer replica cannot take the lease: %v %v", ok, err)
	}
}

// schemaNow and schemaNext are the schema field as this version writes it
// and as the next version would.
var (
	schemaNow  = fmt.Sprintf(`"schema":%d`, broadcast.SchemaVersion)
	schemaNext = fmt.Sprintf(`"schema":%d`, broadcast.SchemaVersion+1)
)
