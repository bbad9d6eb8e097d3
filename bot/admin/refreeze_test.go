package admin_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

// growing is a follower store whose followers a test can add to.
type growing struct{ n atomic.Int32 }

func (g *growing) Scan(_ context.Context, _ store.ScanOptions, fn func([]*store.Profile) error) error {
	batch := make([]*store.Profile, g.n.Load())
	for i := range batch {
		batch[i] = &store.Profile{OpenID: bctest.FollowerID(i), Known: true, Subscribed: true}
	}
	return fn(batch)
}

// TestPlanNeverChangesUnderTheApprovers: an approver who is also an owner
// looks at a plan the audience of which has grown since; the plan, its
// hash and its approvals stay, and only "预览 <id> 重新" freezes a new
// plan, saying that the old one's approvals are void.
func TestPlanNeverChangesUnderTheApprovers(t *testing.T) {
	t.Parallel()
	people := &growing{}
	people.n.Store(4)
	w := newWorld(t, time.Time{}, func(o *broadcast.Options) {
		o.Profiles = people
		o.ApprovalsRequired = 2
	})
	boss := broadcast.Admin{OpenID: "oBoss", Name: "老王",
		Roles: []broadcast.Role{broadcast.RoleApprover, broadcast.RoleOwner}}
	b, err := w.Lifecycle.Create(w.Ctx, creator, "everyone", broadcast.Content{Type: "text", Text: "你好"})
	if err != nil {
		t.Fatal(err)
	}
	if reply := w.bot.Handle(w.Ctx, creator, "预览 1"); !strings.Contains(reply, "受众 4 人") {
		t.Fatalf("creator's preview: %q", reply)
	}
	w.bot.Handle(w.Ctx, approver, "批准 1")
	before := w.Get(b.ID)
	if w.Lifecycle.ValidApprovals(before) != 1 {
		t.Fatalf("approvals before: %+v", before.Approvals)
	}
	people.n.Store(6) // two more followers since the preview
	previews := len(sim.Previews(w.AppID))

	reply := w.bot.Handle(w.Ctx, boss, "预览 1")
	after := w.Get(b.ID)
	if after.Plan.Hash != before.Plan.Hash || after.Rev != before.Rev || w.Lifecycle.ValidApprovals(after) != 1 {
		t.Fatalf("a look changed the plan: %+v, approvals %+v", after.Plan, after.Approvals)
	}
	p := sim.Previews(w.AppID)
	if len(p) != previews+1 || p[len(p)-1].To != boss.OpenID || p[len(p)-1].Content != "你好" {
		t.Fatalf("previews %+v", p)
	}
	for _, want := range []string{"仅查看，计划不变", "计划 " + before.Plan.Hash, "受众 4 人", "预览 1 重新"} {
		if !strings.Contains(reply, want) {
			t.Errorf("look: want %q in %q", want, reply)
		}
	}

	reply = w.bot.Handle(w.Ctx, boss, "预览 1 重新")
	after = w.Get(b.ID)
	if after.Plan.Hash == before.Plan.Hash || after.Plan.Audience != 6 || w.Lifecycle.ValidApprovals(after) != 0 {
		t.Fatalf("refreeze kept the plan: %+v, approvals %+v", after.Plan, after.Approvals)
	}
	for _, want := range []string{"计划 " + after.Plan.Hash, "受众 6 人",
		"旧计划 " + before.Plan.Hash + " 已作废，其 1 个批准随之失效"} {
		if !strings.Contains(reply, want) {
			t.Errorf("refreeze: want %q in %q", want, reply)
		}
	}
	// Again with nothing changed: the same plan, and the reply says so.
	reply = w.bot.Handle(w.Ctx, approver, "预览 1 重新")
	if again := w.Get(b.ID); again.Plan.Hash != after.Plan.Hash || !strings.Contains(reply, "计划未变") {
		t.Fatalf("unchanged refreeze: %+v %q", again.Plan, reply)
	}
}
