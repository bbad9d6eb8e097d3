package broadcast_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/store"
)

const linkBase = "https://wx.example.com"

const (
	textA = "会员日满 200 减 30，详见https://shop.example.cn/p?id=7#buy。规则（http://a.cn/rules）"
	textB = "B 版：全场 85 折 https://shop.example.cn/b."
)

// trackedWorld is a world whose previews rewrite links under linkBase.
func trackedWorld(t *testing.T, followers int) *bctest.World {
	return bctest.New(t, sim, bctest.Config{Followers: followers, LinkBase: linkBase})
}

// previewed creates a broadcast of texts (the first the main content, the
// others variants) to everyone and previews it as its editor.
func previewed(t *testing.T, w *bctest.World, texts ...string) *broadcast.Broadcast {
	t.Helper()
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: texts[0]})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range texts[1:] {
		if _, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: x}); err != nil {
			t.Fatal(err)
		}
	}
	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// previewTexts are the texts of w's previews, oldest first.
func previewTexts(w *bctest.World) []string {
	var out []string
	for _, p := range w.Sim.Previews(w.AppID) {
		out = append(out, p.Content)
	}
	return out
}

func TestPreviewRewritesLinksAndFreezesThem(t *testing.T) {
	t.Parallel()
	w := trackedWorld(t, 4)
	b := previewed(t, w, textA, textB)
	p := b.Plan
	if b.Content.Text != textA || b.Variants[0].Text != textB {
		t.Fatalf("the contents changed: %q / %q", b.Content.Text, b.Variants[0].Text)
	}
	want := []broadcast.FrozenLink{
		{Version: 0, Index: 0, URL: "https://shop.example.cn/p?id=7#buy"},
		{Version: 0, Index: 1, URL: "http://a.cn/rules"},
		{Version: 1, Index: 0, URL: "https://shop.example.cn/b"},
	}
	if len(p.Links) != len(want) || len(p.Texts) != 2 {
		t.Fatalf("links %+v, texts %+v", p.Links, p.Texts)
	}
	for i, l := range p.Links {
		if l.Version != want[i].Version || l.Index != want[i].Index || l.URL != want[i].URL {
			t.Errorf("link %d: %+v, want %+v", i, l, want[i])
		}
		// The code leads to its target from the preview on.
		got, ok, err := w.Store.Links().Resolve(w.Ctx, l.Code)
		if err != nil || !ok || got.Broadcast != b.ID || got.Version != l.Version || got.Link != l.Index || got.URL != l.URL {
			t.Errorf("code %s resolves to %+v %v %v", l.Code, got, ok, err)
		}
	}
	wantA := "会员日满 200 减 30，详见" + broadcast.TrackedURL(linkBase, p.Links[0].Code) + "。规则（" +
		broadcast.TrackedURL(linkBase, p.Links[1].Code) + "）"
	wantB := "B 版：全场 85 折 " + broadcast.TrackedURL(linkBase, p.Links[2].Code) + "."
	if a, _ := p.Text(0); a != wantA {
		t.Errorf("text A %q, want %q", a, wantA)
	}
	if x, _ := p.Text(1); x != wantB {
		t.Errorf("text B %q, want %q", x, wantB)
	}
	// The preview on the admin's phone is the message followers get.
	if got := previewTexts(w); len(got) != 2 || got[0] != wantA || got[1] != wantB {
		t.Fatalf("previews %q", got)
	}
	// An approver's look shows the same frozen texts again.
	if _, err := w.Lifecycle.Preview(w.Ctx, bctest.Approver, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := previewTexts(w); len(got) != 4 || got[2] != wantA || got[3] != wantB {
		t.Fatalf("an approver's previews %q", got[2:])
	}
}

func TestSenderSendsTheRewrittenTexts(t *testing.T) {
	t.Parallel()
	w := trackedWorld(t, 12)
	b := previewed(t, w, textA, textB)
	b, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	w.Run()
	w.SendNow(b.ID)
	b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	a, _ := b.Plan.Text(0)
	x, _ := b.Plan.Text(1)
	jobs := w.Sim.Jobs(w.AppID)
	seen := map[string]int{}
	for _, j := range jobs {
		if j.Content != a && j.Content != x {
			t.Errorf("a batch sent %q", j.Content)
		}
		seen[j.Content] += len(j.ToUser)
	}
	// Every batch of every version went out, each with its own text.
	if len(jobs) != len(b.Batches) || seen[a] == 0 || seen[x] == 0 || seen[a]+seen[x] != 12 {
		t.Fatalf("%d jobs for %d batches, received %v", len(jobs), len(b.Batches), seen)
	}
}

func TestRepreviewIssuesNewCodesAndVoidsApprovals(t *testing.T) {
	t.Parallel()
	w := trackedWorld(t, 3)
	b := previewed(t, w, textA)
	old := b.Plan
	b, err := w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, old.Hash, "")
	if err != nil || b.State != broadcast.StateApproved {
		t.Fatalf("approve: %v %+v", err, b)
	}
	b, err = w.Lifecycle.Refreeze(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := b.Plan
	if p.Hash == old.Hash || p.Replaced != old.Hash || p.Voided != 1 || b.State != broadcast.StatePlanned ||
		w.Lifecycle.ValidApprovals(b) != 0 {
		t.Fatalf("the new plan %s (replaced %s, voided %d) in %s with %d approvals",
			p.Hash, p.Replaced, p.Voided, b.State, w.Lifecycle.ValidApprovals(b))
	}
	// The new plan starts from the links as written, with new codes; the
	// old codes still lead where they did.
	for i, l := range p.Links {
		o := old.Links[i]
		if l.URL != o.URL || l.Code == o.Code {
			t.Errorf("link %d: %+v, before %+v", i, l, o)
		}
		got, ok, err := w.Store.Links().Resolve(w.Ctx, o.Code)
		if err != nil || !ok || got.URL != o.URL {
			t.Errorf("old code %s: %+v %v %v", o.Code, got, ok, err)
		}
	}
	if t1, _ := p.Text(0); strings.Contains(t1, old.Links[0].Code) || !strings.Contains(t1, p.Links[0].Code) {
		t.Fatalf("new text %q", t1)
	}
	// An approval of the old plan's texts does not count for the new one.
	_, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, old.Hash, "")
	w.Refusal(err, broadcast.CodePlanChanged)
}

func TestNoRewriteWithoutBaseURL(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	b := previewed(t, w, textA)
	if b.Plan.Links != nil || b.Plan.Texts != nil {
		t.Fatalf("links %+v texts %+v", b.Plan.Links, b.Plan.Texts)
	}
	if got := previewTexts(w); len(got) != 1 || got[0] != textA {
		t.Fatalf("previews %q", got)
	}
	if c := b.SendContent(0); c.Text != textA {
		t.Fatalf("sends %q", c.Text)
	}
}

func TestTextTooLongOnceRewritten(t *testing.T) {
	t.Parallel()
	w := trackedWorld(t, 3)
	// 2,000 characters as written; each tracked link is 30 longer.
	text := strings.Repeat("好", 2000-len("http://a.cn")) + "http://a.cn"
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	r := w.Refusal(err, broadcast.CodeBadContent)
	if r.Detail != broadcast.BadLongTracked || r.N != 2000-len("http://a.cn")+len(linkBase+"/l/")+16 || r.Need != 2000 {
		t.Fatalf("refusal %+v", r)
	}
	if b := w.Get(b.ID); b.Plan != nil || len(w.Sim.Previews(w.AppID)) != 0 {
		t.Fatalf("a refused preview left a plan or went out: %+v", b.Plan)
	}
}

func TestNewsIsNotRewritten(t *testing.T) {
	t.Parallel()
	w := trackedWorld(t, 3)
	media := w.NewsDraft("标题", "摘要 https://a.cn/x", "<p>正文 https://a.cn/y</p>")
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: media})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Lifecycle.AddVariant(w.Ctx, bctest.Editor, b.ID, broadcast.Content{Type: "text", Text: "看 https://a.cn/z"}); err != nil {
		t.Fatal(err)
	}
	b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Plan.Links) != 1 || b.Plan.Links[0].Version != 1 || b.Plan.Links[0].URL != "https://a.cn/z" {
		t.Fatalf("links %+v", b.Plan.Links)
	}
	if _, ok := b.Plan.Text(0); ok || b.SendContent(0).MediaID != media {
		t.Fatalf("the news content was rewritten: %+v", b.SendContent(0))
	}
	pv := w.Sim.Previews(w.AppID)
	if len(pv) != 2 || pv[0].MsgType != wxsim.SendMPNews || !strings.Contains(pv[1].Content, linkBase+"/l/") {
		t.Fatalf("previews %+v", pv)
	}
}

// The content check reads the text as it is sent: its hits are placed in
// the rewritten text.
func TestContentCheckReadsTheRewrittenText(t *testing.T) {
	t.Parallel()
	list := wordList(t, map[string]string{"absolute.txt": "最佳\n"})
	w := bctest.New(t, sim, bctest.Config{Followers: 3, LinkBase: linkBase, Lifecycle: withWords(list)})
	b := previewed(t, w, "详见 https://a.cn/x 最佳")
	hits := b.Plan.Hits
	want := len([]rune("详见 " + linkBase + "/l/aaaaaaaaaaaaaaaa "))
	if len(hits) != 1 || hits[0].Word != "最佳" || hits[0].Start != want {
		t.Fatalf("hits %+v, want 最佳 at %d", hits, want)
	}
}

// takenCodes stands for a link store that refuses every code.
type takenCodes struct{}

func (takenCodes) Freeze(context.Context, []string, []store.LinkTarget) error {
	return store.ErrCodeTaken
}

// A preview whose codes cannot be stored goes nowhere: a preview with
// links that lead nowhere would be worse than none.
func TestPreviewFailsWhenCodesCannotBeKept(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3, LinkBase: linkBase,
		Lifecycle: func(o *broadcast.Options) { o.Links = takenCodes{} }})
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "text", Text: textA})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); !errors.Is(err, store.ErrCodeTaken) {
		t.Fatalf("preview: %v", err)
	}
	if b := w.Get(b.ID); b.Plan != nil || b.State != broadcast.StateDraft || len(w.Sim.Previews(w.AppID)) != 0 {
		t.Fatalf("a preview without its codes: %s %+v, %d previews", b.State, b.Plan, len(w.Sim.Previews(w.AppID)))
	}
}
