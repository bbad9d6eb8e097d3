package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// TestQuotaWallAcrossReplicas runs two wxcast processes against a WeChat
// whose daily mass-send quota is two calls. The third batch is refused
// once (45009); after that neither replica calls mass/send again, not for
// this broadcast and not for a second one, while status shows the wait
// and cancel still works.
func TestQuotaWallAcrossReplicas(t *testing.T) {
	redistest.Require(t, "TEST_REDIS_URL", "replicas run as subprocesses and must share a real Redis")
	t.Parallel()
	r := newFaultRig(t)
	r.sim.SetDailyQuota(massSendPath, 2)
	// With the account's tags all taken no plan can switch to the tag
	// channel: the openid batches meet the wall.
	for i := range 100 {
		if _, err := r.sim.CreateTag(tAppID, "full-"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	a, b := r.startReplica("A"), r.startReplica("B")
	r.follow(a)
	id := r.startBroadcast(a)
	refused := func() (sends, n int) {
		for _, c := range r.sim.Calls(tAppID) {
			if c.Path == massSendPath {
				sends++
				if c.ErrCode == wxsim.CodeDailyQuota {
					n++
				}
			}
		}
		return sends, n
	}
	waitFor(t, 60*time.Second, "a 45009", func() bool { _, n := refused(); return n > 0 })
	for _, p := range []*faultReplica{a, b} {
		waitFor(t, 10*time.Second, "status showing the wait on "+p.name, func() bool {
			return strings.Contains(r.say(p, "oEditor", "状态 "+id), "今日微信群发接口额度已用完")
		})
	}
	// A second broadcast, started on the other replica, waits behind the
	// wall without a call.
	reply := r.say(b, "oEditor", "新建 promo_clickers 文本 第二条")
	second := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(reply)[1]
	r.say(b, "oEditor", "预览 "+second)
	r.say(b, "oApprover", "批准 "+second)
	r.say(b, "oEditor", "发送 "+second)
	waitFor(t, 10*time.Second, "the second broadcast's wait", func() bool {
		return strings.Contains(r.say(b, "oEditor", "状态 "+second), "今日微信群发接口额度已用完")
	})
	time.Sleep(3 * time.Second) // many polls of both replicas, batch interval 300 ms
	if sends, n := refused(); sends != 3 || n != 1 {
		t.Fatalf("%d mass sends, %d refused with 45009; want 3 and 1 for the whole account", sends, n)
	}
	if len(r.sim.Jobs(tAppID)) != 2 {
		t.Fatalf("%d jobs, want the 2 the quota allowed", len(r.sim.Jobs(tAppID)))
	}
	if reply := r.say(a, "oEditor", "取消 "+second); !strings.Contains(reply, "已取消") {
		t.Fatalf("cancel during the wait: %q", reply)
	}
}
