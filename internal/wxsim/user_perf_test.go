package wxsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const benchFollowers = 1000000

// benchRoster is a simulator with a million followers behind HTTP and a
// token for its app.
func benchRoster(b *testing.B) (*Server, string, string) {
	b.Helper()
	sim := NewServer()
	sim.AddApp(testApp, "s")
	for _, name := range []string{"vip", "new", "cn", "en"} {
		if _, err := sim.CreateTag(testApp, name); err != nil {
			b.Fatal(err)
		}
	}
	sim.PopulateFollowers(testApp, benchFollowers, 1)
	ts := httptest.NewServer(sim)
	b.Cleanup(ts.Close)
	b.Cleanup(sim.Close)
	resp, err := http.Get(ts.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + testApp + "&secret=s")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok tokenResponse
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return sim, ts.URL, tok.AccessToken
}

// BenchmarkUserGetPages pages user/get through a million followers; one
// op is one 10 000-openid page, fetched and decoded over HTTP.
func BenchmarkUserGetPages(b *testing.B) {
	_, base, tok := benchRoster(b)
	next := ""
	b.ResetTimer()
	for range b.N {
		q := url.Values{"access_token": {tok}}
		if next != "" {
			q.Set("next_openid", next)
		}
		resp, err := http.Get(base + pathUserGet + "?" + q.Encode())
		if err != nil {
			b.Fatal(err)
		}
		var p userListBody
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if err != nil || p.Total != benchFollowers {
			b.Fatalf("page after %q: %v, total %d", next, err, p.Total)
		}
		next = p.NextOpenID // "" after the last page: start over
	}
}

// BenchmarkBatchGet asks user/info/batchget for 100 followers spread over
// a million; one op is one call.
func BenchmarkBatchGet(b *testing.B) {
	sim, base, tok := benchRoster(b)
	fans := sim.apps[testApp].users.fans
	bodies := make([]string, 64)
	for i := range bodies {
		l := make([]map[string]string, maxBatchGet)
		for j := range l {
			l[j] = map[string]string{"openid": fans[(i*7919+j*9973)%len(fans)].openid, "lang": "zh_CN"}
		}
		raw, _ := json.Marshal(map[string]any{"user_list": l})
		bodies[i] = string(raw)
	}
	target := base + pathBatchGet + "?" + url.Values{"access_token": {tok}}.Encode()
	b.ResetTimer()
	for i := range b.N {
		resp, err := http.Post(target, "application/json", strings.NewReader(bodies[i%len(bodies)]))
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			List []json.RawMessage `json:"user_info_list"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || len(out.List) != maxBatchGet {
			b.Fatalf("%v, %d users", err, len(out.List))
		}
	}
}

// BenchmarkPopulateFollowers builds a million-follower roster; its
// allocs/op shows no allocation per follower.
func BenchmarkPopulateFollowers(b *testing.B) {
	for range b.N {
		sim := NewServer()
		sim.AddApp(testApp, "s")
		sim.PopulateFollowers(testApp, benchFollowers, 1)
	}
}

// Paging must cost O(page), not O(roster): a page near the end of a big
// roster scans only the fans it returns.
func TestUserGetPageCostIsLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 300 000-follower roster")
	}
	e := newMsgEnv(t)
	e.sim.PopulateFollowers(testApp, 300000, 3)
	r := &e.sim.apps[testApp].users
	last := r.fans[len(r.fans)-10001].openid
	scanned := 0
	ids, _ := r.page(int(r.lookup(last).pos), userPageSize, func(*fan) bool { scanned++; return true })
	if len(ids) != 10000 || scanned != 10000 {
		t.Errorf("last page: %d ids after scanning %d fans", len(ids), scanned)
	}
}
