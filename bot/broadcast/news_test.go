package broadcast_test

import (
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// Preview reads the draft, checks its body (without the HTML) as well as
// title, author and digest, and shows the article on the previewer's
// phone: by the draft's id, or, where WeChat refuses draft ids, by an id
// the frozen articles were uploaded as.
func TestPreviewChecksTheDraftsBody(t *testing.T) {
	for _, mode := range []wxsim.DraftMode{wxsim.DraftIDsAccepted, wxsim.DraftIDsOnce, wxsim.DraftIDsRefused} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			list := wordList(t, map[string]string{"absolute.txt": "最佳\n", "finance.txt": "保本\n"})
			w := bctest.New(t, sim, bctest.Config{Followers: 3, Lifecycle: withWords(list)})
			sim.SetDraftMode(w.AppID, mode)
			draft := sim.AddDraft(w.AppID, wxsim.DraftArticle{Title: "新店开业", Author: "保本哥", Digest: "八折",
				Content: "<p>欢迎</p><p>本店<b>最</b>佳体验</p>"})
			b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: draft})
			if err != nil {
				t.Fatal(err)
			}
			if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
				t.Fatal(err)
			}
			want := []broadcast.Hit{
				{Where: "1.author", Category: "finance", Word: "保本", Start: 0, Text: "保本"},
				{Where: "1.content", Category: "absolute", Word: "最佳", Start: 5, Text: "最佳"},
			}
			if len(b.Plan.Hits) != len(want) {
				t.Fatalf("hits %+v, want %+v", b.Plan.Hits, want)
			}
			for i := range want {
				if b.Plan.Hits[i] != want[i] {
					t.Errorf("hit %d: %+v, want %+v", i, b.Plan.Hits[i], want[i])
				}
			}
			n := b.Plan.NewsOf(0)
			if n == nil || n.Draft != draft || n.Articles[0].Content != "<p>欢迎</p><p>本店<b>最</b>佳体验</p>" {
				t.Fatalf("frozen %+v", b.Plan.News)
			}
			p := sim.Previews(w.AppID)
			if len(p) != 1 || len(p[0].Articles) != 1 || p[0].Articles[0].Title != "新店开业" {
				t.Fatalf("previews %+v", p)
			}
			if mode == wxsim.DraftIDsRefused {
				if n.Preview == "" || p[0].MediaID != n.Preview {
					t.Errorf("refused draft ids: previewed %q, plan's preview id %q", p[0].MediaID, n.Preview)
				}
			} else if p[0].MediaID != draft || n.Preview != "" {
				t.Errorf("previewed %q (plan's preview id %q), want the draft's id", p[0].MediaID, n.Preview)
			}
		})
	}
}

// The approval binds the words: the same draft id with other words is
// another plan, and an approver is not shown a draft changed since.
func TestApprovalBindsTheDraftsWords(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 3})
	draft := sim.AddDraft(w.AppID, wxsim.DraftArticle{Title: "新店开业", Content: "<p>正文</p>"})
	b, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: draft})
	b, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := b.Plan.Hash
	w.EditDraft(draft, 0, func(a *wxsim.DraftArticle) { a.Content = "<p>正文。</p>" })
	_, err = w.Lifecycle.Preview(w.Ctx, bctest.Approver, b.ID)
	if r := w.Refusal(err, broadcast.CodeDraftChanged); r.Detail != "1.content" {
		t.Errorf("refusal %+v", r)
	}
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil || b.Plan.Hash == first {
		t.Fatalf("preview after the edit: %v, hash %s (was %s)", err, b.Plan.Hash, first)
	}
	// An id that is neither a draft nor permanent material is refused.
	n, _ := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: "NO_SUCH_DRAFT"})
	_, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, n.ID)
	w.Refusal(err, broadcast.CodeNoDraft)
}
