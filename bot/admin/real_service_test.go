package admin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// This file runs every command × role × broadcast state through the real
// stack: the Bot on the real broadcast services (world_test.go), on Redis
// (or the embedded store), sending through the real WeChat client to the
// simulator. The
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
	// Anyone who did not create it gets the plan's message to look at;
	// the plan stays (预览 <id> 重新 freezes a new one).
	"preview": withStates(allState, map[string]row{
		"draft":     {ok, noPlan, noPlan, noPlan, ok},
		"planned":   {ok, view, view, view, ok},
		"approved":  {ok, view, view, view, ok},
		"scheduled": {state, view, view, view, state},
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
	for _, s := range stages {
		for i, a := range actors {
			for _, c := range commands {
				want := global[c.name][i]
				if _, isGlobal := global[c.name]; !isGlobal {
					want = byID[c.name][s.name][i]
				}
				t.Run(s.name+"/"+actorNames[i]+"/"+c.name, func(t *testing.T) {
					t.Parallel()
					runCase(t, newWorld(t, time.Time{}, nil), s, a, c, want)
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
	reply := w.bot.Handle(w.Ctx, a, text)

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

// checkAfter checks the audit entry and what the command left behind.
func (w *world) checkAfter(before *broadcast.Broadcast, cmd, want string) {
	w.T.Helper()
	entries, err := w.Audit.Newest(w.Ctx, 1)
	audited := want
	if want == view {
		audited = ok
	}
	if err != nil || len(entries) != 1 || entries[0].Outcome != audited {
		w.T.Errorf("audit: want outcome %s, got %+v (%v)", want, entries, err)
	}
	b := w.Get(before.ID)
	st := before.State
	if s, changes := after[cmd]; changes && want == ok {
		st = s
	}
	if cmd == "preview" && before.State == broadcast.StateApproved {
		st = before.State // a new preview of the same plan keeps its approvals
	}
	if b.State != st {
		w.T.Errorf("state: want %s, got %s", st, b.State)
	}
	paused, err := w.Lifecycle.Paused(w.Ctx)
	if err != nil || paused != (cmd == "pause" && want == ok) {
		w.T.Errorf("paused: %v (%v)", paused, err)
	}
}
