package wxsim

import (
	"reflect"
	"testing"
	"time"
)

func previewNews(to, mediaID string) map[string]any {
	return map[string]any{"touser": to, "msgtype": "mpnews", "mpnews": map[string]string{"media_id": mediaID}}
}

// Each mode, driven through the API: preview, send, preview and send
// again with the same draft id.
func TestDraftModes(t *testing.T) {
	const invalid = CodeInvalidMediaID
	tests := []struct {
		mode            DraftMode
		preview1, send1 int
		preview2, send2 int
		leavesBox       bool
		wantJobs        int
		wantPreviews    int
	}{
		{mode: DraftIDsAccepted, leavesBox: true, wantJobs: 2, wantPreviews: 2},
		{mode: DraftIDsOnce, preview2: invalid, send2: invalid, leavesBox: true, wantJobs: 1, wantPreviews: 1},
		{mode: DraftIDsRefused, preview1: invalid, send1: invalid, preview2: invalid, send2: invalid},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			e := newMsgEnv(t, WithDraftMode(tt.mode))
			id := e.sim.AddDraft(testApp, DraftArticle{Title: "审批过的标题", Content: "<p>审批过的正文</p>"})
			to := openids("m", 2)
			wantCode(t, e.post(pathMassPreview, previewNews("oAdmin", id)), tt.preview1)
			wantCode(t, e.post(pathMassSend, massNews(to, id, "c1")), tt.send1)
			if _, inBox := e.sim.Draft(testApp, id); inBox == tt.leavesBox {
				t.Errorf("after the first send the box holds the draft: %v, want %v", inBox, !tt.leavesBox)
			}
			if tt.leavesBox {
				if code := e.draftCode(id); code != invalid {
					t.Errorf("draft/get after the send = %d, want 40007", code)
				}
				if n := e.draftCount(); n != 0 {
					t.Errorf("draft/count after the send = %d", n)
				}
				if err := e.sim.EditDraft(testApp, id, 0, func(a *DraftArticle) { a.Title = "x" }); err == nil {
					t.Error("EditDraft changed a draft that left the box")
				}
			}
			wantCode(t, e.post(pathMassPreview, previewNews("oAdmin", id)), tt.preview2)
			wantCode(t, e.post(pathMassSend, massNews(to, id, "c2")), tt.send2)
			jobs, previews := e.sim.Jobs(testApp), e.sim.Previews(testApp)
			if len(jobs) != tt.wantJobs || len(previews) != tt.wantPreviews {
				t.Fatalf("%d jobs, %d previews; want %d, %d", len(jobs), len(previews), tt.wantJobs, tt.wantPreviews)
			}
			for _, j := range jobs {
				if j.MediaID != id || len(j.Articles) != 1 || j.Articles[0].Title != "审批过的标题" ||
					j.Articles[0].Content != "<p>审批过的正文</p>" {
					t.Errorf("job = %+v, want the draft's words", j)
				}
			}
			for _, p := range previews {
				if len(p.Articles) != 1 || p.Articles[0].Title != "审批过的标题" {
					t.Errorf("preview = %+v, want the draft's words", p)
				}
			}
		})
	}
}

// A send carries the words as they are when WeChat accepts it; an edit
// after the preview shows in the job, and the job keeps them.
func TestMassSendRecordsWordsAtSendTime(t *testing.T) {
	e := newMsgEnv(t)
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "v1", Content: "<p>v1</p>"}, DraftArticle{Title: "第二篇", Content: "<p>2</p>"})
	wantCode(t, e.post(pathMassPreview, previewNews("oAdmin", id)), CodeOK)
	e.advance(time.Minute)
	if err := e.sim.EditDraft(testApp, id, 0, func(a *DraftArticle) { a.Title, a.Content = "v2", "<p>v2</p>" }); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.post(pathMassSend, massNews(openids("w", 3), id, "c1")), CodeOK)
	if p := e.sim.Previews(testApp)[0]; p.Articles[0].Title != "v1" {
		t.Errorf("preview = %+v, want v1, the words it showed", p.Articles)
	}
	j := e.sim.Jobs(testApp)[0]
	if got := []string{j.Articles[0].Title, j.Articles[0].Content, j.Articles[1].Title}; !reflect.DeepEqual(got, []string{"v2", "<p>v2</p>", "第二篇"}) {
		t.Errorf("job articles = %+v, want v2 and the second article", j.Articles)
	}
	// Records are copies: changing what Jobs returned changes nothing.
	j.Articles[0].Title = "tampered"
	sent, _ := e.sim.SentSince(testApp, SentCursor{})
	if sent.Jobs[0].Articles[0].Title != "v2" || sent.Previews[0].Articles[0].Title != "v1" {
		t.Errorf("SentSince = %+v / %+v", sent.Jobs[0].Articles, sent.Previews[0].Articles)
	}
	// A later send of the id (accepted mode) carries the words it left
	// the box with.
	e.advance(time.Hour)
	wantCode(t, e.post(pathMassSend, massNews(openids("x", 2), id, "c2")), CodeOK)
	if j := e.sim.Jobs(testApp)[1]; j.Articles[0].Title != "v2" {
		t.Errorf("second job = %+v", j.Articles)
	}
}

func TestSetDraftModeOverridesServerMode(t *testing.T) {
	e := newMsgEnv(t, WithDraftMode(DraftIDsRefused))
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "t"})
	wantCode(t, e.post(pathMassPreview, previewNews("oA", id)), CodeInvalidMediaID)
	e.sim.SetDraftMode(testApp, DraftIDsOnce)
	wantCode(t, e.post(pathMassPreview, previewNews("oA", id)), CodeOK)
	e.sim.AddApp("wx_other", "s")
	e.sim.SetDraftMode(testApp, DraftIDsAccepted)
	other := e.sim.AddDraft("wx_other", DraftArticle{Title: "t"})
	e.appID, e.tok = "wx_other", e.token("wx_other", "s").AccessToken
	wantCode(t, e.post(pathMassPreview, previewNews("oA", other)), CodeInvalidMediaID)
	// Another app's draft id is unknown here.
	wantCode(t, e.post(pathMassPreview, previewNews("oA", id)), CodeInvalidMediaID)
}

// Permanent news material and uploadnews ids go out in every mode, as
// often as wanted, with their own words.
func TestNewsIDsAcceptedInEveryMode(t *testing.T) {
	for _, mode := range []DraftMode{DraftIDsAccepted, DraftIDsOnce, DraftIDsRefused} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newMsgEnv(t, WithDraftMode(mode))
			e.sim.AddMedia(testApp, "cover1", MediaImage)
			e.sim.AddNews(testApp, "perm1", Article{Title: "永久", Digest: "d"})
			var r uploadNewsReply
			e.postWant(pathUploadNews, map[string]any{"articles": []any{testArticle("冻结", "cover1")}}, &r, CodeOK)
			for i, id := range []string{r.MediaID, r.MediaID, "perm1", "perm1"} {
				wantCode(t, e.post(pathMassPreview, previewNews("oA", id)), CodeOK)
				wantCode(t, e.post(pathMassSend, massNews(openids("n", 2+i), id, "c"+string(rune('0'+i)))), CodeOK)
			}
			jobs := e.sim.Jobs(testApp)
			want := []string{"冻结", "冻结", "永久", "永久"}
			for i, j := range jobs {
				if len(j.Articles) != 1 || j.Articles[0].Title != want[i] {
					t.Errorf("job %d articles = %+v, want %q", i, j.Articles, want[i])
				}
			}
			if len(jobs) != 4 || jobs[0].Articles[0].Content != "<p>冻结</p>" || jobs[2].Articles[0].Digest != "d" {
				t.Errorf("jobs = %+v", jobs)
			}
		})
	}
}

func TestTextAndImageJobsHaveNoArticles(t *testing.T) {
	e := newMsgEnv(t)
	e.sim.AddMedia(testApp, "img1", MediaImage)
	wantCode(t, e.post(pathMassSend, massText(openids("t", 2), "hi", "c1")), CodeOK)
	wantCode(t, e.post(pathMassSend, map[string]any{"touser": openids("t", 2), "msgtype": "image",
		"images": map[string]any{"media_ids": []string{"img1"}}, "clientmsgid": "c2"}), CodeOK)
	for _, j := range e.sim.Jobs(testApp) {
		if j.Articles != nil {
			t.Errorf("%s job has articles %+v", j.MsgType, j.Articles)
		}
	}
}

// A draft id is not an mpnews media id for customer-service messages,
// which stopped taking news media with the draft box.
func TestCustomSendRefusesDraftIDs(t *testing.T) {
	e := newMsgEnv(t)
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "t"})
	e.sim.Interact(testApp, "oA", TriggerMessage, time.Time{})
	r := e.post(pathCustomSend, map[string]any{"touser": "oA", "msgtype": "mpnews", "mpnews": map[string]string{"media_id": id}})
	wantCode(t, r, CodeInvalidMediaID)
}

func TestParseDraftMode(t *testing.T) {
	for _, m := range []DraftMode{DraftIDsAccepted, DraftIDsOnce, DraftIDsRefused} {
		if got, err := ParseDraftMode(m.String()); err != nil || got != m {
			t.Errorf("ParseDraftMode(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseDraftMode("sometimes"); err == nil {
		t.Error("ParseDraftMode accepted sometimes")
	}
}

// In DraftIDsOnce a retry of the accepted send (same clientmsgid) still
// learns its msg_id; only a new send with the draft id is refused.
func TestDraftOnceRetryLearnsMsgID(t *testing.T) {
	e := newMsgEnv(t, WithDraftMode(DraftIDsOnce))
	id := e.sim.AddDraft(testApp, DraftArticle{Title: "t"})
	to := openids("r", 2)
	first := e.post(pathMassSend, massNews(to, id, "batch-1"))
	wantCode(t, first, CodeOK)
	e.advance(2 * time.Minute)
	again := e.post(pathMassSend, massNews(to, id, "batch-1"))
	wantCode(t, again, CodeClientMsgIDExist)
	if again.MsgID != first.MsgID {
		t.Errorf("45065 names msg_id %d, want %d", again.MsgID, first.MsgID)
	}
	wantCode(t, e.post(pathMassSend, massNews(openids("s", 2), id, "batch-2")), CodeInvalidMediaID)
}
