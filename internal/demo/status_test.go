package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStatusBannerAndCLI checks what the page's banner and command-line
// panel read: the refused files with their problems while wxcast holds a
// refusal, none once it is over, and the command lines as given; and that
// the page carries the banner, the panel and the script that fills them.
func TestStatusBannerAndCLI(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	var refusing atomic.Bool
	refusal := Refusal{What: "规则文件", File: "rules.yaml", Version: "bad000000001", Live: "good00000001", At: at,
		Problems: []string{"rules.yaml:5:20: tags.clicked_promo.when: unexpected end of expression"}}
	cli := []string{"export WXCAST_REDIS_URL=redis://:pw@127.0.0.1:1/0", "wxcast segment count promo_clickers"}
	d := New(Options{Followers: 3, CLI: cli, Refusals: func() []Refusal {
		if refusing.Load() {
			return []Refusal{refusal}
		}
		return nil
	}})
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	get := func() status {
		t.Helper()
		res, err := http.Get(srv.URL + "/api/status")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var s status
		if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&s) != nil {
			t.Fatalf("GET /api/status: %s", res.Status)
		}
		return s
	}
	s := get()
	if len(s.Refused) != 0 || strings.Join(s.CLI, "\n") != strings.Join(cli, "\n") {
		t.Fatalf("without a refusal: %+v", s)
	}
	refusing.Store(true)
	s = get()
	if len(s.Refused) != 1 || s.Refused[0].Version != refusal.Version || !s.Refused[0].At.Equal(at) ||
		len(s.Refused[0].Problems) != 1 || s.Refused[0].Problems[0] != refusal.Problems[0] {
		t.Fatalf("with a refusal: %+v", s.Refused)
	}
	refusing.Store(false)
	if s = get(); len(s.Refused) != 0 {
		t.Fatalf("the refusal is over, yet: %+v", s.Refused)
	}

	for path, want := range map[string][]string{
		"/":          {`id="refused"`, `id="cli-lines"`, `src="status.js"`},
		"/status.js": {"/api/status", "refused", "cli-lines"},
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	if id := FirstFollower(7); id != New(Options{Followers: 40, Seed: 7}).people[0].openid || id == FirstFollower(8) {
		t.Fatalf("FirstFollower(7) = %q is not 粉丝0001 of seed 7, or is seed 8's too", id)
	}
}
