package wxapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// ArticleTotalDetail returns the rows of the day an article went out, raw,
// keyed by its msg_data_id; WeChat's date errors come back as *APIError,
// and a spent daily quota walls the path off. Not parallel: FailNext
// applies to the path on every app.
func TestArticleTotalDetail(t *testing.T) {
	appID, secret := newApp(t)
	sim.AddMedia(appID, "news-1", wxsim.MediaNews)
	st := replicaStores(t, 1)[0]
	client, _ := newClient(t, st, appID, secret)
	client.WithQuotaWalls(st.QuotaWalls(appID), nil)
	ctx := testContext(t)
	sent, err := client.MassSend(ctx, []string{"oA", "oB"}, Content{Type: "news", MediaID: "news-1"}, "s1")
	if err != nil {
		t.Fatal(err)
	}
	bj := time.FixedZone("CST", 8*3600)
	day := time.Now().In(bj).Format(time.DateOnly)
	_, err = client.ArticleTotalDetail(ctx, day, day) // today: not yet
	wantAPIError(t, err, wxsim.CodeDateRange)
	_, err = client.ArticleTotalDetail(ctx, "2024-5-1", "2024-05-01")
	if err == nil || ErrCode(err) != 0 || !strings.Contains(err.Error(), "2024-5-1") {
		t.Errorf("a malformed date: %v, want a local error naming it", err)
	}

	tomorrow := time.Now().Add(24 * time.Hour)
	sim.SetAppClock(appID, func() time.Time { return tomorrow })
	got, err := client.ArticleTotalDetail(ctx, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 1 || got.IsDelay {
		t.Fatalf("%+v, want one row, not delayed", got)
	}
	var row struct {
		MsgID string `json:"msgid"`
	}
	if err := json.Unmarshal(got.Rows[0], &row); err != nil || row.MsgID != strconv.FormatInt(sent.MsgDataID, 10)+"_1" {
		t.Errorf("row %s: want msgid %d_1", got.Rows[0], sent.MsgDataID)
	}

	sim.FailNext(pathArticleTotalDetail, CodeDailyQuota, 1)
	_, err = client.ArticleTotalDetail(ctx, day, day)
	wantAPIError(t, err, CodeDailyQuota)
	_, err = client.ArticleTotalDetail(ctx, day, day)
	if ae := wantAPIError(t, err, CodeDailyQuota); !ae.Held {
		t.Errorf("the call after 45009 was made: %+v", ae)
	}
}

func TestTruthy(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		`true`: true, `1`: true, `"1"`: true, `"true"`: true, `2`: true,
		`false`: false, `0`: false, `"0"`: false, `null`: false, ``: false, `{}`: false, `"yes"`: false,
	} {
		if got := Truthy(json.RawMessage(raw)); got != want {
			t.Errorf("Truthy(%s) = %v, want %v", raw, got, want)
		}
	}
}
