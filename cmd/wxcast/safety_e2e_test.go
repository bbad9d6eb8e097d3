package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// The send-safety tests below check the wiring of the broadcast
// guardrails through the real server: configuration read from WXCAST_
// variables, admins talking in encrypted callbacks, mass sends and
// unsubscribes at the simulated WeChat, state in Redis. The rules of each
// guardrail are unit-tested in bot/broadcast and bot/admin; here a
// guardrail that is configured but never reaches the service, or reaches
// it with the wrong zone or lists, fails.

const safetyRules = `
segments:
  - name: everyone
    rule: user.subscribed
`

const safetyAdmins = `WXCAST_ADMINS=[{"openid":"oEditor","name":"小李","roles":["editor"]},` +
	`{"openid":"oApprover","name":"老王","roles":["approver"]},{"openid":"oOwner","name":"老板","roles":["owner"]}]`

// safetyServer is a running wxcast with its own app at the shared
// simulator and a chat to talk to it.
type safetyServer struct {
	sim   *wxsim.Server
	appID string
	st    *store.Store // the server's keys
	c     *wxsim.Client
	ch    *chat
}

// startSafetyServer starts serve with the everyone segment, the three
// admins and environ on top, and subscribes followers.
func startSafetyServer(t *testing.T, ctx context.Context, followers []string, environ ...string) *safetyServer {
	t.Helper()
	return startChatServer(t, ctx, safetyRules, followers, environ...)
}

// startChatServer starts serve with the rules file rules, the three admins
// and environ on top, at an app of its own in the shared simulator, and
// subscribes followers.
func startChatServer(t *testing.T, ctx context.Context, rules string, followers []string, environ ...string) *safetyServer {
	t.Helper()
	return startChatServerAt(t, ctx, redistest.SharedURL(t), rules, followers, environ...)
}

// startChatServerAt is startChatServer on the Redis of url (a redis.url).
func startChatServerAt(t *testing.T, ctx context.Context, url, rules string, followers []string, environ ...string) *safetyServer {
	t.Helper()
	sim, simURL := sharedSim()
	appID := newApp(t)
	prefix := redistest.Prefix(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	addr, done := startServe(t, ctx, append([]string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + rulesFile, "WXCAST_WECHAT_APP_ID=" + appID, "WXCAST_WECHAT_APP_SECRET=" + tSecret,
		"WXCAST_WECHAT_API_BASE_URL=" + simURL, "WXCAST_BROADCAST_BATCH_INTERVAL=0s",
		// Followers exist only through callbacks here; the scheduled sync
		// against the simulator's roster is not what these tests are about.
		"WXCAST_SYNC_INTERVAL=0", safetyAdmins}, environ...))
	t.Cleanup(func() { cancel(); <-done })
	st := redistest.OpenAt(t, url, prefix) // deletes the server's keys after the test

	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: appID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe, Platform: sim})
	if err != nil {
		t.Fatal(err)
	}
	sim.SetPush(appID, c, 50*time.Millisecond)
	for _, id := range followers {
		if _, err := c.Send(ctx, wxsim.Subscribe(id, "")); err != nil {
			t.Fatal(err)
		}
	}
	return &safetyServer{sim: sim, appID: appID, st: st, c: c, ch: &chat{t: t, c: c}}
}

// waitLetGo waits until the sender is done with broadcast id for now: it
// has given back the send lease, which it holds from before the first
// batch until it stops sending (through the waits between batches), and
// id is not among the broadcasts it looks at, so it takes the lease no
// more. Call it once a batch went: before, the lease may not be taken yet.
func (s *safetyServer) waitLetGo(ctx context.Context, id string) {
	s.ch.t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		s.ch.t.Fatal(err)
	}
	waitFor(s.ch.t, 15*time.Second, "the sender to let go of #"+id, func() bool {
		held, err := s.st.Redis().Exists(ctx, sendLeaseKey(s.st.KeyPrefix(), id)).Result()
		if err != nil {
			s.ch.t.Fatal(err)
		}
		active, err := s.st.Broadcasts().Active(ctx)
		if err != nil {
			s.ch.t.Fatal(err)
		}
		return held == 0 && !slices.Contains(active, n)
	})
}

// create has the editor create a text broadcast to everyone and returns
// its id.
func (s *safetyServer) create(ctx context.Context, text string) string {
	s.ch.t.Helper()
	r := s.ch.say(ctx, "oEditor", "新建 everyone 文本 "+text)
	m := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(r)
	if m == nil {
		s.ch.t.Fatalf("new: reply %q has no id", r)
	}
	return m[1]
}

func wantIn(t *testing.T, what, reply string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(reply, w) {
			t.Fatalf("%s: reply %q lacks %q", what, reply, w)
		}
	}
}

func wantNotIn(t *testing.T, what, reply string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(reply, w) {
			t.Fatalf("%s: reply %q has %q", what, reply, w)
		}
	}
}

// TestSendSafetyQuietHoursAndContentEndToEnd configures quiet hours around
// the current time in the server's zone (Asia/Shanghai, from the example
// config) and a best window after them, and uses the built-in word lists.
// A broadcast with an absolute term is flagged at preview, refused to an
// approver and approved by an owner's override; sending it is refused in
// the quiet hours with the next allowed time, "best" schedules it at the
// configured window, and an owner's override sends it now. The audit
// keeps both overrides.
func TestSendSafetyQuietHoursAndContentEndToEnd(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// Quiet from an hour ago to an hour from now, the best window two
	// hours after that: the server's minute of the day must be read in
	// its zone for the send to be refused, and both spans may wrap past
	// midnight (the config takes that as spanning it).
	now := time.Now().In(loc).Truncate(time.Minute)
	clock := func(d time.Duration) string { return now.Add(d).Format("15:04") }
	quiet := clock(-time.Hour) + "-" + clock(time.Hour)
	best := clock(3*time.Hour) + "-" + clock(4*time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fans := []string{"oFanA", "oFanB", "oFanC"}
	s := startSafetyServer(t, ctx, fans, "WXCAST_BROADCAST_QUIET_HOURS="+quiet, "WXCAST_BROADCAST_BEST_WINDOWS="+best)
	ch := s.ch

	// The built-in lists (no words_dir) flag 最佳 at the preview.
	id := s.create(ctx, "本店最佳选择，欢迎光临")
	r := ch.say(ctx, "oEditor", "预览 "+id)
	wantIn(t, "preview", r, "受众 3 人", "内容检查：发现 1 处敏感词", "正文第 3 字「最佳」（广告法极限词）",
		"批准 "+id+" 强制 <理由>")
	if r := ch.say(ctx, "oApprover", "批准 "+id); !strings.Contains(r, "#"+id+" 的内容检查发现 1 处敏感词（广告法极限词 等），不能批准") {
		t.Fatalf("approver approves a flagged plan: %q", r)
	}
	if r := ch.say(ctx, "oApprover", "批准 "+id+" 强制 法务看过了"); !strings.Contains(r, "只有所有者可以强制放行") {
		t.Fatalf("approver overrides: %q", r)
	}
	r = ch.say(ctx, "oOwner", "批准 "+id+" 强制 法务已确认措辞")
	wantIn(t, "owner's override", r, "所有者已强制批准 #"+id, "理由：法务已确认措辞", "1/1")
	if r := ch.say(ctx, "oEditor", "详情 "+id); !strings.Contains(r, "已由所有者 老板 强制放行，理由：法务已确认措辞") {
		t.Fatalf("show after the override: %q", r)
	}

	// Approved, but now is quiet: refused with the span and when it ends.
	quietEnd := now.Add(time.Hour).Format("2006-01-02 15:04")
	r = ch.say(ctx, "oEditor", "发送 "+id)
	wantIn(t, "send in the quiet hours", r, "免打扰时段（"+quiet+"）内不能开始发送", "最早 "+quietEnd+" 可发送")
	if r := ch.say(ctx, "oEditor", "发送 "+id+" 强制 客户在等"); !strings.Contains(r, "只有所有者可以强制放行") {
		t.Fatalf("editor overrides the quiet hours: %q", r)
	}
	// "best" takes the configured window, not the example's defaults.
	bestAt := now.Add(3 * time.Hour).Format("2006-01-02 15:04")
	r = ch.say(ctx, "oEditor", "发送 "+id+" 最佳")
	wantIn(t, "send best", r, "#"+id+" 已排期："+bestAt+" 发送（下一个推荐时段）")
	if n := len(s.sim.Jobs(s.appID)); n != 0 {
		t.Fatalf("%d mass sends before the owner's override", n)
	}

	// The owner sends the scheduled broadcast now, in the quiet hours.
	r = ch.say(ctx, "oOwner", "发送 "+id+" 强制 系统故障补发通知")
	wantIn(t, "owner's send", r, "#"+id+" 开始发送：3 人", "免打扰时段由所有者强制放行，理由：系统故障补发通知")
	waitFor(t, 10*time.Second, "the delivery", func() bool { return len(s.sim.Deliveries(s.appID)) == len(fans) })
	s.waitLetGo(ctx, id) // a second send would have gone by then
	if jobs := s.sim.Jobs(s.appID); len(jobs) != 1 || jobs[0].Content != "本店最佳选择，欢迎光临" {
		t.Fatalf("mass sends %+v, want the one broadcast once", jobs)
	}
	r = ch.say(ctx, "oEditor", "状态 "+id)
	wantIn(t, "status", r, "免打扰时段发送：所有者 老板 放行，理由：系统故障补发通知")

	r = ch.say(ctx, "oOwner", "审计")
	wantIn(t, "audit", r,
		"老王「批准 "+id+"」内容检查有敏感词",
		"老板「批准 "+id+" 强制 法务已确认措辞」成功",
		"小李「发送 "+id+"」免打扰时段",
		"小李「发送 "+id+" 强制 客户在等」须所有者强制",
		"老板「发送 "+id+" 强制 系统故障补发通知」成功")
}

// TestSendSafetyWordsDirEndToEnd points words_dir at a directory of the
// test's own: its words are checked instead of the built-in lists, and a
// change to a file is picked up while the server runs.
func TestSendSafetyWordsDirEndToEnd(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "promo.txt"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("# the test's own list\n蓝莓派\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startSafetyServer(t, ctx, []string{"oFanA", "oFanB"}, "WXCAST_BROADCAST_QUIET_HOURS=", "WXCAST_WORDS_DIR="+dir)
	ch := s.ch

	// 最佳 is on the built-in lists only; 蓝莓派 on the directory's only.
	id := s.create(ctx, "最佳蓝莓派限时抢")
	r := ch.say(ctx, "oEditor", "预览 "+id)
	wantIn(t, "preview", r, "内容检查：发现 1 处敏感词", "「蓝莓派」（promo）")
	wantNotIn(t, "preview", r, "「最佳」")
	if r := ch.say(ctx, "oApprover", "批准 "+id); !strings.Contains(r, "不能批准") {
		t.Fatalf("approve a plan flagged by words_dir: %q", r)
	}

	// A word added to the file counts from the next preview on.
	write("# the test's own list\n蓝莓派\n限时抢\n")
	deadline := time.Now().Add(8 * time.Second)
	for {
		r = ch.say(ctx, "oEditor", "预览 "+id)
		if strings.Contains(r, "发现 2 处") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the changed words_dir was not picked up; last preview %q", r)
		}
		time.Sleep(400 * time.Millisecond)
	}
	wantIn(t, "preview after the change", r, "「蓝莓派」（promo）", "「限时抢」（promo）")
}

// TestSendSafetyUnsubscribeGuardrailEndToEnd sends a broadcast to 200
// followers in two batches of 100 with a pause between them. When more
// than 3% (the example config's alert_unsubscribe_rate) of the first
// batch's recipients unsubscribe, the callbacks reach the guardrail: the
// second batch is held, status counts the unsubscribes and names the
// pause, the owner is alerted, and resuming sends the rest.
func TestSendSafetyUnsubscribeGuardrailEndToEnd(t *testing.T) {
	const n, gap = 200, 4 * time.Second
	fans := make([]string, n)
	for i := range fans {
		fans[i] = fmt.Sprintf("oUnsub%03d", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startSafetyServer(t, ctx, fans, "WXCAST_BROADCAST_QUIET_HOURS=", "WXCAST_BROADCAST_BATCH_SIZE=100",
		"WXCAST_BROADCAST_BATCH_INTERVAL="+gap.String())
	ch := s.ch
	// The owner writes first, so the alert can come as a customer-service
	// message (WeChat's 48 h window).
	if r := ch.say(ctx, "oOwner", "帮助"); !strings.Contains(r, "恢复") {
		t.Fatalf("owner's help: %q", r)
	}

	id := s.create(ctx, "本周会员日活动预告")
	r := ch.say(ctx, "oEditor", "预览 "+id)
	wantIn(t, "preview", r, "受众 200 人", "内容检查：未发现敏感词")
	if r := ch.say(ctx, "oApprover", "批准 "+id); !strings.Contains(r, "1/1") {
		t.Fatalf("approve: %q", r)
	}
	if r := ch.say(ctx, "oEditor", "发送 "+id); !strings.Contains(r, "开始发送") {
		t.Fatalf("send: %q", r)
	}
	// The first batch counts once the server recorded it as sent (its
	// recipients' receipts are written then), not when WeChat accepted it.
	waitFor(t, 10*time.Second, "the first batch", func() bool {
		return strings.Contains(ch.say(ctx, "oEditor", "状态 "+id), "进度：1/2 批")
	})
	first := s.sim.Jobs(s.appID)[0]
	if len(first.ToUser) != 100 {
		t.Fatalf("first batch of %d, want 100", len(first.ToUser))
	}

	// Four of its hundred recipients leave (4% > 3%) before the second
	// batch is due; WeChat delivers one of the events twice.
	quitters := first.ToUser[:4]
	for i, o := range quitters {
		s.sim.Unfollow(s.appID, o)
		ev := wxsim.Unsubscribe(o)
		ev.CreateTime = time.Now().Unix() // a retry repeats it
		sends := 1
		if i == 0 {
			sends = 2
		}
		for range sends {
			if _, err := s.c.Send(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor(t, 3*time.Second, "the guardrail's pause", func() bool {
		return strings.Contains(ch.say(ctx, "oEditor", "状态 "+id), "已暂停")
	})
	r = ch.say(ctx, "oEditor", "状态 "+id)
	wantIn(t, "status after the unsubscribes", r, "取关率超过警戒线", "恢复 "+id,
		"24 小时内取关：4 人（收件人的 4.0%）")
	waitFor(t, 5*time.Second, "the owner's alert", func() bool {
		return slices.ContainsFunc(s.sim.CustomMessages(s.appID), func(m wxsim.CustomMessage) bool {
			return m.To == "oOwner" && strings.Contains(m.Content, "#"+id+" 的收件人中 4 人") &&
				strings.Contains(m.Content, "剩余发送已暂停")
		})
	})
	// The sender stopped sending once it saw the pause: the second batch
	// has not gone, and will not until the resume.
	s.waitLetGo(ctx, id)
	if jobs := s.sim.Jobs(s.appID); len(jobs) != 1 {
		t.Fatalf("%d mass sends while paused, want 1", len(jobs))
	}

	// The owner resumes past the alert: the rest goes, without the
	// quitters, and the rate does not pause it again.
	if r := ch.say(ctx, "oOwner", "恢复 "+id); !strings.Contains(r, "已恢复 #"+id) {
		t.Fatalf("resume: %q", r)
	}
	waitFor(t, 10*time.Second, "the second batch", func() bool { return len(s.sim.Jobs(s.appID)) == 2 })
	got := s.sim.Deliveries(s.appID)
	if len(got) != n {
		t.Fatalf("%d followers received the broadcast, want %d", len(got), n)
	}
	for _, o := range s.sim.Jobs(s.appID)[1].ToUser {
		if slices.Contains(quitters, o) {
			t.Fatalf("the second batch went to %s, who had unsubscribed", o)
		}
	}
}
