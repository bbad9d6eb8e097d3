package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

// faultServeEnv turns a re-executed test binary into a wxcast replica. It
// stays outside the WXCAST_ namespace: the config loader refuses a
// WXCAST_ variable that names no key.
const faultServeEnv = "WXCASTTEST_FAULT_SERVE"

// TestMain lets the fault tests run replicas as processes they can
// SIGKILL: the test binary, started again with faultServeEnv set, serves
// instead of testing.
func TestMain(m *testing.M) {
	if os.Getenv(faultServeEnv) == "1" {
		os.Exit(faultServe())
	}
	if os.Getenv(faultSyncEnv) == "1" {
		os.Exit(faultSync())
	}
	if args := os.Getenv(demoProcessEnv); args != "" {
		os.Exit(demoProcess(strings.Fields(args)))
	}
	if args := os.Getenv(mainProcessEnv); args != "" {
		os.Args = append([]string{"wxcast"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// faultServe is a replica's main. It stops when its stdin closes, so a
// replica never outlives a test binary that died without cleaning up.
func faultServe() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // lives as long as the process
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	err := run(ctx, []string{"serve", "--config", "../../configs/wxcast.example.yaml"}, os.Environ(), os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wxcast:", err)
		return 1
	}
	return 0
}

const faultRules = `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "MENU_PROMO"
segments:
  - name: promo_clickers
    rule: '"clicked_promo" in user.tags'
`

const (
	faultAudience = 200 // followers in the segment
	faultOthers   = 20  // followers outside it
	faultBatch    = 20
	faultBatches  = faultAudience / faultBatch
	massSendPath  = "/cgi-bin/message/mass/send"
	// faultAdmins is one editor and one approver, as WXCAST_ADMINS.
	faultAdmins = `[{"openid":"oEditor","name":"小李","roles":["editor"]},` +
		`{"openid":"oApprover","name":"老王","roles":["approver"]}]`
)

// TestFaultKillSender kills the replica that sends a broadcast (SIGKILL,
// no chance to clean up) in the middle of it and checks that the
// broadcast still reaches every follower of its segment exactly once: the
// next holder of the send lease resends the batch in flight with the same
// clientmsgid, which WeChat deduplicates.
func TestFaultKillSender(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: each fault case waits for a send lease to expire (30 s)")
	}
	redistest.Require(t, "TEST_REDIS_URL", "replicas run as subprocesses and must share a real Redis; the embedded store lives in one process")
	cases := []struct {
		name string
		// replicas run from the start; with restart, a fresh one starts
		// after the kill.
		replicas int
		restart  bool
		// hold kills the sender while WeChat holds a mass-send call it
		// accepted; otherwise right after the third batch was accepted.
		hold bool
		// lost kills nothing: the sender's held call times out, and it
		// must ask WeChat again a minute later, once.
		lost bool
	}{
		{name: "lost answer, no kill", replicas: 1, hold: true, lost: true},
		{name: "one replica restarted, held call", replicas: 1, restart: true, hold: true},
		{name: "two replicas, held call", replicas: 2, hold: true},
		{name: "two replicas, after a batch", replicas: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newFaultRig(t)
			var live []*faultReplica
			for i := range tc.replicas {
				live = append(live, r.startReplica(string(rune('A'+i))))
			}
			audience := r.follow(live[0])
			id := r.startBroadcast(live[0])

			var held *wxsim.Job
			if tc.hold {
				r.waitJobs(2)
				held = r.holdNextBatch(id)
			} else {
				r.waitJobs(3)
			}
			if tc.lost {
				r.waitSent(live[0], id)
				r.checkExactlyOnce(audience, held)
				r.checkAskedOnce(held)
				return
			}
			victim := r.leaseHolder(id, live)
			killedAt := time.Now()
			victim.kill()
			live = slices.DeleteFunc(live, func(p *faultReplica) bool { return p == victim })
			if tc.restart {
				live = append(live, r.startReplica(string(rune('A'+tc.replicas))))
			}
			t.Logf("killed replica %s (pid %d) after %d accepted batches", victim.name, victim.pid(), len(r.sim.Jobs(tAppID)))

			r.waitResumed(killedAt)
			r.waitSent(live[0], id)
			r.checkExactlyOnce(audience, held)
		})
	}
}

// faultRig is one fault case: its own simulated WeChat, Redis key prefix
// and rules file, shared by its replicas.
type faultRig struct {
	t      *testing.T
	sim    *wxsim.Server
	st     *store.Store
	prefix string
	env    []string // every replica's settings
	msgID  int64
	// audience and others are how many followers follow makes, in the
	// segment and outside it; batches how many batches the broadcast
	// sends (faultAudience, faultOthers, faultBatches unless changed).
	audience, others, batches int
}

// newFaultRig makes a rig whose replicas get extra settings (NAME=value)
// on top of the common ones.
func newFaultRig(t *testing.T, extra ...string) *faultRig {
	url, prefix := redistest.URL(), redistest.Prefix(t)
	st := redistest.OpenAt(t, url, prefix)

	sim := wxsim.NewServer(wxsim.WithMassRetryGap(2 * time.Second))
	sim.AddApp(tAppID, tSecret)
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	t.Cleanup(sim.Close)

	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(faultRules), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		faultServeEnv + "=1",
		"WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey, "WXCAST_WECHAT_APP_SECRET=" + tSecret,
		"WXCAST_WECHAT_API_BASE_URL=" + hs.URL,
		"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + rulesFile, "WXCAST_ADMINS=" + faultAdmins,
		"WXCAST_BROADCAST_BATCH_SIZE=" + strconv.Itoa(faultBatch),
		"WXCAST_BROADCAST_BATCH_INTERVAL=300ms",
		"WXCAST_BROADCAST_QUIET_HOURS=", // the test runs at any hour
		"WXCAST_LOG_LEVEL=warn",
	}
	return &faultRig{t: t, sim: sim, st: st, prefix: prefix, env: append(env, extra...),
		audience: faultAudience, others: faultOthers, batches: faultBatches}
}

// faultReplica is one wxcast server running as a subprocess.
type faultReplica struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.Closer // held open: the replica stops when it closes
	out    *lockedBuffer
	exited chan struct{}
	client *wxsim.Client
}

func (p *faultReplica) pid() int { return p.cmd.Process.Pid }

// kill sends SIGKILL and waits for the process to be gone.
func (p *faultReplica) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// startReplica starts a replica and waits until it serves. Its output
// goes to the test log if the test fails.
func (r *faultRig) startReplica(name string) *faultReplica {
	t := r.t
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(faultInheritedEnv(), r.env...), "WXCAST_LISTEN="+addr)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &faultReplica{name: name, cmd: cmd, stdin: stdin, out: out, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }() // ends with the process
	t.Cleanup(func() {
		p.kill()
		_ = p.stdin.Close()
		if t.Failed() {
			t.Logf("replica %s (pid %d) output:\n%s", name, p.pid(), out.String())
		}
	})
	p.client, err = wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe, Platform: r.sim})
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Timeout: 2 * time.Second}
	waitFor(t, 60*time.Second, "replica "+name+" to serve", func() bool {
		select {
		case <-p.exited:
			t.Fatalf("replica %s exited at start:\n%s", name, out.String())
		default:
		}
		res, err := hc.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		_ = res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	return p
}

// faultInheritedEnv is this process's environment without the settings a
// developer may have exported for their own wxcast.
func faultInheritedEnv() []string {
	return slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "WXCAST_") || strings.HasPrefix(kv, faultServeEnv+"=")
	})
}

// freeAddr is a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

// follow makes r.audience followers click the promo menu (the segment)
// and r.others only follow; it returns the segment.
func (r *faultRig) follow(p *faultReplica) []string {
	const workers = 8
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < r.audience+r.others; i += workers {
				if err := r.follower(p, i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		r.t.Fatalf("%d callbacks failed, first: %v", len(errs), errs[0])
	}
	audience := make([]string, r.audience)
	for i := range audience {
		audience[i] = faultOpenID(i)
	}
	return audience
}

func faultOpenID(i int) string { return fmt.Sprintf("oFault%04d", i) }

// follower i subscribes and, if in the audience, clicks the promo menu.
func (r *faultRig) follower(p *faultReplica, i int) error {
	msgs := []wxsim.Message{wxsim.Subscribe(faultOpenID(i), "")}
	if i < r.audience {
		msgs = append(msgs, wxsim.Click(faultOpenID(i), "MENU_PROMO"))
	}
	for _, m := range msgs {
		res, err := p.client.Send(context.Background(), m)
		if err != nil {
			return err
		}
		if res.Status != http.StatusOK {
			return fmt.Errorf("%s %s: HTTP %d", m.FromUserName, m.Event, res.Status)
		}
	}
	return nil
}

// say sends text as openid to replica p and returns the passive reply.
func (r *faultRig) say(p *faultReplica, openid, text string) string {
	r.t.Helper()
	r.msgID++
	res, err := p.client.Send(context.Background(), wxsim.Text(openid, text, r.msgID))
	if err != nil || res.Status != http.StatusOK {
		r.t.Fatalf("%s says %q to replica %s: %v %+v", openid, text, p.name, err, res)
	}
	var reply struct{ Content string }
	_ = xml.Unmarshal(res.Plain, &reply)
	return reply.Content
}

// startBroadcast has the editor create and preview a text broadcast to
// the segment, the approver approve it and the editor send it. It
// returns the broadcast's id. Each before func runs just before the
// send, given the preview's reply: to check the plan, or to arm a fault
// the send's first calls meet.
func (r *faultRig) startBroadcast(p *faultReplica, before ...func(preview string)) string {
	t := r.t
	t.Helper()
	reply := r.say(p, "oEditor", "新建 promo_clickers 文本 双十一限时优惠\n今晚八点开始")
	m := regexp.MustCompile(`#(\d+)`).FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("new: reply %q has no id", reply)
	}
	id := m[1]
	steps := []struct{ who, cmd, want string }{
		{"oEditor", "预览 " + id, "受众 " + thousands(r.audience) + " 人"},
		{"oApprover", "批准 " + id, "1/1"},
		{"oEditor", "发送 " + id, "开始发送"},
	}
	var preview string
	for i, s := range steps {
		if i == len(steps)-1 {
			for _, f := range before {
				f(preview)
			}
		}
		reply := r.say(p, s.who, s.cmd)
		if !strings.Contains(reply, s.want) {
			t.Fatalf("%s: reply %q, want it to contain %q", s.cmd, reply, s.want)
		}
		if i == 0 {
			preview = reply
		}
	}
	return id
}

// thousands writes n as the replies do, with commas: 3,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// waitJobs waits until WeChat accepted n batches.
func (r *faultRig) waitJobs(n int) {
	r.t.Helper()
	waitFor(r.t, 60*time.Second, fmt.Sprintf("%d accepted batches", n), func() bool {
		return len(r.sim.Jobs(tAppID)) >= n
	})
}

// holdNextBatch makes WeChat accept the next batch but never answer, and
// returns that batch's job once the sender is stuck waiting for it: no
// job came for much longer than the batch interval (300 ms), and the
// sender has not recorded the last one as sent. The API client gives up
// on a held call after 15 s; this takes about 2.
func (r *faultRig) holdNextBatch(id string) *wxsim.Job {
	r.t.Helper()
	return r.waitHeld(id, r.dropNext(massSendPath))
}

// dropNext makes WeChat accept the next successful call to path (a
// mass-send path) but never answer it. It returns how many jobs WeChat
// had accepted before, for waitHeld.
func (r *faultRig) dropNext(path string) int {
	r.sim.DropAfterAccept(path, 1)
	return len(r.sim.Jobs(tAppID))
}

// waitHeld waits until the sender is stuck on the call dropNext armed
// when WeChat had accepted armed jobs (see holdNextBatch), and returns
// its job.
func (r *faultRig) waitHeld(id string, armed int) *wxsim.Job {
	t := r.t
	t.Helper()
	var (
		last  = armed
		since = time.Now()
	)
	waitFor(t, 60*time.Second, "a held mass-send call", func() bool {
		jobs := r.sim.Jobs(tAppID)
		if len(jobs) != last {
			last, since = len(jobs), time.Now()
		}
		return last > armed && time.Since(since) > 2*time.Second &&
			r.batchState(id, jobs[last-1].ClientMsgID) == broadcast.BatchSending
	})
	jobs := r.sim.Jobs(tAppID)
	held := jobs[len(jobs)-1]
	t.Logf("holding batch %s (%d accepted)", held.ClientMsgID, len(jobs))
	return &held
}

// batchState is the state broadcast id's record gives the batch sent
// with clientMsgID, which ends with the batch's index.
func (r *faultRig) batchState(id, clientMsgID string) string {
	t := r.t
	t.Helper()
	b := r.record(id)
	i, err := strconv.Atoi(clientMsgID[strings.LastIndex(clientMsgID, "-")+1:])
	if err != nil || i >= len(b.Batches) {
		t.Fatalf("clientmsgid %q names no batch of #%s (%d batches)", clientMsgID, id, len(b.Batches))
	}
	return b.Batches[i].State
}

// record reads broadcast id's record from Redis.
func (r *faultRig) record(id string) broadcast.Broadcast {
	t := r.t
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	rec, _, ok, err := r.st.Broadcasts().Load(context.Background(), n)
	if err != nil || !ok {
		t.Fatalf("load broadcast #%s: %v (found: %v)", id, err, ok)
	}
	var b broadcast.Broadcast
	if err := json.Unmarshal(rec, &b); err != nil {
		t.Fatalf("decode broadcast #%s: %v", id, err)
	}
	return b
}

// leaseKey is store's key of broadcast id's send lease.
func (r *faultRig) leaseKey(id string) string { return sendLeaseKey(r.prefix, id) }

// sendLeaseKey is store's key of broadcast id's send lease under prefix
// (store/broadcast_keys.go).
func sendLeaseKey(prefix, id string) string { return prefix + "bc:{bc}:lease:" + id }

// leaseHolder returns the replica holding broadcast id's send lease. Its
// value is the holder's name, host-pid-random (cmd/wxcast/broadcasts.go).
func (r *faultRig) leaseHolder(id string, live []*faultReplica) *faultReplica {
	t := r.t
	t.Helper()
	owner, err := r.st.Redis().Get(context.Background(), r.leaseKey(id)).Result()
	if err != nil {
		t.Fatalf("read the send lease of #%s: %v", id, err)
	}
	parts := strings.Split(owner, "-")
	if len(parts) >= 3 {
		for _, p := range live {
			if parts[len(parts)-2] == strconv.Itoa(p.pid()) {
				return p
			}
		}
	}
	t.Fatalf("the send lease of #%s is held by %q, none of the replicas", id, owner)
	return nil
}

// waitResumed waits until a replica calls mass/send after the kill: the
// lease the dead one held expires after 30 s, and a live one polls every
// second.
func (r *faultRig) waitResumed(killedAt time.Time) {
	r.t.Helper()
	r.waitResumedOn(massSendPath, killedAt)
}

// waitResumedOn waits until a replica calls path after the kill.
func (r *faultRig) waitResumedOn(path string, killedAt time.Time) {
	r.t.Helper()
	waitFor(r.t, 90*time.Second, "a live replica to resume sending", func() bool {
		return slices.ContainsFunc(r.sim.Calls(tAppID), func(c wxsim.Call) bool {
			return c.Path == path && c.Time.After(killedAt)
		})
	})
	r.t.Logf("resumed %s after the kill", time.Since(killedAt).Round(time.Second))
}

// checkAskedOnce checks that the held batch, whose answer was lost, was
// sent once more with its clientmsgid, no sooner than a minute after the
// first call, answered 45065 and confirmed with mass/get: no 45066 from
// retrying too fast.
func (r *faultRig) checkAskedOnce(held *wxsim.Job) {
	t := r.t
	t.Helper()
	var sends []wxsim.Call
	gets := 0
	for _, c := range r.sim.Calls(tAppID) {
		switch {
		case c.Path == massSendPath && strings.Contains(string(c.Body), `"clientmsgid":"`+held.ClientMsgID+`"`):
			sends = append(sends, c)
		case c.Path == "/cgi-bin/message/mass/get":
			gets++
		}
	}
	if len(sends) != 2 || sends[1].ErrCode != wxsim.CodeClientMsgIDExist || gets != 1 {
		for _, c := range sends {
			t.Logf("%s errcode %d", c.Time.Format(time.TimeOnly), c.ErrCode)
		}
		t.Fatalf("the lost batch was sent %d times (want 2: the call and one question answered 45065), mass/get %d times (want 1)", len(sends), gets)
	}
	if gap := sends[1].Time.Sub(sends[0].Time); gap < time.Minute {
		t.Fatalf("asked again %v after the first call, want a minute or more", gap)
	}
}

// waitSent waits until the status of broadcast id, asked of replica p,
// says it was sent in full.
func (r *faultRig) waitSent(p *faultReplica, id string) {
	r.t.Helper()
	var status string
	deadline := time.Now().Add(3 * time.Minute)
	for {
		status = r.say(p, "oEditor", "状态 "+id)
		if strings.HasPrefix(status, "#"+id+" 已发送") {
			break
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("broadcast #%s not sent after 3 min; status:\n%s", id, status)
		}
		time.Sleep(time.Second)
	}
	if want := fmt.Sprintf("%d/%d", r.batches, r.batches); !strings.Contains(status, want) {
		r.t.Errorf("status of a sent broadcast lacks %s batches:\n%s", want, status)
	}
}

// checkExactlyOnce checks that WeChat delivered the broadcast to every
// follower of audience once and to no one else, each batch in one job;
// and that the batch held when the sender died was resent and answered
// "already sent" (45065) or "too fast" (45066), not delivered again.
func (r *faultRig) checkExactlyOnce(audience []string, held *wxsim.Job) {
	t := r.t
	t.Helper()
	got := r.sim.Deliveries(tAppID)
	if wrong := wrongCounts(got, audience); len(wrong) > 0 {
		t.Errorf("%d of %d followers of the segment did not receive the broadcast once (openid=count): %v",
			len(wrong), len(audience), wrong)
	}
	var outside []string
	for o, n := range got {
		if !slices.Contains(audience, o) {
			outside = append(outside, fmt.Sprintf("%s=%d", o, n))
		}
	}
	if len(outside) > 0 {
		t.Errorf("followers outside the segment received the broadcast: %v", outside)
	}
	jobs := r.sim.Jobs(tAppID)
	ids := map[string]bool{}
	for _, j := range jobs {
		ids[j.ClientMsgID] = true
	}
	if len(jobs) != faultBatches || len(ids) != faultBatches {
		t.Errorf("%d jobs with %d distinct clientmsgids, want %d of each", len(jobs), len(ids), faultBatches)
	}
	if held == nil {
		return
	}
	if wrong := wrongCounts(got, held.ToUser); len(wrong) > 0 {
		t.Errorf("the held batch %s reached %d of its %d followers other than once: %v",
			held.ClientMsgID, len(wrong), len(held.ToUser), wrong)
	}
	answers := r.answers(massSendPath, held.ClientMsgID)
	if !slices.Contains(answers, 45065) && !slices.Contains(answers, 45066) {
		t.Errorf("the held batch %s was answered %v, want a resend answered 45065 or 45066", held.ClientMsgID, answers)
	}
	t.Logf("the held batch %s was answered %v", held.ClientMsgID, answers)
}

// wrongCounts lists, as openid=count, who in openids did not get exactly
// one delivery.
func wrongCounts(got map[string]int, openids []string) []string {
	var wrong []string
	for _, o := range openids {
		if got[o] != 1 {
			wrong = append(wrong, fmt.Sprintf("%s=%d", o, got[o]))
		}
	}
	slices.Sort(wrong)
	return wrong
}

// answers lists the errcodes of the calls to path (mass/send or
// mass/sendall) for clientMsgID, in order.
func (r *faultRig) answers(path, clientMsgID string) []int {
	var codes []int
	for _, c := range r.sim.Calls(tAppID) {
		var body struct {
			ClientMsgID string `json:"clientmsgid"`
		}
		if c.Path == path && json.Unmarshal(c.Body, &body) == nil && body.ClientMsgID == clientMsgID {
			codes = append(codes, c.ErrCode)
		}
	}
	return codes
}

// lockedBuffer collects a replica's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
