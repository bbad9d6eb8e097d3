package wxsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// tagRoster is a simulator on a fake clock with n followers (PopulateFollowers)
// and one tag "all"; if tagAll, every follower holds it. No mass quota or
// rate limit, and a lean call log, so only the measured calls cost.
func tagRoster(b *testing.B, n int, tagAll bool) (sim *Server, clock *fakeClock, base string, tag int) {
	b.Helper()
	clock = newFakeClock(simStart())
	sim = NewServer(WithClock(clock.Now), WithMassRateLimit(0), WithLeanCallLog())
	sim.AddApp(testApp, "s")
	sim.SetDailyQuota(pathMassSend, -1)
	sim.PopulateFollowers(testApp, n, 1)
	tag, err := sim.CreateTag(testApp, "all")
	if err != nil {
		b.Fatal(err)
	}
	if tagAll {
		r := &sim.apps[testApp].users
		slot := r.tags.slotOf(tag)
		for i := range r.fans {
			r.fans[i].tags.add(slot)
		}
		r.tags.slots[slot].count = len(r.fans)
	}
	ts := httptest.NewServer(sim)
	b.Cleanup(ts.Close)
	b.Cleanup(sim.Close)
	return sim, clock, ts.URL, tag
}

// benchToken fetches a fresh access token of the test app.
func benchToken(b *testing.B, base string) string {
	b.Helper()
	resp, err := http.Get(base + "/cgi-bin/token?grant_type=client_credential&appid=" + testApp + "&secret=s")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok tokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		b.Fatal(err)
	}
	return tok.AccessToken
}

func benchPost(b *testing.B, target, body string) {
	b.Helper()
	resp, err := http.Post(target, "application/json", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	var r msgReply
	_ = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if r.ErrCode != 0 {
		b.Fatalf("errcode %d %s", r.ErrCode, r.ErrMsg)
	}
}

// BenchmarkMassSendAll1M sends one text by tag to a tag a million
// followers hold; one op is one sendall call. Each op runs a month later,
// so the four-a-month cap never filters anyone.
func BenchmarkMassSendAll1M(b *testing.B) {
	sim, clock, base, tag := tagRoster(b, benchFollowers, true)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		clock.Advance(32 * 24 * time.Hour)
		target := base + pathMassSendAll + "?" + url.Values{"access_token": {benchToken(b, base)}}.Encode()
		body := fmt.Sprintf(`{"filter":{"is_to_all":false,"tag_id":%d},"msgtype":"text","text":{"content":"hi"},"clientmsgid":"b%d"}`, tag, i)
		b.StartTimer()
		benchPost(b, target, body)
	}
	b.StopTimer()
	if j := sim.Jobs(testApp)[b.N-1]; j.Sent != benchFollowers {
		b.Fatalf("last job sent %d, want %d", j.Sent, benchFollowers)
	}
}

// BenchmarkBatchTagging1M tags a million followers 50 at a time; one op is
// one batchtagging call, so -benchtime=20000x tags all of them.
func BenchmarkBatchTagging1M(b *testing.B) {
	sim, _, base, tag := tagRoster(b, benchFollowers, false)
	fans := sim.apps[testApp].users.fans
	bodies := make([]string, benchFollowers/maxTaggingOpenIDs)
	for i := range bodies {
		ids := make([]string, maxTaggingOpenIDs)
		for j := range ids {
			ids[j] = fans[i*maxTaggingOpenIDs+j].openid
		}
		raw, _ := json.Marshal(map[string]any{"openid_list": ids, "tagid": tag})
		bodies[i] = string(raw)
	}
	target := base + pathBatchTag + "?" + url.Values{"access_token": {benchToken(b, base)}}.Encode()
	b.ResetTimer()
	for i := range b.N {
		benchPost(b, target, bodies[i%len(bodies)])
	}
	b.StopTimer()
	if want := min(b.N, len(bodies)) * maxTaggingOpenIDs; sim.WeChatTags(testApp)[1].Count != want {
		b.Fatalf("tag count %d, want %d", sim.WeChatTags(testApp)[1].Count, want)
	}
}
