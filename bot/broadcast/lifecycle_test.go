package broadcast_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/store"
)

func TestPlanVoidedWhenRulesChange(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b := w.Approved("everyone")
	w.SetRules(bctest.Rules + "  - name: extra\n    rule: user.subscribed\n")
	rs := w.Rules()
	_, err := w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	if r := w.Refusal(err, broadcast.CodePlanVoided); r.Detail != rs.Version {
		t.Fatalf("voided: %+v", r)
	}
	b, _ = w.Lifecycle.Get(w.Ctx, b.ID)
	if b.State != broadcast.StateDraft || b.Plan != nil || len(b.Approvals) != 0 {
		t.Fatalf("after voiding: %+v", b)
	}
	if len(sim.Jobs(w.AppID)) != 0 {
		t.Fatal("a voided plan was sent")
	}
}

func TestApprovalsExpireAndCount(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: func(o *broadcast.Options) {
		o.ApprovalsRequired, o.ApprovalTTL = 2, time.Hour
	}})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		t.Fatal(err)
	}
	b, _ = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	if b.State != broadcast.StatePlanned || w.Lifecycle.ValidApprovals(b) != 1 {
		t.Fatalf("one of two approvals: %s %d", b.State, w.Lifecycle.ValidApprovals(b))
	}
	w.Clock.Add(2 * time.Hour) // the first approval lapses
	b, _ = w.Lifecycle.Approve(w.Ctx, bctest.Owner, b.ID, "", "")
	if b.State != broadcast.StatePlanned || w.Lifecycle.ValidApprovals(b) != 1 {
		t.Fatalf("a lapsed approval counted: %s %d", b.State, w.Lifecycle.ValidApprovals(b))
	}
	w.Clock.Add(30 * time.Minute)
	b, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "") // approving again after it lapsed is allowed
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("renewed approval: %v %s", err, b.State)
	}
	w.Clock.Add(40 * time.Minute)
	_, err = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	r := w.Refusal(err, broadcast.CodeNotApproved) // the owner's approval lapsed at send time
	if r.N != 1 || r.Need != 2 {
		t.Fatalf("%+v", r)
	}
	// A new preview with the same plan keeps the approvals of that plan;
	// a changed audience voids them.
	b, _ = w.Lifecycle.Approve(w.Ctx, bctest.Owner, b.ID, "", "")
	before := b.Plan.Hash
	w.Follow("oLate")
	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil || b.Plan.Hash == before || w.Lifecycle.ValidApprovals(b) != 0 || b.State != broadcast.StatePlanned {
		t.Fatalf("new audience kept approvals: %v %s %d", err, b.State, w.Lifecycle.ValidApprovals(b))
	}
}

func TestSelfApprovalWhenAllowed(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 2, Lifecycle: func(o *broadcast.Options) { o.AllowSelfApproval = true }})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Owner, "everyone", broadcast.Content{Type: "text", Text: "x"})
	_, _ = w.Lifecycle.Preview(w.Ctx, bctest.Owner, b.ID)
	b, err := w.Lifecycle.Approve(w.Ctx, bctest.Owner, b.ID, "", "")
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("self approval allowed: %v %+v", err, b)
	}
}

func TestSmallAudienceAndUnknownSegment(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 1})
	_, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "nope", broadcast.Content{Type: "text", Text: "x"})
	w.Refusal(err, broadcast.CodeUnknownSegment)
	_, err = w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text"})
	w.Refusal(err, broadcast.CodeBadContent)
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	_, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if r := w.Refusal(err, broadcast.CodeSmallAudience); r.N != 1 {
		t.Fatalf("%+v", r)
	}
	_, err = w.Lifecycle.Get(w.Ctx, 999)
	w.Refusal(err, broadcast.CodeNotFound)
}

func TestApproveTheSeenPlanOnly(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	b, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := b.Plan.Hash
	w.Follow("oLate")
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil || b.Plan.Hash == seen {
		t.Fatalf("second preview: %v, hash %s", err, b.Plan.Hash)
	}
	// The approver approves what they saw: the plan changed since.
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, seen, "")
	if r := w.Refusal(err, broadcast.CodePlanChanged); r.Detail != b.Plan.Hash || r.N != 4 {
		t.Fatalf("%+v", r)
	}
	if b, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, b.Plan.Hash, ""); err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("approve the current plan: %v %+v", err, b)
	}
}

func TestApproverLooksAtThePlanWithoutChangingIt(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	_, err := w.Lifecycle.Preview(w.Ctx, bctest.Approver, b.ID)
	w.Refusal(err, broadcast.CodeNoPlan)
	b, _ = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	w.Follow("oLate") // a new freeze would change the plan
	got, err := w.Lifecycle.Preview(w.Ctx, bctest.Approver, b.ID)
	if err != nil || got.Plan.Hash != b.Plan.Hash || got.Rev != b.Rev {
		t.Fatalf("the approver's look changed the plan: %v %+v", err, got.Plan)
	}
	p := sim.Previews(w.AppID)
	if len(p) != 2 || p[1].To != bctest.Approver.OpenID || p[1].Content != "x" {
		t.Fatalf("previews %+v", p)
	}
	// Another editor, or an owner, looks the same way.
	for _, a := range []broadcast.Admin{bctest.Editor2, bctest.Owner} {
		got, err = w.Lifecycle.Preview(w.Ctx, a, b.ID)
		if err != nil || got.Plan.Hash != b.Plan.Hash || got.Rev != b.Rev {
			t.Fatalf("%s's look changed the plan: %v %+v", a.Name, err, got.Plan)
		}
	}
}

func TestRefreezeVoidsTheOldPlansApprovals(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: func(o *broadcast.Options) { o.ApprovalsRequired = 2 }})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	b, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil || b.Plan.Replaced != "" || b.Plan.Voided != 0 {
		t.Fatalf("first plan: %v %+v", err, b.Plan)
	}
	old := b.Plan.Hash
	if _, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, old, ""); err != nil {
		t.Fatal(err)
	}
	// Nothing changed: the same plan, its approval kept.
	b, err = w.Lifecycle.Refreeze(w.Ctx, bctest.Approver, b.ID)
	if err != nil || b.Plan.Hash != old || b.Plan.Voided != 0 || w.Lifecycle.ValidApprovals(b) != 1 {
		t.Fatalf("unchanged refreeze: %v %+v", err, b.Plan)
	}
	w.Follow("oLate")
	b, err = w.Lifecycle.Refreeze(w.Ctx, bctest.Approver, b.ID)
	if err != nil || b.Plan.Hash == old || b.Plan.Replaced != old || b.Plan.Voided != 1 ||
		b.Plan.By != bctest.Approver.OpenID || w.Lifecycle.ValidApprovals(b) != 0 || b.Plan.Audience != 4 {
		t.Fatalf("refreeze after a follow: %v %+v", err, b.Plan)
	}
}

func TestRetractTextIsRefused(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 2})
	b := w.Approved("everyone")
	_, _ = w.Lifecycle.Send(w.Ctx, bctest.Editor, b.ID, time.Time{}, broadcast.SendOptions{})
	w.Run()
	w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	_, err := w.Lifecycle.Retract(w.Ctx, bctest.Owner, b.ID)
	if r := w.Refusal(err, broadcast.CodeCannotRetract); r.Detail != "text" {
		t.Fatalf("%+v", r)
	}
}

// bump rewrites broadcast id's record as a newer wxcast would.
func bump(w *bctest.World, id int64) {
	w.T.Helper()
	st := w.Store.Broadcasts()
	raw, rev, _, err := st.Load(w.Ctx, id)
	if err == nil {
		err = st.Save(w.Ctx, id, rev, []byte(strings.Replace(string(raw), schemaNow, schemaNext, 1)), store.Change{})
	}
	if err != nil {
		w.T.Fatal(err)
	}
}

// A command on a record of a newer schema is refused before it does
// anything at WeChat that the record could not keep.
func TestNewerRecordRefusedBeforeWeChat(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	d, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	bump(w, d.ID)
	var ne *broadcast.NewerRecordError
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, d.ID); !errors.As(err, &ne) || len(sim.Previews(w.AppID)) != 0 {
		t.Fatalf("preview of a newer record: %v, %d previews", err, len(sim.Previews(w.AppID)))
	}

	n, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: "news1"})
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, n.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	w.SendNow(n.ID)
	w.Run()
	w.Wait(n.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	bump(w, n.ID)
	if _, err := w.Lifecycle.Retract(w.Ctx, bctest.Owner, n.ID); !errors.As(err, &ne) {
		t.Fatalf("retract of a newer record: %v", err)
	}
	if c := sim.CountCalls(w.AppID, "/cgi-bin/message/mass/delete"); c != 0 {
		t.Fatalf("%d deletes at WeChat for a record that could not note them", c)
	}
}

// schemaNow and schemaNext are the schema field as this version writes it
// and as the next version would.
var (
	schemaNow  = fmt.Sprintf(`"schema":%d`, broadcast.SchemaVersion)
	schemaNext = fmt.Sprintf(`"schema":%d`, broadcast.SchemaVersion+1)
)
