package wxsim

import (
	"net/http"
	"testing"
	"time"
)

const (
	pathQuotaGet   = "/cgi-bin/openapi/quota/get"
	pathClearQuota = "/cgi-bin/clear_quota"
)

type quotaBody struct {
	Quota struct {
		DailyLimit int `json:"daily_limit"`
		Used       int `json:"used"`
		Remain     int `json:"remain"`
	} `json:"quota"`
}

// quotaOf asks openapi/quota/get about path.
func (e *msgEnv) quotaOf(path string) (int, quotaBody) {
	e.t.Helper()
	var out quotaBody
	c, _ := e.api(http.MethodPost, pathQuotaGet, nil, map[string]string{"cgi_path": path}, &out)
	return c, out
}

// Every path with a default quota answers openapi/quota/get with it, and
// the defaults are today's numbers (WeChat's API call limits) and the tag
// APIs' generous ones.
func TestDefaultQuotas(t *testing.T) {
	e := newMsgEnv(t)
	want := map[string]int{
		pathMassSend: 100, pathMassSendAll: 100, "/cgi-bin/media/uploadnews": 10, pathMassDelete: 10,
		"/cgi-bin/freepublish/submit": 100, pathUserGet: 500, pathUserInfo: 5000000, pathCustomSend: 500000,
		pathBatchTag: 100000, pathBatchUntag: 100000, pathTagFans: 100000, pathTagGet: 1000,
		pathTagCreate: 1000, pathTagDelete: 1000,
	}
	for path, n := range want {
		if c, q := e.quotaOf(path); c != 0 || q.Quota.DailyLimit != n || q.Quota.Used != 0 || q.Quota.Remain != n {
			t.Errorf("%s: errcode %d, quota %+v, want limit %d", path, c, q.Quota, n)
		}
	}
	for path, n := range defaultDailyQuotas() {
		if c, q := e.quotaOf(path); c != 0 || q.Quota.DailyLimit != n {
			t.Errorf("%s: errcode %d, quota %+v, want limit %d", path, c, q.Quota, n)
		}
	}
	// A million followers need 20,000 batchtagging calls of 50.
	if n := defaultDailyQuotas()[pathBatchTag]; n < 1000000/maxTaggingOpenIDs {
		t.Errorf("batchtagging default %d cannot tag a million followers in a day", n)
	}
	if c, _ := e.quotaOf(pathTagIDList); c != CodeDataFormat {
		t.Errorf("quota/get of a path without a quota: errcode %d, want %d", c, CodeDataFormat)
	}
}

func TestWithDailyQuotas(t *testing.T) {
	e := newMsgEnv(t, WithDailyQuotas(map[string]int{pathBatchTag: 2, pathMassSendAll: 1, pathUserGet: -1}))
	tag := e.mustTag("t")
	ids := fanIDs(4)
	e.addFans(ids)
	if _, q := e.quotaOf(pathBatchTag); q.Quota.DailyLimit != 2 {
		t.Errorf("batchtagging limit %d, want 2", q.Quota.DailyLimit)
	}
	if c, _ := e.quotaOf(pathUserGet); c != CodeDataFormat {
		t.Errorf("user/get made unlimited still has a quota (errcode %d)", c)
	}
	if _, q := e.quotaOf(pathMassSend); q.Quota.DailyLimit != 1 {
		t.Errorf("mass/send limit %d, want 1 (set through sendall's shared quota)", q.Quota.DailyLimit)
	}
	tagging := func(id string) int {
		return e.code(pathBatchTag, map[string]any{"openid_list": []string{id}, "tagid": tag})
	}
	// A refused call spends nothing.
	if c := tagging("oNeverFollowed"); c != CodeInvalidOpenID {
		t.Fatalf("tagging a stranger: %d", c)
	}
	for _, id := range ids[:2] {
		if c := tagging(id); c != 0 {
			t.Fatalf("tagging %s: %d", id, c)
		}
	}
	if c := tagging(ids[2]); c != CodeDailyQuota {
		t.Errorf("third tagging: errcode %d, want %d", c, CodeDailyQuota)
	}
	if _, q := e.quotaOf(pathBatchTag); q.Quota.Used != 2 || q.Quota.Remain != 0 {
		t.Errorf("batchtagging quota %+v, want 2 used, 0 left", q.Quota)
	}
	if got := e.sim.FollowerTagIDs(testApp, ids[2]); len(got) != 0 {
		t.Errorf("a call over quota tagged %s: %v", ids[2], got)
	}
	// The option changes its own Server only.
	fresh := NewServer()
	defer fresh.Close()
	if n := fresh.quota.limits[pathBatchTag]; n != 100000 {
		t.Errorf("a new Server's batchtagging limit %d", n)
	}
}

func TestQuotaResetsAtBeijingMidnight(t *testing.T) {
	e := newMsgEnv(t, WithDailyQuotas(map[string]int{pathTagCreate: 1}))
	if c := e.code(pathTagCreate, map[string]any{"tag": map[string]string{"name": "a"}}); c != 0 {
		t.Fatal(c)
	}
	if c := e.code(pathTagCreate, map[string]any{"tag": map[string]string{"name": "b"}}); c != CodeDailyQuota {
		t.Fatalf("second create: %d, want %d", c, CodeDailyQuota)
	}
	// Move to 23:59:59 Beijing, then one second on.
	now := e.clock.Now()
	y, m, d := beijingDate(now)
	midnight := time.Date(y, m, d+1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	e.clock.Advance(midnight.Sub(now) - time.Second)
	e.tok = e.token(testApp, "s").AccessToken
	if c := e.code(pathTagCreate, map[string]any{"tag": map[string]string{"name": "b"}}); c != CodeDailyQuota {
		t.Fatalf("a second before midnight: %d, want %d", c, CodeDailyQuota)
	}
	e.clock.Advance(time.Second)
	if c := e.code(pathTagCreate, map[string]any{"tag": map[string]string{"name": "b"}}); c != 0 {
		t.Fatalf("after Beijing midnight: %d, want 0", c)
	}
}

func TestClearQuota(t *testing.T) {
	e := newMsgEnv(t, WithDailyQuotas(map[string]int{pathTagCreate: 1}))
	create := func(name string) int {
		return e.code(pathTagCreate, map[string]any{"tag": map[string]string{"name": name}})
	}
	clear := func(appID string) int { return e.code(pathClearQuota, map[string]string{"appid": appID}) }
	if c := clear("wx_other"); c != CodeInvalidAppID {
		t.Errorf("clear_quota of another app: %d", c)
	}
	for i := range clearQuotaMonthly {
		if c := create(string(rune('a' + i))); c != 0 {
			t.Fatalf("create %d: %d", i, c)
		}
		if c := create("x"); c != CodeDailyQuota {
			t.Fatalf("create over quota %d: %d", i, c)
		}
		if c := clear(testApp); c != 0 {
			t.Fatalf("clear %d: %d", i, c)
		}
	}
	if c := clear(testApp); c != CodeClearQuotaLimit {
		t.Errorf("eleventh clear_quota: %d, want %d", c, CodeClearQuotaLimit)
	}
}
