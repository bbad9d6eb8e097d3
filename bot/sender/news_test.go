package sender_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

const uploadNewsPath = "/cgi-bin/media/uploadnews"

// article writes a two-article draft in w's draft box, as an editor
// would in the console, and returns its media_id.
func article(w *bctest.World) string {
	w.Sim.AddMedia(w.AppID, "thumb1", wxsim.MediaImage)
	return w.Sim.AddDraft(w.AppID,
		wxsim.DraftArticle{Title: "城南新店本周六开业", Author: "门店运营部", Digest: "开业当天全场八折",
			Content: "<p>城南新店将于本周六开业。</p>"},
		wxsim.DraftArticle{ArticleType: wxsim.ArticleNewsPic, Title: "店内实拍", ImageMediaIDs: []string{"thumb1"}})
}

// approvedArticle creates, previews and approves a news broadcast of
// draft to everyone.
func approvedArticle(w *bctest.World, draft string) *broadcast.Broadcast {
	w.T.Helper()
	b, err := w.Lifecycle.Create(w.Ctx, bctest.Editor, "everyone", broadcast.Content{Type: "news", MediaID: draft})
	if err != nil {
		w.T.Fatal(err)
	}
	if b, err = w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID); err != nil {
		w.T.Fatal(err)
	}
	if b, err = w.Lifecycle.Approve(w.Ctx, bctest.Approver, b.ID, "", ""); err != nil || b.State != broadcast.StateApproved {
		w.T.Fatalf("approve: %v", err)
	}
	return b
}

// An article in three batches reaches every follower once, with the
// approved words, under each of WeChat's ways with draft ids: the
// articles are uploaded once when sending begins and every batch sends
// that id; the draft is not read again (it leaves the box with the first
// send).
func TestArticleSentOnceWithTheApprovedWords(t *testing.T) {
	for _, mode := range []wxsim.DraftMode{wxsim.DraftIDsAccepted, wxsim.DraftIDsOnce, wxsim.DraftIDsRefused} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			w := bctest.New(t, sim, bctest.Config{Followers: 8})
			sim.SetDraftMode(w.AppID, mode)
			draft := article(w)
			b := approvedArticle(w, draft)
			if n := b.Plan.NewsOf(0); n == nil || len(n.Articles) != 2 || n.Articles[0].Author != "门店运营部" {
				t.Fatalf("frozen articles %+v", b.Plan.News)
			}
			previewUploads := sim.QuotaUsed(w.AppID, uploadNewsPath)
			w.SendNow(b.ID)
			w.Run()
			b = w.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State.Final() })
			if b.State != broadcast.StateSent || len(b.Batches) != 3 {
				t.Fatalf("state %s, %d batches (%s)", b.State, len(b.Batches), b.Failure)
			}
			if got := sim.QuotaUsed(w.AppID, uploadNewsPath) - previewUploads; got != 1 {
				t.Errorf("%d uploads while sending, want 1", got)
			}
			u := b.UploadOf(0)
			if u == nil || u.Draft || u.MediaID == draft {
				t.Fatalf("upload %+v: the batches must send an uploadnews id", u)
			}
			for o, n := range w.Delivered() {
				if n != 1 {
					t.Errorf("%s got %d messages", o, n)
				}
			}
			if len(w.Delivered()) != 8 {
				t.Errorf("%d followers reached, want 8", len(w.Delivered()))
			}
			dataIDs := map[int64]int64{} // msg_id → msg_data_id
			for _, j := range sim.Jobs(w.AppID) {
				if j.MediaID != u.MediaID || len(j.Articles) != 2 || j.Articles[0].Title != "城南新店本周六开业" ||
					j.Articles[0].Digest != "开业当天全场八折" || j.Articles[1].Title != "店内实拍" {
					t.Errorf("job %d sent %q: %+v", j.MsgID, j.MediaID, j.Articles)
				}
				dataIDs[j.MsgID] = j.MsgDataID
			}
			// Each batch keeps WeChat's msg_data_id, which names its
			// articles in the statistics.
			for i, x := range b.Batches {
				if x.MsgDataID == 0 || x.MsgDataID != dataIDs[x.MsgID] {
					t.Errorf("batch %d: msg_data_id %d, WeChat's %d", i, x.MsgDataID, dataIDs[x.MsgID])
				}
			}
		})
	}
}

// A draft edited after the approval is not sent: the plan and its
// approvals are void and the creator is told what changed.
func TestEditedDraftIsNotSent(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4})
	draft := article(w)
	b := approvedArticle(w, draft)
	if err := sim.EditDraft(w.AppID, draft, 0, func(a *wxsim.DraftArticle) { a.Digest = "开业当天全场五折" }); err != nil {
		t.Fatal(err)
	}
	sim.Interact(w.AppID, bctest.Editor.OpenID, "message", time.Now())
	w.SendNow(b.ID)
	w.Run()
	b = w.Wait(b.ID, "voided", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateDraft })
	if b.Plan != nil || len(b.Approvals) != 0 || len(sim.Jobs(w.AppID)) != 0 || sim.QuotaUsed(w.AppID, uploadNewsPath) != 0 {
		t.Fatalf("plan %+v, approvals %v, %d jobs, %d uploads", b.Plan, b.Approvals, len(sim.Jobs(w.AppID)), sim.QuotaUsed(w.AppID, uploadNewsPath))
	}
	w.Wait(b.ID, "the creator's notice", func(b *broadcast.Broadcast) bool {
		for _, n := range b.Notices {
			if n.To == bctest.Editor.OpenID && strings.Contains(n.Text, "第1篇摘要") {
				return true
			}
		}
		return false
	})
	// A preview again freezes the new words, and they go out.
	b, err := w.Lifecycle.Preview(w.Ctx, bctest.Editor, b.ID)
	if err != nil || b.Plan.NewsOf(0).Articles[0].Digest != "开业当天全场五折" {
		t.Fatalf("preview again: %v %+v", err, b.Plan)
	}
}

// A draft deleted after the approval is not sent either.
func TestDeletedDraftIsNotSent(t *testing.T) {
	t.Parallel()
	w := bctest.New(t, sim, bctest.Config{Followers: 4})
	draft := article(w)
	b := approvedArticle(w, draft)
	if err := sim.DeleteDraft(w.AppID, draft); err != nil {
		t.Fatal(err)
	}
	w.SendNow(b.ID)
	w.Run()
	b = w.Wait(b.ID, "voided", func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateDraft })
	if len(sim.Jobs(w.AppID)) != 0 {
		t.Fatalf("%d jobs", len(sim.Jobs(w.AppID)))
	}
}

// With uploadnews's quota spent, the draft's own id goes out only when
// one call reaches the whole audience; a larger audience waits for the
// quota instead.
func TestSpentUploadQuota(t *testing.T) {
	t.Parallel()
	one := bctest.New(t, sim, bctest.Config{Followers: 3, BatchSize: 10, SimClock: true})
	spend := func(w *bctest.World) {
		for sim.QuotaUsed(w.AppID, uploadNewsPath) < 10 {
			if _, err := w.API.UploadNews(w.Ctx, []wxapi.DraftArticle{{Title: "x", ThumbMediaID: "thumb1", Content: "x"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	draft := article(one)
	b := approvedArticle(one, draft)
	spend(one)
	one.SendNow(b.ID)
	one.Run()
	b = one.Wait(b.ID, "sent", func(b *broadcast.Broadcast) bool { return b.State.Final() })
	if u := b.UploadOf(0); b.State != broadcast.StateSent || u == nil || !u.Draft || u.MediaID != draft {
		t.Fatalf("state %s (%s), upload %+v", b.State, b.Failure, u)
	}

	many := bctest.New(t, sim, bctest.Config{Followers: 7, BatchSize: 3, SimClock: true})
	draft = article(many)
	b = approvedArticle(many, draft)
	spend(many)
	many.SendNow(b.ID)
	many.Run()
	b = many.Wait(b.ID, "waiting for the quota", func(b *broadcast.Broadcast) bool { return !b.QuotaUntil.IsZero() })
	if len(b.Uploads) != 0 || len(sim.Jobs(many.AppID)) != 0 {
		t.Fatalf("uploads %+v, %d jobs: nothing may go out before the quota is back", b.Uploads, len(sim.Jobs(many.AppID)))
	}
}

// An article batch whose answer was lost learns its msg_data_id from
// WeChat's 45065 when it is asked again, so its statistics can be found.
func TestLostArticleAnswerKeepsMsgDataID(t *testing.T) {
	t.Parallel()
	lossy, wire := lossyNet(false)
	w := bctest.New(t, sim, bctest.Config{Followers: 4, SimClock: true, Sender: wire})
	b := approvedArticle(w, article(w))
	lossy.lose[b.ClientMsgID(0)] = true
	w.SendNow(b.ID)
	w.Run()
	callsReach(t, w, massSendPath, 1)
	w.Wait(b.ID, "the lost answer held", func(b *broadcast.Broadcast) bool {
		return len(b.Batches) > 0 && strings.Contains(b.Batches[0].Error, "connection reset")
	})
	w.Clock.Add(time.Minute)
	b = w.WaitDriving(b.ID, "sent", time.Second, func(b *broadcast.Broadcast) bool { return b.State == broadcast.StateSent })
	job := sim.Jobs(w.AppID)[0]
	if x := b.Batches[0]; x.MsgID != job.MsgID || x.MsgDataID == 0 || x.MsgDataID != job.MsgDataID {
		t.Fatalf("batch 0 %+v; want msg_id %d and msg_data_id %d from 45065", x, job.MsgID, job.MsgDataID)
	}
}
