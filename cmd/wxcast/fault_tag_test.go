package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

const (
	// tagAudience followers in the segment make one tag run (10,000 at
	// most, bot/sender/tagrun.go) of 60 batchtagging calls of 50.
	tagAudience = 3000
	tagOthers   = 100
	// tagWorkers is the sender's default of tagging calls in flight.
	tagWorkers       = 6
	tagBatch         = 50 // followers a batchtagging call
	batchTaggingPath = "/cgi-bin/tags/members/batchtagging"
	massSendAllPath  = "/cgi-bin/message/mass/sendall"
	massGetPath      = "/cgi-bin/message/mass/get"
	// tagChannelLine is the preview's line for a plan that sends by tag
	// (bot/admin/catalog_quota.go); 未按标签群发 says it does not.
	tagChannelLine = "发送方式：按标签群发"
)

// TestFaultKillTagSend kills the replica sending a broadcast by WeChat
// tag (SIGKILL, no chance to clean up) and checks that another replica
// finishes it: every follower of the segment gets it exactly once, by one
// sendall to the temporary tag, and the tag is removed afterwards.
//
// While tagging, the run cut short is done again from its start (the run
// is the checkpoint). With the sendall in flight (accepted by WeChat, never
// answered), the next replica asks again with the same clientmsgid a
// minute later and is answered 45065, not sent twice.
func TestFaultKillTagSend(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: each fault case waits for a send lease to expire (30 s)")
	}
	redistest.Require(t, "TEST_REDIS_URL", "replicas run as subprocesses and must share a real Redis; the embedded store lives in one process")

	t.Run("while tagging", func(t *testing.T) {
		t.Parallel()
		r := newTagRig(t)
		live := []*faultReplica{r.startReplica("A"), r.startReplica("B")}
		audience := r.follow(live[0])
		// Every tagging worker's first call is tagged but never answered:
		// the sender is stuck mid-run, for the API client's 15 s, with
		// tagWorkers*50 followers in the tag.
		id := r.startTagBroadcast(live[0], func() { r.sim.DropAfterAccept(batchTaggingPath, tagWorkers) })
		waitFor(t, 60*time.Second, "the first tagging calls to be held", func() bool {
			tag, ok := r.broadcastTag()
			return ok && tag.Count >= tagWorkers*tagBatch
		})
		victim := r.leaseHolder(id, live)
		killedAt := time.Now()
		victim.kill()
		live = slices.DeleteFunc(live, func(p *faultReplica) bool { return p == victim })

		tag, _ := r.broadcastTag()
		if tag.Count <= 0 || tag.Count >= tagAudience {
			t.Fatalf("killed with %d followers in the tag, want some of the %d: not while tagging", tag.Count, tagAudience)
		}
		if v := r.record(id).TagSend.Versions[0]; v.Stage != broadcast.TagStageTag || v.Done != 0 || v.TagID != tag.ID {
			t.Fatalf("killed with the version at stage %q, %d runs done, tag %d; want stage %q, none done, tag %d",
				v.Stage, v.Done, v.TagID, broadcast.TagStageTag, tag.ID)
		}
		t.Logf("killed replica %s (pid %d) with %d of %d followers tagged", victim.name, victim.pid(), tag.Count, tagAudience)

		r.waitResumedOn(batchTaggingPath, killedAt)
		r.waitSent(live[0], id)
		r.checkTagSend(audience, id)
		// The run was tagged again from its start by the new holder.
		again := 0
		for _, c := range r.sim.Calls(tAppID) {
			if c.Path == batchTaggingPath && c.Time.After(killedAt) && c.ErrCode == 0 {
				again++
			}
		}
		if want := tagAudience / tagBatch; again != want {
			t.Errorf("%d batchtagging calls after the kill, want %d: the run cut short done again from its start", again, want)
		}
	})

	t.Run("sendall in flight", func(t *testing.T) {
		t.Parallel()
		r := newTagRig(t)
		live := []*faultReplica{r.startReplica("A"), r.startReplica("B")}
		audience := r.follow(live[0])
		var armed int
		id := r.startTagBroadcast(live[0], func() { armed = r.dropNext(massSendAllPath) })
		held := r.waitHeld(id, armed)
		if held.TagID == 0 {
			t.Fatalf("the held job %s is not a sendall to a tag: %+v", held.ClientMsgID, held)
		}
		victim := r.leaseHolder(id, live)
		killedAt := time.Now()
		victim.kill()
		live = slices.DeleteFunc(live, func(p *faultReplica) bool { return p == victim })
		t.Logf("killed replica %s (pid %d) with sendall %s in flight", victim.name, victim.pid(), held.ClientMsgID)

		r.waitResumedOn(massSendAllPath, killedAt)
		r.waitSent(live[0], id)
		r.checkTagSend(audience, id)
		if got := r.answers(massSendAllPath, held.ClientMsgID); !slices.Equal(got, []int{0, wxsim.CodeClientMsgIDExist}) {
			t.Errorf("the held sendall %s was answered %v, want [0 %d]: accepted, then asked once more and told it was sent",
				held.ClientMsgID, got, wxsim.CodeClientMsgIDExist)
		}
		// The 45065 names the job's msg_id, which mass/get confirms.
		if !slices.ContainsFunc(r.sim.Calls(tAppID), func(c wxsim.Call) bool {
			return c.Path == massGetPath && c.Time.After(killedAt) && c.ErrCode == 0 &&
				strings.Contains(string(c.Body), strconv.FormatInt(held.MsgID, 10))
		}) {
			t.Errorf("no mass/get for the held sendall's msg_id %d after the kill", held.MsgID)
		}
	})
}

// newTagRig is a fault rig whose plans send by tag, with tagAudience
// followers in the segment.
func newTagRig(t *testing.T) *faultRig {
	r := newFaultRig(t, "WXCAST_BROADCAST_TAG_SEND_ABOVE=2")
	r.audience, r.others, r.batches = tagAudience, tagOthers, 1 // one sendall
	return r
}

// startTagBroadcast starts a broadcast as startBroadcast does, checking
// that the preview chose the tag channel; arm runs just before the send.
func (r *faultRig) startTagBroadcast(p *faultReplica, arm func()) string {
	t := r.t
	t.Helper()
	id := r.startBroadcast(p, func(preview string) {
		if !strings.Contains(preview, tagChannelLine) {
			t.Fatalf("the preview does not send by tag:\n%s", preview)
		}
		arm()
	})
	if c := r.record(id).Plan.Channel; c != broadcast.ChannelTag {
		t.Fatalf("the plan's channel is %q, want %q", c, broadcast.ChannelTag)
	}
	return id
}

// broadcastTag is the temporary tag (named wxc-…) on the account, if any.
func (r *faultRig) broadcastTag() (wxsim.TagInfo, bool) {
	var found []wxsim.TagInfo
	for _, tag := range r.sim.WeChatTags(tAppID) {
		if strings.HasPrefix(tag.Name, broadcast.TagNamePrefix) {
			found = append(found, tag)
		}
	}
	if len(found) > 1 {
		r.t.Fatalf("%d temporary tags on the account, want one: %+v", len(found), found)
	}
	if len(found) == 0 {
		return wxsim.TagInfo{}, false
	}
	return found[0], true
}

// checkTagSend checks that WeChat delivered broadcast id to every
// follower of audience once and to no one else, by one sendall to the
// broadcast's tag and no mass/send, and that the tag is removed.
func (r *faultRig) checkTagSend(audience []string, id string) {
	t := r.t
	t.Helper()
	got := r.sim.Deliveries(tAppID)
	if wrong := wrongCounts(got, audience); len(wrong) > 0 {
		t.Errorf("%d of %d followers of the segment did not receive the broadcast once (openid=count): %v",
			len(wrong), len(audience), firstFew(wrong))
	}
	var outside []string
	for o, n := range got {
		if !slices.Contains(audience, o) {
			outside = append(outside, fmt.Sprintf("%s=%d", o, n))
		}
	}
	if len(outside) > 0 {
		t.Errorf("%d followers outside the segment received the broadcast: %v", len(outside), firstFew(outside))
	}
	b := r.record(id)
	if b.TagSend == nil || len(b.TagSend.Versions) != 1 {
		t.Fatalf("broadcast #%s has no tag send of one version: %+v", id, b.TagSend)
	}
	tagID := b.TagSend.Versions[0].TagID
	jobs := r.sim.Jobs(tAppID)
	if len(jobs) != 1 || jobs[0].TagID != tagID || tagID == 0 {
		for _, j := range jobs {
			t.Logf("job %s: tag %d, %d followers", j.ClientMsgID, j.TagID, len(j.ToUser))
		}
		t.Errorf("%d jobs, want one sendall to the broadcast's tag %d", len(jobs), tagID)
	}
	// The tag goes once WeChat is done with the sendall; then the
	// version is recorded done.
	waitFor(t, 3*time.Minute, "the temporary tag to be removed", func() bool {
		_, ok := r.broadcastTag()
		return !ok && r.record(id).TagSend.Versions[0].Stage == broadcast.TagStageDone
	})
}

// firstFew is the first 20 of list, for a message.
func firstFew(list []string) []string {
	if len(list) > 20 {
		return append(slices.Clip(list[:20]), "…")
	}
	return list
}
