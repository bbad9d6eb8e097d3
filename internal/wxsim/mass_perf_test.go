package wxsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A mass send to 10 000 openids must stay cheap: a sender reaching a
// million followers makes a hundred of them. The bound here is loose so
// it holds under -race; BenchmarkMassSend10k measures the real cost.
func TestMassSend10kIsFast(t *testing.T) {
	e := newMsgEnv(t, WithMassRateLimit(0))
	var worst time.Duration
	for i := range 5 {
		body, _ := json.Marshal(massText(openids(strconv.Itoa(i), 10000), "hi", strconv.Itoa(i)))
		start := time.Now()
		wantCode(t, e.post(pathMassSend, string(body)), 0)
		worst = max(worst, time.Since(start))
	}
	if worst > time.Second {
		t.Errorf("slowest 10k mass send took %v", worst)
	}
	if n := len(e.sim.Deliveries(testApp)); n != 50000 {
		t.Errorf("%d followers reached, want 50000", n)
	}
}

func BenchmarkMassSend10k(b *testing.B) {
	sim := NewServer(WithMassRateLimit(0))
	sim.AddApp(testApp, "s")
	ts := httptest.NewServer(sim)
	defer ts.Close()
	defer sim.Close()
	resp, err := http.Get(ts.URL + "/cgi-bin/token?grant_type=client_credential&appid=" + testApp + "&secret=s")
	if err != nil {
		b.Fatal(err)
	}
	var tok tokenResponse
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	target := ts.URL + pathMassSend + "?" + url.Values{"access_token": {tok.AccessToken}}.Encode()
	bodies := make([]string, b.N)
	for i := range bodies {
		raw, _ := json.Marshal(massText(openids(strconv.Itoa(i)+"_", 10000), "hi", strconv.Itoa(i)))
		bodies[i] = string(raw)
	}
	b.ResetTimer()
	for i := range b.N {
		resp, err := http.Post(target, "application/json", strings.NewReader(bodies[i]))
		if err != nil {
			b.Fatal(err)
		}
		var r msgReply
		_ = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if r.ErrCode != 0 {
			b.Fatalf("errcode %d", r.ErrCode)
		}
	}
}
