package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wxcast/wxcast/bot"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// BenchmarkCallback measures the whole callback path in process (verify,
// decrypt, parse, dedup, profile update, answer) without the network, so
// profiles show wxcast's own cost. Run against a real Redis:
//
//	TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench Callback ./handlers/
func BenchmarkCallback(b *testing.B) {
	rs, err := rules.Load("../cmd/wxload/testdata/rules50.yaml", rules.Options{Location: cst})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		mode  wxsim.Mode
		rules bool
	}{{"plain", wxsim.ModePlain, false}, {"safe", wxsim.ModeSafe, false}, {"safe_50_tag_rules", wxsim.ModeSafe, true}} {
		mode := tc.mode
		b.Run(tc.name, func(b *testing.B) {
			s := redistest.Open(b)
			cal := store.Calendar{Loc: cst}
			f := s.Followers(cal, store.Limits{DedupTTL: time.Minute, HistoryMax: 50, HistoryDays: 8})
			o := bot.Options{Followers: f, ReplyWait: time.Second}
			if tc.rules {
				o.Rules = bot.NewRules(rules.Static(rs), cal, zap.NewNop())
			}
			srv, err := handlers.NewServer(handlers.Config{
				AppID: appID, Token: token, AESKeys: []string{aesKey}, AllowPlaintext: true, CallbackPath: "/wechat",
				TimestampTolerance: 300 * time.Second, MaxBodyBytes: 64 << 10,
			}, bot.New(o), s, prometheus.NewRegistry(), zap.NewNop())
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://wxcast/wechat", Token: token,
				EncodingAESKey: aesKey, AppID: appID, OriginalID: original, Mode: mode})
			if err != nil {
				b.Fatal(err)
			}
			// Requests are built before timing: the client's crypto is not
			// wxcast's cost.
			reqs := make([]*http.Request, b.N)
			bodies := make([][]byte, b.N)
			for i := range reqs {
				m := wxsim.Text(fmt.Sprintf("oBench%05d", i%10000), "我想了解一下会员优惠", int64(i+1))
				r, err := c.BuildRequest(context.Background(), m)
				if err != nil {
					b.Fatal(err)
				}
				bodies[i] = readAll(b, r)
				reqs[i] = r
			}
			var next atomic.Int64
			// Many callbacks in flight per core, as under real load: with
			// one per core the benchmark would only measure Redis latency.
			b.SetParallelism(16)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1) - 1
					r := reqs[i]
					r.Body = nopCloser{bytesReader(bodies[i])}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != 200 || !tc.rules && w.Body.String() != "success" {
						b.Errorf("status %d %q", w.Code, w.Body.String())
						return
					}
				}
			})
		})
	}
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n.Add(int64(len(p))); return len(p), nil }

// BenchmarkRefusalFlood measures a flood of callbacks signed with a wrong
// token: the time each refusal costs and the bytes of JSON log each one
// writes (log-B/op), which sampling keeps near zero.
//
//	TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench RefusalFlood ./handlers/
func BenchmarkRefusalFlood(b *testing.B) {
	s := redistest.Open(b)
	f := s.Followers(store.Calendar{Loc: cst}, store.Limits{DedupTTL: time.Minute, HistoryMax: 50, HistoryDays: 8})
	out := &countingWriter{}
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	log := zap.New(zapcore.NewCore(enc, zapcore.AddSync(out), zap.InfoLevel))
	srv, err := handlers.NewServer(handlers.Config{
		AppID: appID, Token: token, AESKeys: []string{aesKey}, AllowPlaintext: true, CallbackPath: "/wechat",
		TimestampTolerance: 300 * time.Second, MaxBodyBytes: 64 << 10,
	}, bot.New(bot.Options{Followers: f, ReplyWait: time.Second}), s, prometheus.NewRegistry(), log)
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://wxcast/wechat", Token: "notTheToken",
		EncodingAESKey: aesKey, AppID: appID, OriginalID: original, Mode: wxsim.ModePlain})
	if err != nil {
		b.Fatal(err)
	}
	req, err := c.BuildRequest(context.Background(), wxsim.Text("oFlood", "hi", 1))
	if err != nil {
		b.Fatal(err)
	}
	body := readAll(b, req)
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := req.Clone(context.Background())
			r.Body = nopCloser{bytesReader(body)}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(out.n.Load())/float64(b.N), "log-B/op")
}
