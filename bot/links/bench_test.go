package links_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"
)

// BenchmarkHops times each hop of a click inside wxcast's HTTP handler,
// Redis included, WeChat's page excluded: the link inside WeChat (a Redis
// read, a signed state) and the authorization's return (the state
// checked, a Redis read, the code queued; the simulator answers the
// exchanges in the background, 40029 for these made-up codes, so each
// also counts an anonymous tap). Besides ns/op it reports the p50 and p99
// of the single requests. The paced figures at 1,000 clicks/s come from
// `wxload clicks` (docs/performance.md).
func BenchmarkHops(b *testing.B) {
	w := newWorld(b, worldOpts{queue: 1_000_000})
	loc, err := url.Parse(w.get("/l/"+w.code0, wechatUA, follA).location)
	if err != nil {
		b.Fatal(err)
	}
	state := loc.Query().Get("state")
	hop := func(b *testing.B, path string) {
		var took []time.Duration
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("User-Agent", wechatUA)
			rec := httptest.NewRecorder()
			start := time.Now()
			w.handler.ServeHTTP(rec, req)
			took = append(took, time.Since(start))
			if rec.Code != http.StatusFound {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	}
	b.Run("link", func(b *testing.B) { hop(b, "/l/"+w.code0) })
	b.Run("return", func(b *testing.B) {
		hop(b, "/l/auth?"+url.Values{"code": {"benchcode"}, "state": {state}}.Encode())
	})
}
