package sender_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/sender"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// tagWorld is a world of n followers, on wxcast's side and on WeChat's
// roster, whose plans send by tag, with runs of runSize followers.
func tagWorld(t *testing.T, n, runSize int, c bctest.Config) *bctest.World {
	t.Helper()
	c.Followers = n
	c.Lifecycle = func(o *broadcast.Options) { o.TagSendAbove = 1 }
	if c.Start.IsZero() {
		// Midday: the tagging of a small audience always fits the day.
		c.Start = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	}
	w := bctest.New(t, sim, c)
	fs := make([]wxsim.Follower, n)
	for i := range fs {
		fs[i] = wxsim.Follower{OpenID: bctest.FollowerID(i)}
	}
	w.Sim.AddFollowers(w.AppID, fs...)
	w.Sender.SetTagRunSize(runSize)
	return w
}

// replica is a second sender of w's, with runs of runSize.
func replica(w *bctest.World, owner string, runSize int) *sender.Sender {
	o := w.SenderOptions
	o.Owner = owner
	s := sender.New(o)
	s.SetTagRunSize(runSize)
	return s
}

// simTag is the tag named name on w's WeChat, if any.
func simTag(w *bctest.World, name string) (wxsim.TagInfo, bool) {
	for _, t := range w.Sim.WeChatTags(w.AppID) {
		if t.Name == name {
			return t, true
		}
	}
	return wxsim.TagInfo{}, false
}

// tagApproved is an approved plan of w's that sends by tag, sent now and
// leased to w's sender, which has stepped n times.
func tagStarted(t *testing.T, w *bctest.World, steps int) *broadcast.Broadcast {
	t.Helper()
	b := w.Approved("everyone")
	if b.Plan.Channel != broadcast.ChannelTag {
		t.Fatalf("the plan sends by %q, want the tag channel", b.Plan.Channel)
	}
	w.SendNow(b.ID)
	if ok, err := w.Store.Broadcasts().Lease(w.Ctx, b.ID, w.SenderOptions.Owner, time.Minute); !ok || err != nil {
		t.Fatal("lease", err)
	}
	for range steps {
		if err := w.Sender.Step(w.Ctx, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	return w.Get(b.ID)
}

func capped(t *testing.T, w *bctest.World, n int) int {
	t.Helper()
	_, c, err := w.Caps.Uncapped(w.Ctx, bctest.FollowerIDs(n), w.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTagSendCancelledWhileTaggingGivesBackSlotsAndRemovesTheTag(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 25, 10, bctest.Config{MonthlyCap: 1})
	// Build the runs, create the tag, tag the first run of 10.
	b := tagStarted(t, w, 3)
	v := b.TagSend.Versions[0]
	if v.Runs != 3 || v.Done != 1 || v.TagID == 0 || v.Tagged != 10 || v.Members != 25 {
		t.Fatalf("after one run: %+v", v)
	}
	if tag, ok := simTag(w, v.Name); !ok || tag.Count != 10 || tag.ID != v.TagID {
		t.Fatalf("WeChat's tag %s: %+v %v", v.Name, tag, ok)
	}
	if n := capped(t, w, 25); n != 10 {
		t.Fatalf("%d followers hold a cap slot after one run, want 10", n)
	}
	if _, err := w.Lifecycle.Cancel(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	w.Run()
	b = w.Wait(b.ID, "the tag removed", func(b *broadcast.Broadcast) bool { return b.TagSend.Cleaned() })
	if _, ok := simTag(w, v.Name); ok {
		t.Fatal("the cancelled broadcast's tag is still on WeChat")
	}
	if n := capped(t, w, 25); n != 0 {
		t.Fatalf("%d followers still hold a slot of the cancelled broadcast", n)
	}
	if !b.TagSend.Versions[0].Released || b.State != broadcast.StateCancelled {
		t.Fatalf("after the cleanup: %s %+v", b.State, b.TagSend.Versions[0])
	}
	if d := w.Delivered(); len(d) != 0 {
		t.Fatalf("a cancelled tag send delivered to %v", d)
	}
	w.Wait(b.ID, "left the active set", func(*broadcast.Broadcast) bool {
		act, _ := w.Store.Broadcasts().Active(w.Ctx)
		return !slices.Contains(act, b.ID)
	})
}

func TestSweepRemovesOrphanedTagsOnly(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 6, 10, bctest.Config{})
	// In flight: its tag exists, the tagging is under way.
	live := tagStarted(t, w, 2)
	liveName := live.TagSend.Versions[0].Name
	// Orphans: a broadcast wxcast does not know, and one that never sent
	// by tag; both hold followers.
	orphans := []string{"wxc-987654-A-deadbeef", "wxc-" + itoa(w.Approved("everyone").ID) + "-A-00000000"}
	var ids []int
	for _, name := range orphans {
		id, err := w.Sim.CreateTag(w.AppID, name)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if err := w.API.TagMembers(w.Ctx, id, bctest.FollowerIDs(3), true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Sim.CreateTag(w.AppID, "wx-vip"); err != nil {
		t.Fatal(err)
	}
	removed, err := w.Sender.SweepTags(w.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := slices.Clone(orphans)
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Fatalf("swept %v, want %v", removed, want)
	}
	var left []string
	for _, tag := range w.Sim.WeChatTags(w.AppID) {
		left = append(left, tag.Name)
	}
	for _, name := range []string{liveName, "wx-vip"} {
		if !slices.Contains(left, name) {
			t.Fatalf("the sweep removed %s; left %v", name, left)
		}
	}
	for _, name := range orphans {
		if slices.Contains(left, name) {
			t.Fatalf("the sweep left %s", name)
		}
	}
	for _, id := range ids {
		if slices.Contains(w.Sim.FollowerTagIDs(w.AppID, bctest.FollowerID(0)), id) {
			t.Fatalf("follower 0 still holds swept tag %d", id)
		}
	}
}

// TestSweepUntagsATagTooBigToDelete: WeChat refuses to delete a tag held
// by over 100,000 followers (45057): the cleanup untags down to that, then
// deletes.
func TestSweepUntagsATagTooBigToDelete(t *testing.T) {
	if testing.Short() {
		t.Skip("tags 100,001 followers")
	}
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{})
	const n = 100001
	w.Sim.PopulateFollowers(w.AppID, n, 7)
	var all []string
	for next := ""; ; {
		p, err := w.API.Followers(w.Ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.OpenIDs...)
		if p.Next == "" || len(p.OpenIDs) == 0 {
			break
		}
		next = p.Next
	}
	if len(all) != n {
		t.Fatalf("%d followers listed", len(all))
	}
	id, err := w.Sim.CreateTag(w.AppID, "wxc-424242-A-abcdef01")
	if err != nil {
		t.Fatal(err)
	}
	chunks := make(chan []string)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for c := range chunks {
				if err := w.API.TagMembers(w.Ctx, id, c, true); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < n; i += 50 {
		chunks <- all[i:min(i+50, n)]
	}
	close(chunks)
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if tag, _ := simTag(w, "wxc-424242-A-abcdef01"); tag.Count != n {
		t.Fatalf("the tag holds %d", tag.Count)
	}
	if err := w.API.DeleteTag(w.Ctx, id); err == nil || !strings.Contains(err.Error(), "45057") {
		t.Fatalf("WeChat deleted a tag of %d followers: %v", n, err)
	}
	removed, err := w.Sender.SweepTags(w.Ctx)
	if err != nil || len(removed) != 1 {
		t.Fatalf("swept %v, %v", removed, err)
	}
	if _, ok := simTag(w, "wxc-424242-A-abcdef01"); ok {
		t.Fatal("the tag is still there")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// onceEach fails unless each of the first n followers received exactly
// one message, and no one else any.
func onceEach(t *testing.T, w *bctest.World, n int) {
	t.Helper()
	d := w.Delivered()
	for i := range n {
		if got := d[bctest.FollowerID(i)]; got != 1 {
			t.Errorf("%s received %d messages, want 1", bctest.FollowerID(i), got)
		}
	}
	if len(d) != n {
		t.Errorf("%d received, want %d: %v", len(d), n, d)
	}
}

// tagGone fails unless b's tags are cleaned up, on the record and at
// WeChat.
func tagGone(t *testing.T, w *bctest.World, b *broadcast.Broadcast) {
	t.Helper()
	for _, v := range b.TagSend.Versions {
		if v.Stage != broadcast.TagStageDone {
			t.Errorf("version %d at stage %s", v.Variant, v.Stage)
		}
		if _, ok := simTag(w, v.Name); ok {
			t.Errorf("the tag %s is still on WeChat", v.Name)
		}
	}
}

func tagAccounted(t *testing.T, b *broadcast.Broadcast) broadcast.Accounting {
	t.Helper()
	a, ok := b.Accounting()
	if !ok || a.Sum() != a.Audience {
		t.Fatalf("the accounting does not add up: %+v (%v)", a, ok)
	}
	return a
}

func TestTagSendWithFollowersAtTwentyTags(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 30, 10, bctest.Config{MonthlyCap: 1})
	var twenty []int
	for k := range wxapiMaxFollowerTags {
		id, err := w.Sim.CreateTag(w.AppID, "own"+itoa(int64(k)))
		if err != nil {
			t.Fatal(err)
		}
		twenty = append(twenty, id)
	}
	// Followers 0-2 hold 20 tags, and their profiles say so: they go in
	// an openid batch from the start. Followers 3-4 hold 20 tags too, but
	// wxcast has not seen it: WeChat refuses to tag them (45059), and
	// they go in an openid batch after the tagging.
	for i := range 5 {
		w.Sim.AddFollowers(w.AppID, wxsim.Follower{OpenID: bctest.FollowerID(i), TagIDs: twenty})
	}
	for i := range 3 {
		for k, id := range twenty {
			if err := w.Followers.SetWeChatTag(w.Ctx, bctest.FollowerID(i), storeTag(id, "own"+itoa(int64(k))), true); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := w.Approved("everyone")
	w.SendNow(b.ID)
	w.Run()
	b = w.Wait(b.ID, "sent and cleaned up", func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StateSent && b.TagSend.Cleaned()
	})
	onceEach(t, w, 30)
	tagGone(t, w, b)
	v := b.TagSend.Versions[0]
	if v.Members != 27 || v.Tagged != 25 || v.Refused != 2 {
		t.Fatalf("the version: %+v", v)
	}
	var sizes []int
	tagged := 0
	for _, x := range b.Batches {
		if x.Tag != 0 {
			tagged += x.Size
			continue
		}
		sizes = append(sizes, x.Size)
	}
	if tagged != 25 || !slices.Equal(sizes, []int{3, 2}) {
		t.Fatalf("sent %d by tag and %v by openid, want 25 and [3 2]", tagged, sizes)
	}
	if a := tagAccounted(t, b); a.Sent != 30 {
		t.Fatalf("accounting: %+v", a)
	}
	if n := capped(t, w, 30); n != 30 {
		t.Fatalf("%d followers hold the broadcast's cap slot, want 30", n)
	}
}

// TestTagSendResumedAfterACrashWhileTagging: the replica tagging dies in
// the middle of a run; another takes over from the checkpoint.
func TestTagSendResumedAfterACrashWhileTagging(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 25, 10, bctest.Config{MonthlyCap: 1})
	b := tagStarted(t, w, 3) // runs: 10 tagged of 25
	v := b.TagSend.Versions[0]
	// Mid-run 1: half of it tagged at WeChat, nothing recorded, then the
	// replica is gone (its lease lapses).
	run1, err := w.Store.Broadcasts().ReadList(w.Ctx, b.ID, "t"+b.TagSend.Key, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.API.TagMembers(w.Ctx, v.TagID, run1[:5], true); err != nil {
		t.Fatal(err)
	}
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	w.RunSender(replica(w, "other", 10))
	b = w.Wait(b.ID, "sent and cleaned up", func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StateSent && b.TagSend.Cleaned()
	})
	onceEach(t, w, 25)
	tagGone(t, w, b)
	if v := b.TagSend.Versions[0]; v.Tagged != 25 || v.TagID != b.TagSend.Versions[0].TagID {
		t.Fatalf("the version: %+v", v)
	}
	tags := 0
	for _, tag := range w.Sim.WeChatTags(w.AppID) {
		if strings.HasPrefix(tag.Name, "wxc-") {
			tags++
		}
	}
	if tags != 0 {
		t.Fatalf("%d wxc- tags left", tags)
	}
	if n := capped(t, w, 25); n != 25 {
		t.Fatalf("%d followers hold a slot, want 25", n)
	}
}

// TestTagSendResumedWhileSendallInFlight: the replica dies after WeChat
// accepted the sendall, before it recorded the answer; the next one asks
// again with the same clientmsgid and does not send twice.
func TestTagSendResumedWhileSendallInFlight(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 25, 10, bctest.Config{})
	b := tagStarted(t, w, 6) // runs built, tag created, 3 runs, verified
	i := b.TagSend.Versions[0].Batch
	if i < 0 || b.Batches[i].Tag == 0 {
		t.Fatalf("no sendall batch after the check: %+v", b.TagSend.Versions[0])
	}
	x := &b.Batches[i]
	x.State, x.Attempts, x.Began, x.Lost = broadcast.BatchSending, 1, w.Clock.Now(), true
	if err := w.Records.Save(w.Ctx, b, storeChange()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.API.MassSendAll(w.Ctx, x.Tag, b.SendContent(0).WeChat(), b.ClientMsgID(i)); err != nil {
		t.Fatal(err)
	}
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	w.RunSender(replica(w, "other", 10))
	// The world's clock stands still: moving it lets WeChat's minute
	// after the lost answer pass.
	b = w.WaitDriving(b.ID, "sent and cleaned up", 100*time.Millisecond, func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StateSent && b.TagSend.Cleaned()
	})
	onceEach(t, w, 25)
	tagGone(t, w, b)
	if b.Batches[i].MsgID == 0 {
		t.Fatalf("the sendall batch has no msg_id: %+v", b.Batches[i])
	}
}

// TestTagSendRepairsTheTagBeforeSendall: someone put a follower outside
// the audience on the tag; the check before the sendall untags them.
func TestTagSendRepairsTheTagBeforeSendall(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 12, 10, bctest.Config{})
	const outsider = "oOutsider000000000000000001"
	w.Sim.AddFollowers(w.AppID, wxsim.Follower{OpenID: outsider})
	b := tagStarted(t, w, 4) // runs built, tag created, both runs tagged
	v := b.TagSend.Versions[0]
	if v.Done != v.Runs || v.Stage != broadcast.TagStageTag {
		t.Fatalf("not yet checked: %+v", v)
	}
	if err := w.API.TagMembers(w.Ctx, v.TagID, []string{outsider}, true); err != nil {
		t.Fatal(err)
	}
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	w.Run()
	b = w.Wait(b.ID, "sent and cleaned up", func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StateSent && b.TagSend.Cleaned()
	})
	if n := w.Delivered()[outsider]; n != 0 {
		t.Fatalf("the outsider received %d", n)
	}
	onceEach(t, w, 12)
	if v := b.TagSend.Versions[0]; v.Repaired != 1 {
		t.Fatalf("repaired %d, want 1", v.Repaired)
	}
	tagGone(t, w, b)
}

const wxapiMaxFollowerTags = wxapi.MaxFollowerTags

func storeTag(id int, name string) store.WeChatTag { return store.WeChatTag{ID: id, Name: name} }

func storeChange() store.Change { return store.Change{} }

// TestTagSendWaitsForADayItCanFinishIn: tagging and sendall must finish
// on one calendar day; five minutes before midnight the tagging waits
// for the next day, and nothing is reserved or tagged meanwhile.
func TestTagSendWaitsForADayItCanFinishIn(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 23, 55, 0, 0, time.UTC)
	w := tagWorld(t, 12, 10, bctest.Config{Start: start, MonthlyCap: 1})
	b := tagStarted(t, w, 3) // runs built; then two steps that must wait
	midnight := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	if ts := b.TagSend; ts.Day != "2026-03-11" || !ts.NotBefore.Equal(midnight) || ts.Versions[0].TagID != 0 {
		t.Fatalf("before midnight: day %s, not before %v, tag %d", ts.Day, ts.NotBefore, ts.Versions[0].TagID)
	}
	if n := capped(t, w, 12); n != 0 {
		t.Fatalf("%d slots taken before the day", n)
	}
	w.Clock.Set(midnight.Add(time.Second))
	for range 2 { // the tag, the first run
		if err := w.Sender.Step(w.Ctx, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	if v := w.Get(b.ID).TagSend.Versions[0]; v.TagID == 0 || v.Done != 1 || v.Tagged != 10 {
		t.Fatalf("after midnight: %+v", v)
	}
}

// TestTagSendPausedWhileTaggingGoesOnWhenResumed: a pause stops the
// tagging at its checkpoint; a resume goes on from there, and the tag
// changed meanwhile is checked again just before the sendall.
func TestTagSendPausedWhileTaggingGoesOnWhenResumed(t *testing.T) {
	t.Parallel()
	w := tagWorld(t, 25, 10, bctest.Config{MonthlyCap: 1})
	const outsider = "oOutsider000000000000000002"
	w.Sim.AddFollowers(w.AppID, wxsim.Follower{OpenID: outsider})
	b := tagStarted(t, w, 3) // one run tagged
	if _, err := w.Lifecycle.Pause(w.Ctx, bctest.Owner, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Sender.Step(w.Ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if v := w.Get(b.ID).TagSend.Versions[0]; v.Done != 1 {
		t.Fatalf("a paused broadcast went on tagging: %+v", v)
	}
	if _, err := w.Lifecycle.Resume(w.Ctx, bctest.Owner, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	for range 3 { // the two other runs, the check: the sendall batch exists
		if err := w.Sender.Step(w.Ctx, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	b = w.Get(b.ID)
	v := b.TagSend.Versions[0]
	if v.Stage != broadcast.TagStageSend || v.Repaired != 0 {
		t.Fatalf("after the check: %+v", v)
	}
	// Someone tags an outsider between the check and the sendall.
	if err := w.API.TagMembers(w.Ctx, v.TagID, []string{outsider}, true); err != nil {
		t.Fatal(err)
	}
	_ = w.Store.Broadcasts().ReleaseLease(w.Ctx, b.ID, w.SenderOptions.Owner)
	w.Run()
	b = w.Wait(b.ID, "sent and cleaned up", func(b *broadcast.Broadcast) bool {
		return b.State == broadcast.StateSent && b.TagSend.Cleaned()
	})
	if n := w.Delivered()[outsider]; n != 0 {
		t.Fatalf("the outsider received %d", n)
	}
	onceEach(t, w, 25)
	tagGone(t, w, b)
	if n := capped(t, w, 25); n != 25 {
		t.Fatalf("%d followers hold the broadcast's slot, want 25", n)
	}
}
