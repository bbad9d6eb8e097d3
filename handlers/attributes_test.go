package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/rules"
)

const apiToken = "test-api-token-0123456789"

func parseRules(t *testing.T, src string) *rules.Ruleset {
	t.Helper()
	rs, err := rules.Parse("rules.yaml", []byte(src), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// put sends a PUT of body to the attributes of openid and returns the
// status, the decoded JSON answer and the WWW-Authenticate header.
func put(t *testing.T, base, openid, auth, ctype, body string) (int, map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+"/api/followers/"+openid+"/attributes", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	data, _ := io.ReadAll(res.Body)
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("answer is not a JSON object: %q", data)
	}
	return res.StatusCode, v, res.Header.Get("WWW-Authenticate")
}

func TestPutAttributes(t *testing.T) {
	t.Parallel()
	var live atomic.Pointer[rules.Ruleset]
	live.Store(parseRules(t, "attributes:\n  vip_level: int\n  city: string\n  last_order_at: time\n"))
	e := newEnv(t, envOpts{apiToken: apiToken, rules: live.Load})
	bearer := "Bearer " + apiToken
	const js = "application/json"
	tests := []struct {
		name, openid, auth, ctype, body string
		status                          int
		want                            string // in the answer's JSON
	}{
		{"no token", "o1", "", js, `{"vip_level": 3}`, 401, "missing or wrong bearer token"},
		{"wrong token", "o1", "Bearer " + apiToken + "x", js, `{"vip_level": 3}`, 401, "bearer token"},
		{"basic auth", "o1", "Basic " + apiToken, js, `{"vip_level": 3}`, 401, "bearer token"},
		{"bad openid", "o%20x", bearer, js, `{"vip_level": 3}`, 400, "only letters, digits"},
		{"not json", "o1", bearer, "text/csv", `vip_level,3`, 415, "application/json"},
		{"no content type", "o1", bearer, "", `{"vip_level": 3}`, 415, "application/json"},
		{"too big", "o1", bearer, js, `{"city": "` + strings.Repeat("x", 64<<10) + `"}`, 413, "larger than 64 KiB"},
		{"malformed", "o1", bearer, js, `{"vip_level": }`, 400, "malformed JSON"},
		{"two values", "o1", bearer, js, `{} {}`, 400, "more than one value"},
		{"array", "o1", bearer, js, `[1]`, 400, "want a JSON object"},
		{"undeclared", "o1", bearer, js, `{"vip_lvl": 3}`, 422, "attribute vip_lvl: not declared in the rules file (did you mean vip_level?)"},
		{"wrong type", "o1", bearer, js, `{"vip_level": 3.5}`, 422, "attribute vip_level: want an int"},
		{"long string", "o1", bearer, js, `{"city": "` + strings.Repeat("x", 1025) + `"}`, 422, "longer than 1024"},
		{"set", "o1", "bearer " + apiToken, "application/json; charset=utf-8", `{"vip_level": 3, "city": "上海", "last_order_at": "2026-05-01T08:00:00+08:00"}`, 200,
			`"attributes":{"city":"上海","last_order_at":"2026-05-01T00:00:00Z","vip_level":3},"changed":true,"openid":"o1"`},
		{"same again", "o1", bearer, js, `{"vip_level": 3}`, 200, `"changed":false`},
		{"delete", "o1", bearer, js, `{"city": null}`, 200, `"attributes":{"last_order_at":"2026-05-01T00:00:00Z","vip_level":3},"changed":true`},
		{"empty object", "o2", bearer, js, `{}`, 200, `{"attributes":{},"changed":false,"openid":"o2"}`},
	}
	for _, tt := range tests { // in order: later cases see earlier writes
		status, ans, authHdr := put(t, e.url, tt.openid, tt.auth, tt.ctype, tt.body)
		got, _ := json.Marshal(ans)
		if status != tt.status || !strings.Contains(string(got), tt.want) {
			t.Errorf("%s: %d %s; want %d containing %s", tt.name, status, got, tt.status, tt.want)
		}
		if (status == 401) != strings.HasPrefix(authHdr, "Bearer") {
			t.Errorf("%s: %d with WWW-Authenticate %q", tt.name, status, authHdr)
		}
	}
	if p, _ := e.followers.Profile(context.Background(), "o2"); p.Known {
		t.Error("an empty update created a profile")
	}
	// The live rules decide: a new version declaring member lets it in.
	if status, _, _ := put(t, e.url, "o1", bearer, js, `{"member": true}`); status != 422 {
		t.Errorf("member before the reload: %d", status)
	}
	live.Store(parseRules(t, "attributes:\n  vip_level: int\n  member: bool\n"))
	status, ans, _ := put(t, e.url, "o1", bearer, js, `{"member": true}`)
	if got, _ := json.Marshal(ans); status != 200 || string(got) != `{"attributes":{"member":true,"vip_level":3},"changed":true,"openid":"o1"}` {
		t.Errorf("member after the reload: %d %s", status, got)
	}
	res, err := http.Get(e.url + "/api/followers/o1/attributes")
	if err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v", res.StatusCode, err)
	}
}

func TestPutAttributesOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{rules: func() *rules.Ruleset { return parseRules(t, "attributes: {vip_level: int}\n") }})
	status, ans, _ := put(t, e.url, "o1", "Bearer anything-at-all-here", "application/json", `{"vip_level": 3}`)
	if status != 404 || !strings.Contains(ans["error"].(string), "set api.token") {
		t.Errorf("%d %v", status, ans)
	}
}

func TestPutAttributesWithoutRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{apiToken: apiToken})
	status, ans, _ := put(t, e.url, "o1", "Bearer "+apiToken, "application/json", `{"vip_level": 3}`)
	if status != 422 || ans["attribute"] != "vip_level" {
		t.Errorf("%d %v", status, ans)
	}
}

// A follower with stored attributes, and no rules file: the answer lists
// no typed attributes (none are declared) instead of failing.
func TestPutAttributesWithoutRulesKnownFollower(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{apiToken: apiToken})
	if _, err := e.followers.SetAttributes(context.Background(), "o1", map[string]string{"vip_level": "3"}); err != nil {
		t.Fatal(err)
	}
	status, ans, _ := put(t, e.url, "o1", "Bearer "+apiToken, "application/json", `{}`)
	if status != 200 || ans["changed"] != false {
		t.Errorf("%d %v", status, ans)
	}
	if attrs, ok := ans["attributes"].(map[string]any); !ok || len(attrs) != 0 {
		t.Errorf("attributes = %v, want none typed without a rules file", ans["attributes"])
	}
}

// failingAttrs fails every Put with err.
type failingAttrs struct{ err error }

func (f failingAttrs) Put(context.Context, string, map[string]any) (attrs.Result, error) {
	return attrs.Result{}, f.err
}

func TestPutAttributesFails(t *testing.T) {
	t.Parallel()
	storeDown := fmt.Errorf("attrs: set attributes of o1: %w", errors.New("store: set attributes of o1: dial tcp: connection refused"))
	tests := []struct {
		name   string
		err    error
		status int
		want   string // the whole answer
	}{
		{"the store fails: no detail shown", storeDown, 500, `{"error":"the store failed; try again"}`},
		{"refused, no attribute at fault", fmt.Errorf("%w: too many", attrs.ErrInvalid), 422, `{"error":"attrs: refused by the rules file: too many"}`},
	}
	for _, tt := range tests {
		e := newEnv(t, envOpts{apiToken: apiToken, attributes: failingAttrs{tt.err}})
		status, ans, _ := put(t, e.url, "o1", "Bearer "+apiToken, "application/json", `{"vip_level": 3}`)
		if got, _ := json.Marshal(ans); status != tt.status || string(got) != tt.want {
			t.Errorf("%s: %d %s; want %d %s", tt.name, status, got, tt.status, tt.want)
		}
	}
}

// encoding/json reads what is not UTF-8 as U+FFFD; the API refuses it,
// naming the attribute, instead of storing the replacement.
func TestPutAttributesRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	rs := parseRules(t, "attributes:\n  vip_level: int\n  city: string\n")
	e := newEnv(t, envOpts{apiToken: apiToken, rules: func() *rules.Ruleset { return rs }})
	for _, tt := range []struct{ name, body, attr string }{
		{"byte that is not UTF-8", "{\"vip_level\": 3, \"city\": \"Shang\xffhai\"}", "city"},
		{"lone surrogate", `{"vip_level": 3, "city": "\ud800"}`, "city"},
		{"in the name", "{\"vip_level\": 3, \"ci\xfety\": \"x\"}", `"ci\xfety"`},
	} {
		status, ans, _ := put(t, e.url, "o1", "Bearer "+apiToken, "application/json", tt.body)
		msg, _ := ans["error"].(string)
		if status != 422 || ans["attribute"] != tt.attr || !strings.Contains(msg, "not valid UTF-8") {
			t.Errorf("%s: %d %v; want 422 naming %s", tt.name, status, ans, tt.attr)
		}
	}
	if p, _ := e.followers.Profile(context.Background(), "o1"); p.Known {
		t.Errorf("a refused update stored %v", p.Attrs())
	}
}
