package wxsim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const pathArticleDetail = "/datacube/getarticletotaldetail"

// detailAnswer is getarticletotaldetail's answer as the doc shapes it.
type detailAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	IsDelay *bool  `json:"is_delay"`
	List    []struct {
		RefDate     string `json:"ref_date"`
		MsgID       string `json:"msgid"`
		PublishType int    `json:"publish_type"`
		Title       *string
		IsDelay     *int `json:"is_delay"`
		DetailList  []struct {
			StatDate string `json:"stat_date"`
			Read     int    `json:"read_user"`
			Share    int    `json:"share_user"`
			Like     int    `json:"like_user"`
			Zaikan   int    `json:"zaikan_user"`
			Comment  int    `json:"comment_count"`
		} `json:"detail_list"`
	} `json:"list"`
}

// detail asks for the statistics of [begin, end] with the app's token.
func (e *msgEnv) detail(begin, end string) detailAnswer {
	e.t.Helper()
	body := `{"begin_date":"` + begin + `","end_date":"` + end + `"}`
	resp, err := http.Post(e.url+pathArticleDetail+"?"+url.Values{"access_token": {e.tok}}.Encode(),
		"application/json", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var a detailAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// sendArticles mass-sends a two-article draft to four followers and
// returns the job's msg_data_id.
func (e *msgEnv) sendArticles(clientMsgID string) int64 {
	e.t.Helper()
	draft := e.sim.AddDraft(e.appID, DraftArticle{Title: "开业"}, DraftArticle{Title: "实拍"})
	r := e.post(pathMassSend, massNews(openids("s", 4), draft, clientMsgID))
	wantCode(e.t, r, CodeOK)
	if r.MsgDataID == 0 {
		e.t.Fatal("no msg_data_id")
	}
	return r.MsgDataID
}

func TestArticleStatsWindowRules(t *testing.T) {
	e := newMsgEnv(t) // 2024-05-01 00:00 Beijing
	tests := []struct {
		name       string
		begin, end string
		code       int
	}{
		{"not a date", "2024/04/29", "2024-04-30", CodeDateFormat},
		{"empty", "", "2024-04-30", CodeDateFormat},
		{"end before begin", "2024-04-30", "2024-04-29", CodeDateRange},
		{"end today", "2024-04-30", "2024-05-01", CodeDateRange},
		{"31 days", "2024-03-31", "2024-04-30", CodeDateRange},
		{"30 days", "2024-04-01", "2024-04-30", CodeOK},
		{"yesterday", "2024-04-30", "2024-04-30", CodeOK},
	}
	for _, tt := range tests {
		if a := e.detail(tt.begin, tt.end); a.ErrCode != tt.code {
			t.Errorf("%s: errcode %d %q, want %d", tt.name, a.ErrCode, a.ErrMsg, tt.code)
		}
	}
	// The reported shape takes one day only.
	e.sim.SetStatsShape(e.appID, StatsShapeReported)
	if a := e.detail("2024-04-29", "2024-04-30"); a.ErrCode != CodeDateRange {
		t.Errorf("two days in the reported shape: errcode %d, want %d", a.ErrCode, CodeDateRange)
	}
	if a := e.detail("2024-04-30", "2024-04-30"); a.ErrCode != CodeOK {
		t.Errorf("one day in the reported shape: errcode %d", a.ErrCode)
	}
	// No token, a bad token: as every other API.
	resp, err := http.Post(e.url+pathArticleDetail, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var a detailAnswer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	resp.Body.Close()
	if a.ErrCode != CodeAccessTokenMissing {
		t.Errorf("no token: errcode %d", a.ErrCode)
	}
	e.tok = "nope" + e.tok
	if a := e.detail("2024-04-30", "2024-04-30"); a.ErrCode != CodeInvalidCredential {
		t.Errorf("unknown token: errcode %d", a.ErrCode)
	}
}

// An article sent today has rows from tomorrow on, keyed by
// <msg_data_id>_<index>, with figures that add up day by day.
func TestArticleStatsRows(t *testing.T) {
	e := newMsgEnv(t)
	e.clock.Advance(10 * time.Hour) // 2024-05-01 10:00
	e.tok = e.token(testApp, "s").AccessToken
	dataID := e.sendArticles("a1")
	first := strconv.FormatInt(dataID, 10) + "_1"
	e.sim.SetArticleStats(e.appID, first, "2024-05-01", ArticleDay{Read: 3, Share: 1, Like: 1, Zaikan: 1, Comment: 2})
	e.sim.SetArticleStats(e.appID, first, "2024-05-02", ArticleDay{Read: 1})
	if a := e.detail("2024-05-01", "2024-05-01"); a.ErrCode != CodeDateRange {
		t.Fatalf("today's statistics: errcode %d, want %d", a.ErrCode, CodeDateRange)
	}
	e.clock.Advance(2 * 24 * time.Hour) // 2024-05-03
	e.tok = e.token(testApp, "s").AccessToken
	a := e.detail("2024-05-01", "2024-05-01")
	if a.ErrCode != 0 || len(a.List) != 2 || a.IsDelay == nil || *a.IsDelay {
		t.Fatalf("answer %+v, want two rows and is_delay false", a)
	}
	r := a.List[0]
	if r.MsgID != first || r.RefDate != "2024-05-01" || r.Title == nil || *r.Title != "开业" || len(r.DetailList) != 2 {
		t.Fatalf("row %+v", r)
	}
	if d := r.DetailList[1]; d.StatDate != "2024-05-02" || d.Read != 4 || d.Share != 1 || d.Comment != 2 {
		t.Errorf("second day %+v: want the totals since the publish day", d)
	}
	if a.List[1].MsgID != strconv.FormatInt(dataID, 10)+"_2" {
		t.Errorf("second row %q", a.List[1].MsgID)
	}
	// Default figures grow from the followers reached.
	if d := a.List[1].DetailList[0]; d.Read < 0 || d.Read > 4 {
		t.Errorf("article 2 read by %d of 4", d.Read)
	}
	// Other days have none of it.
	if a := e.detail("2024-04-30", "2024-04-30"); len(a.List) != 0 {
		t.Errorf("rows for a day without sends: %+v", a.List)
	}
	// Delayed data says so and lacks the last day.
	e.sim.SetStatsDelayed(e.appID, true)
	a = e.detail("2024-05-01", "2024-05-01")
	if *a.IsDelay != true || len(a.List[0].DetailList) != 1 {
		t.Errorf("delayed: %+v", a)
	}
	// The reported shape: no title, is_delay on each row.
	e.sim.SetStatsShape(e.appID, StatsShapeReported)
	a = e.detail("2024-05-01", "2024-05-01")
	if a.IsDelay != nil || a.List[0].Title != nil || a.List[0].IsDelay == nil || *a.List[0].IsDelay != 1 {
		t.Errorf("reported shape: %+v", a)
	}
}

func TestParseStatsShape(t *testing.T) {
	for _, sh := range []StatsShape{StatsShapeDoc, StatsShapeReported} {
		if got, err := ParseStatsShape(sh.String()); err != nil || got != sh {
			t.Errorf("%s: %v, %v", sh, got, err)
		}
	}
	if _, err := ParseStatsShape("guessed"); err == nil || !strings.Contains(err.Error(), "doc or reported") {
		t.Errorf("a bad name: %v", err)
	}
}
