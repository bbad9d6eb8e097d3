package admin_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/admin"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// This file runs every command × role × broadcast state through the real
// stack: the Bot on the real broadcast.Service, on Redis (or the embedded
// store), sending through the real WeChat client to the simulator. The
// expected outcomes below are written from the roles and lifecycle rules,
// not read from the code:
//
//   - editor: new, preview, cancel their own; send their own once approved.
//   - approver: approve, reject, send.
//   - owner: everything, including pause, resume, retract and audit.
//   - everyone: help, segments, count, show, status, list.
//   - the creator may not approve their own broadcast; approve needs a plan;
//     send needs the approvals and works from approved and scheduled;
//     cancel from draft to sending; reject from draft to scheduled;
//     preview from draft to approved; retract only news, only once some
//     of it went out (sent, partially failed, cancelled after a batch).
//
// Where two refusals apply, the role is checked first, then the state,
// then whose broadcast it is.

// The SDK sends every API call through one process-global HTTP client, so
// the package shares one simulator; each case registers an app of its own.
var sim *wxsim.Server

func TestMain(m *testing.M) {
	sim = wxsim.NewServer()
	hs := httptest.NewServer(sim)
	if err := wxapi.RouteSDK(hs.URL); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	sim.Close()
	hs.Close()
	os.Exit(code)
}

// The actors, in the column order of the tables. The broadcast under test
// is created by creator, except in the author column, where an admin who
// is both editor and approver created it and acts on it.
var (
	creator  = broadcast.Admin{OpenID: "oCreator", Name: "小李", Roles: []broadcast.Role{broadcast.RoleEditor}}
	editor2  = broadcast.Admin{OpenID: "oEditor2", Name: "小张", Roles: []broadcast.Role{broadcast.RoleEditor}}
	approver = broadcast.Admin{OpenID: "oApprover", Name: "老王", Roles: []broadcast.Role{broadcast.RoleApprover}}
	owner    = broadcast.Admin{OpenID: "oOwner", Name: "老板", Roles: []broadcast.Role{broadcast.RoleOwner}}
	author   = broadcast.Admin{OpenID: "oAuthor", Name: "老周",
		Roles: []broadcast.Role{broadcast.RoleEditor, broadcast.RoleApprover}}

	actors     = []broadcast.Admin{creator, editor2, approver, owner, author}
	actorNames = []string{"creator", "editor2", "approver", "owner", "author"}
)

// Outcomes: ok, or the refusal the admin must get.
const (
	ok         = "ok"
	denied     = "denied"      // the role may not run the command
	state      = "wrong_state" // not in this state
	yours      = "not_yours"   // an editor on someone else's broadcast
	self       = "self_approval"
	again      = "already_approved"
	noPlan     = "no_plan"
	unapproved = "not_approved"
	newsOnly   = "cannot_retract"
	view       = "view" // an approver's look at the plan: audited as ok, changes nothing
)

// row is one outcome per actor: creator, editor2, approver, owner, author.
type row [5]string

var (
	allOK     = row{ok, ok, ok, ok, ok}
	allState  = row{state, state, state, state, state}
	ownerOnly = row{denied, denied, denied, ok, denied}
)

// byID is the expected outcome of each command that takes an id, by the
// state the broadcast is in.
var byID = map[string]map[string]row{
	"show":   everyState(allOK),
	"status": everyState(allOK),
	// An approver who did not create it gets the plan's message to look
	// at; the plan stays.
	"preview": withStates(allState, map[string]row{
		"draft":     {ok, yours, noPlan, ok, ok},
		"planned":   {ok, yours, view, ok, ok},
		"approved":  {ok, yours, view, ok, ok},
		"scheduled": {state, state, view, state, state},
	}),
	"approve": withStates(row{denied, denied, state, state, state}, map[string]row{
		"draft":    {denied, denied, noPlan, noPlan, noPlan},
		"planned":  {denied, denied, ok, ok, self},
		"approved": {denied, denied, again, ok, self}, // approver approved it already
	}),
	"reject": withStates(row{denied, denied, state, state, state}, map[string]row{
		"draft":     {denied, denied, ok, ok, ok},
		"planned":   {denied, denied, ok, ok, ok},
		"approved":  {denied, denied, ok, ok, ok},
		"scheduled": {denied, denied, ok, ok, ok},
	}),
	"send": withStates(allState, map[string]row{
		"draft":     {noPlan, noPlan, noPlan, noPlan, noPlan},
		"planned":   {unapproved, unapproved, unapproved, unapproved, unapproved},
		"approved":  {ok, yours, ok, ok, ok},
		"scheduled": {ok, yours, ok, ok, ok},
	}),
	"cancel": withStates(row{state, state, denied, state, state}, map[string]row{
		"draft":     {ok, yours, denied, ok, ok},
		"planned":   {ok, yours, denied, ok, ok},
		"approved":  {ok, yours, denied, ok, ok},
		"scheduled": {ok, yours, denied, ok, ok},
		"sending":   {ok, yours, denied, ok, ok},
	}),
	"retract": withStates(row{denied, denied, denied, state, denied}, map[string]row{
		"sent":              ownerOnly,
		"partially_failed":  ownerOnly,
		"cancelled_sending": ownerOnly,
		"sent_text":         {denied, denied, denied, newsOnly, denied},
	}),
}

// global is the expected outcome of the commands that take no id; the
// broadcast's state does not change them.
var global = map[string]row{
	"help":     allOK,
	"segments": allOK,
	"count":    allOK,
	"list":     allOK,
	"new":      {ok, ok, denied, ok, ok},
	"pause":    ownerOnly,
	"resume":   ownerOnly,
	"audit":    ownerOnly,
}

// everyState is r in every state.
func everyState(r row) map[string]row { return withStates(r, nil) }

// withStates is r in every state but those listed.
func withStates(r row, except map[string]row) map[string]row {
	m := make(map[string]row, len(stages))
	for _, s := range stages {
		m[s.name] = r
		if x, found := except[s.name]; found {
			m[s.name] = x
		}
	}
	return m
}

// stage brings a fresh broadcast to one state through the service.
type stage struct {
	name  string
	state broadcast.State
	text  bool // text content; the others are news
	steps []step
}

// step moves broadcast id, created by by, one step on.
type step func(w *world, id int64, by broadcast.Admin)

var stages = []stage{
	{name: "draft", state: broadcast.StateDraft},
	{name: "planned", state: broadcast.StatePlanned, steps: []step{preview}},
	{name: "approved", state: broadcast.StateApproved, steps: []step{preview, approve}},
	{name: "scheduled", state: broadcast.StateScheduled, steps: []step{preview, approve, schedule}},
	{name: "sending", state: broadcast.StateSending, steps: []step{preview, approve, sendOne}},
	{name: "sent", state: broadcast.StateSent, steps: []step{preview, approve, sendOne, sendRest}},
	{name: "sent_text", state: broadcast.StateSent, text: true, steps: []step{preview, approve, sendOne, sendRest}},
	{name: "partially_failed", state: broadcast.StatePartiallyFailed, steps: []step{preview, approve, sendOne, failRest}},
	{name: "rejected", state: broadcast.StateRejected, steps: []step{preview, reject}},
	{name: "cancelled", state: broadcast.StateCancelled, steps: []step{cancel}},
	{name: "cancelled_sending", state: broadcast.StateCancelled, steps: []step{preview, approve, sendOne, cancel}},
	{name: "retracted", state: broadcast.StateRetracted, steps: []step{preview, approve, sendOne, sendRest, retract}},
}

func preview(w *world, id int64, by broadcast.Admin) { w.must(w.svc.Preview(w.ctx, by, id)) }
func approve(w *world, id int64, _ broadcast.Admin) {
	w.must(w.svc.Approve(w.ctx, approver, id, "", ""))
}
func reject(w *world, id int64, _ broadcast.Admin)  { w.must(w.svc.Reject(w.ctx, approver, id, "")) }
func cancel(w *world, id int64, by broadcast.Admin) { w.must(w.svc.Cancel(w.ctx, by, id)) }
func retract(w *world, id int64, _ broadcast.Admin) { w.must(w.svc.Retract(w.ctx, owner, id)) }

func schedule(w *world, id int64, by broadcast.Admin) {
	w.must(w.svc.Send(w.ctx, by, id, w.clock.Now().Add(time.Hour), broadcast.SendOptions{}))
}

// sendOne sends the first of the two batches; the batch interval of an
// hour holds the broadcast in sending.
func sendOne(w *world, id int64, by broadcast.Admin) {
	w.must(w.svc.Send(w.ctx, by, id, time.Time{}, broadcast.SendOptions{}))
	w.startSender()
	w.wait(id, func(b *broadcast.Broadcast) bool { return b.Progress().Done == 1 })
}

// sendRest lets the hour pass and sends the second batch.
func sendRest(w *world, id int64, _ broadcast.Admin) {
	w.stopSender()
	w.clock.Add(2 * time.Hour)
	w.startSender()
	w.wait(id, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
}

// failRest makes WeChat refuse the second batch for good: the media is no
// longer news (40007, invalid media_id), which stops the broadcast.
func failRest(w *world, id int64, _ broadcast.Admin) {
	w.stopSender()
	sim.AddMedia(w.appID, "news1", "image")
	w.clock.Add(2 * time.Hour)
	w.startSender()
	w.wait(id, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StatePartiallyFailed })
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// world is one case's stack: its own app in the simulator, its own key
// prefix in Redis, the service and the bot.
type world struct {
	t     *testing.T
	ctx   context.Context
	appID string
	clock *clock
	svc   *broadcast.Service
	bot   *admin.Bot
	stop  func() // stops the sender; nil while it is not running
}

const testRules = `
segments:
  - name: everyone
    rule: user.subscribed
`

// redisRoot opens one Redis connection for the whole matrix, with a prefix
// each case nests its own under. Deleting a prefix scans the whole
// keyspace, which on a shared server takes seconds: once, not per case.
func redisRoot(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	st := redistest.Open(t)
	return st.Redis(), st.KeyPrefix()
}

func newWorld(t *testing.T, rdb redis.UniversalClient, prefix string) *world {
	t.Helper()
	return newWorldWith(t, rdb, prefix, nil)
}

// newWorldWith is newWorld with the service's options changed by tweak.
func newWorldWith(t *testing.T, rdb redis.UniversalClient, prefix string, tweak func(*broadcast.Options)) *world {
	t.Helper()
	var r [6]byte
	_, _ = rand.Read(r[:])
	tag := hex.EncodeToString(r[:])
	w := &world{t: t, ctx: context.Background(), appID: "wx" + tag, clock: &clock{t: time.Now()}}
	secret := "s" + tag
	sim.AddApp(w.appID, secret)
	sim.AddMedia(w.appID, "news1", "news")
	st := store.New(rdb, prefix+tag+":")
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	tokens := wxapi.NewTokens(st.Tokens(w.appID), wxapi.StableFetcher(w.appID, secret), nil, log)
	api := wxapi.New(wxapi.Config{AppID: w.appID, AppSecret: secret, Token: "tok"}, tokens, st.SDKCache())
	rs, err := rules.Parse("rules.yaml", []byte(testRules), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := broadcast.Options{
		Store: st.Broadcasts(), Profiles: fourFollowers{}, Calendar: store.Calendar{Loc: time.UTC},
		Rules: func() *rules.Ruleset { return rs }, API: api, NotifyAPI: api, Admins: actors,
		ApprovalsRequired: 1, ApprovalTTL: 24 * time.Hour, BatchSize: 3, BatchInterval: time.Hour,
		AlertFailureRate: 0.5, Owner: "test-" + tag, Now: w.clock.Now, Log: log,
	}
	if tweak != nil {
		tweak(&o)
	}
	w.svc = broadcast.New(o)
	w.bot = admin.New(admin.Options{Service: w.svc, Notifier: w.svc, Admins: actors, Location: time.UTC,
		Now: w.clock.Now, SlowAfter: time.Minute, BatchSize: 3, Log: log})
	t.Cleanup(func() {
		w.stopSender()
		ctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		if err := w.bot.Close(ctx); err != nil {
			t.Errorf("close bot: %v", err)
		}
	})
	return w
}

// fourFollowers stands in for the follower store, whose Scan reads all
// 16,384 shards however few followers there are: the matrix previews and
// sends hundreds of times. The segment rules still run over them.
type fourFollowers struct{}

func (fourFollowers) Scan(_ context.Context, _ store.ScanOptions, fn func([]*store.Profile) error) error {
	batch := make([]*store.Profile, 4)
	for i := range batch {
		batch[i] = &store.Profile{OpenID: fmt.Sprintf("oF%04d", i), Known: true, Subscribed: true}
	}
	return fn(batch)
}

// startSender runs the service's sender until stopSender.
func (w *world) startSender() {
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() { w.svc.Run(ctx); close(done) }()
	w.stop = func() { cancel(); <-done }
}

func (w *world) stopSender() {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
}

func (w *world) must(_ *broadcast.Broadcast, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("setup: %v", err)
	}
}

// wait polls broadcast id until done holds.
func (w *world) wait(id int64, done func(*broadcast.Broadcast) bool) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := w.svc.Get(w.ctx, id)
		if err == nil && done(b) {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("setup: timed out: %+v (%v)", b, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bring creates a broadcast by by and takes it to s.
func (w *world) bring(s stage, by broadcast.Admin) *broadcast.Broadcast {
	w.t.Helper()
	c := broadcast.Content{Type: "news", MediaID: "news1"}
	if s.text {
		c = broadcast.Content{Type: "text", Text: "双十一会员专享"}
	}
	b, err := w.svc.New(w.ctx, by, "everyone", c)
	if err != nil {
		w.t.Fatalf("setup: %v", err)
	}
	for _, st := range s.steps {
		st(w, b.ID, by)
	}
	b, err = w.svc.Get(w.ctx, b.ID)
	if err != nil || b.State != s.state {
		w.t.Fatalf("setup: want %s, got %+v (%v)", s.state, b, err)
	}
	return b
}

// command is a command as an admin types it (in Chinese, the default
// language), with a distinctive part of its success reply.
type command struct {
	name string
	text func(id int64) string
	ok   func(b *broadcast.Broadcast) string
}

func typed(word string) func(int64) string { return func(int64) string { return word } }

func withID(word string) func(int64) string {
	return func(id int64) string { return fmt.Sprintf("%s %d", word, id) }
}

// says is a success reply naming the broadcast: format with its id.
func says(format string) func(*broadcast.Broadcast) string {
	return func(b *broadcast.Broadcast) string { return fmt.Sprintf(format, b.ID) }
}

func fixed(s string) func(*broadcast.Broadcast) string {
	return func(*broadcast.Broadcast) string { return s }
}

func detail(b *broadcast.Broadcast) string {
	return fmt.Sprintf("#%d %s\n分群 everyone，%s：", b.ID, stateWords[b.State], typeWords[b.Content.Type])
}

var commands = []command{
	{"show", withID("详情"), detail},
	{"status", withID("状态"), detail},
	{"preview", withID("预览"), says("已发送预览到你的微信。#%d 计划")},
	{"approve", withID("批准"), says("已批准 #%d（计划")},
	{"reject", withID("驳回"), says("已驳回 #%d")},
	{"send", withID("发送"), says("#%d 开始发送")},
	{"cancel", withID("取消"), says("已取消 #%d")},
	{"retract", withID("撤回"), says("#%d 已撤回")},
	{"pause", typed("暂停"), fixed("已暂停全部发送")},
	{"resume", typed("恢复"), fixed("已恢复发送")},
	{"audit", typed("审计"), fixed("还没有审计记录")}, // setup went through the service, not the bot
	{"list", typed("列表"), func(b *broadcast.Broadcast) string {
		return fmt.Sprintf("#%d everyone %s %s", b.ID, typeWords[b.Content.Type], stateWords[b.State])
	}},
	{"segments", typed("分群"), fixed("everyone 4 人")},
	{"count", typed("人数 everyone"), fixed("everyone：4 人")},
	{"help", typed("帮助"), fixed("可用命令")},
	{"new", typed("新建 everyone 文本 你好"), func(b *broadcast.Broadcast) string {
		return fmt.Sprintf("已创建 #%d（分群 everyone，文本）", b.ID+1)
	}},
}

var stateWords = map[broadcast.State]string{
	broadcast.StateDraft: "草稿", broadcast.StatePlanned: "已预览", broadcast.StateApproved: "已批准",
	broadcast.StateScheduled: "已排期", broadcast.StateSending: "发送中", broadcast.StateSent: "已发送",
	broadcast.StatePartiallyFailed: "部分失败", broadcast.StateRejected: "已驳回",
	broadcast.StateCancelled: "已取消", broadcast.StateRetracted: "已撤回",
}

var typeWords = map[string]string{"news": "图文", "text": "文本"}

// refusals are a distinctive part of each refusal's reply, given the
// broadcast and the command word.
var refusals = map[string]func(b *broadcast.Broadcast, word string) string{
	denied: func(_ *broadcast.Broadcast, word string) string { return "你没有权限执行「" + word + "」" },
	state: func(b *broadcast.Broadcast, word string) string {
		return fmt.Sprintf("#%d 当前状态为「%s」，不能%s", b.ID, stateWords[b.State], word)
	},
	yours: func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("#%d 不是你创建的", b.ID) },
	self: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("#%d 是你创建的，不能自己批准", b.ID)
	},
	again:  func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("你已批准过 #%d", b.ID) },
	noPlan: func(b *broadcast.Broadcast, _ string) string { return fmt.Sprintf("#%d 还没有预览", b.ID) },
	unapproved: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("#%d 还需要 1 位审批人批准", b.ID)
	},
	newsOnly: func(*broadcast.Broadcast, string) string { return "只能撤回图文" },
	view: func(b *broadcast.Broadcast, _ string) string {
		return fmt.Sprintf("已发送预览到你的微信（仅查看，计划不变）。#%d 计划 %s", b.ID, b.Plan.Hash)
	},
}

// after is the state a command that succeeds leaves; the others leave the
// state as it was, and so does every refusal.
var after = map[string]broadcast.State{
	"preview": broadcast.StatePlanned,
	"approve": broadcast.StateApproved,
	"reject":  broadcast.StateRejected,
	"send":    broadcast.StateSending,
	"cancel":  broadcast.StateCancelled,
	"retract": broadcast.StateRetracted,
}

func TestCommandsOnRealService(t *testing.T) {
	t.Parallel()
	rdb, prefix := redisRoot(t)
	for _, s := range stages {
		for i, a := range actors {
			for _, c := range commands {
				want := global[c.name][i]
				if _, isGlobal := global[c.name]; !isGlobal {
					want = byID[c.name][s.name][i]
				}
				t.Run(s.name+"/"+actorNames[i]+"/"+c.name, func(t *testing.T) {
					t.Parallel()
					runCase(t, newWorld(t, rdb, prefix), s, a, c, want)
				})
			}
		}
	}
}

// findings are the cases where the implementation departs from the rules
// today, with the outcome it gives and why that is wrong. Such a case
// checks that outcome and is skipped, so the departure shows in -v and
// any other change fails; once the code follows the rule, the case fails
// until its entry here goes.
var findings = map[string]struct{ got, why string }{}

func runCase(t *testing.T, w *world, s stage, a broadcast.Admin, c command, want string) {
	by := creator
	if a.OpenID == author.OpenID {
		by = author
	}
	b := w.bring(s, by)
	text := c.text(b.ID)
	reply := w.bot.Handle(w.ctx, a, text)

	f, known := findings[strings.TrimPrefix(t.Name(), "TestCommandsOnRealService/")]
	if known && strings.Contains(reply, marker(t, c, want, b, text)) {
		t.Fatalf("%s「%s」 now follows the rule (%s): drop the finding", a.Name, text, want)
	}
	rule := want
	if known {
		want = f.got
	}
	if m := marker(t, c, want, b, text); !strings.Contains(reply, m) {
		t.Errorf("%s「%s」: want %s (%q), got %q", a.Name, text, want, m, reply)
	}
	w.checkAfter(b, c.name, want)
	if known && !t.Failed() {
		t.Skipf("finding: want %s, got %s: %s", rule, want, f.why)
	}
}

// marker is a distinctive part of the reply for outcome want.
func marker(t *testing.T, c command, want string, b *broadcast.Broadcast, text string) string {
	t.Helper()
	if want == ok {
		return c.ok(b)
	}
	m, found := refusals[want]
	if !found {
		t.Fatalf("no expected outcome for %s", t.Name())
	}
	return m(b, strings.Fields(text)[0])
}

// checkAfter checks the audit entry and what the command left behind.
func (w *world) checkAfter(before *broadcast.Broadcast, cmd, want string) {
	w.t.Helper()
	entries, err := w.svc.Audit(w.ctx, 1)
	audited := want
	if want == view {
		audited = ok
	}
	if err != nil || len(entries) != 1 || entries[0].Outcome != audited {
		w.t.Errorf("audit: want outcome %s, got %+v (%v)", want, entries, err)
	}
	b, err := w.svc.Get(w.ctx, before.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	st := before.State
	if s, changes := after[cmd]; changes && want == ok {
		st = s
	}
	if cmd == "preview" && before.State == broadcast.StateApproved {
		st = before.State // a new preview of the same plan keeps its approvals
	}
	if b.State != st {
		w.t.Errorf("state: want %s, got %s", st, b.State)
	}
	paused, err := w.svc.Paused(w.ctx)
	if err != nil || paused != (cmd == "pause" && want == ok) {
		w.t.Errorf("paused: %v (%v)", paused, err)
	}
}
