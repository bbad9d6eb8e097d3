package wxsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
)

const (
	pathUserGet      = "/cgi-bin/user/get"
	pathUserInfo     = "/cgi-bin/user/info"
	pathBatchGet     = "/cgi-bin/user/info/batchget"
	pathTagCreate    = "/cgi-bin/tags/create"
	pathTagGet       = "/cgi-bin/tags/get"
	pathTagUpdate    = "/cgi-bin/tags/update"
	pathTagDelete    = "/cgi-bin/tags/delete"
	pathTagFans      = "/cgi-bin/user/tag/get"
	pathBatchTag     = "/cgi-bin/tags/members/batchtagging"
	pathBatchUntag   = "/cgi-bin/tags/members/batchuntagging"
	pathTagIDList    = "/cgi-bin/tags/getidlist"
	testOpenIDPrefix = "oTEST_"
)

// api sends body (nil for none; a string as is; anything else as JSON) to
// path with the app's token and q, decodes the answer into out (if not
// nil) and returns its errcode and the raw body.
func (e *msgEnv) api(method, path string, q url.Values, body, out any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		rd = jsonReader(e.t, b)
	}
	v := url.Values{"access_token": {e.tok}}
	for k, vs := range q {
		v[k] = vs
	}
	req, err := http.NewRequest(method, e.url+path+"?"+v.Encode(), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s %s: HTTP %d %v", method, path, resp.StatusCode, err)
	}
	var code struct {
		ErrCode int `json:"errcode"`
	}
	if err := json.Unmarshal(raw, &code); err != nil {
		e.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
	}
	if out != nil && code.ErrCode == 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return code.ErrCode, raw
}

// code is api for callers that only want the errcode of a POST.
func (e *msgEnv) code(path string, body any) int {
	e.t.Helper()
	c, _ := e.api(http.MethodPost, path, nil, body, nil)
	return c
}

// fanIDs returns n well-formed 28-character openids.
func fanIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%022d", testOpenIDPrefix, i)
	}
	return out
}

// addFans puts openids on the test app's roster, a second apart from
// simStart, holding tags.
func (e *msgEnv) addFans(ids []string, tags ...int) {
	fs := make([]Follower, len(ids))
	for i, id := range ids {
		fs[i] = Follower{OpenID: id, SubscribeTime: simStart().Add(time.Duration(i) * time.Second), TagIDs: tags}
	}
	e.sim.AddFollowers(e.appID, fs...)
}

// mustTag creates a tag directly and returns its id.
func (e *msgEnv) mustTag(name string) int {
	e.t.Helper()
	id, err := e.sim.CreateTag(e.appID, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

type userListBody struct {
	Total int `json:"total"`
	Count int `json:"count"`
	Data  struct {
		OpenIDs []string `json:"openid"`
	} `json:"data"`
	NextOpenID string `json:"next_openid"`
}

// userGet fetches one user/get page after next.
func (e *msgEnv) userGet(next string) (int, userListBody) {
	e.t.Helper()
	var out userListBody
	q := url.Values{}
	if next != "" {
		q.Set("next_openid", next)
	}
	c, _ := e.api(http.MethodGet, pathUserGet, q, nil, &out)
	return c, out
}

// allFollowers pages user/get to the end, checking each page's shape.
func (e *msgEnv) allFollowers() []string {
	e.t.Helper()
	var all []string
	next := ""
	for {
		c, p := e.userGet(next)
		if c != 0 {
			e.t.Fatalf("user/get after %q: errcode %d", next, c)
		}
		if p.Count != len(p.Data.OpenIDs) || p.Count > 10000 {
			e.t.Fatalf("page after %q: count %d, %d openids", next, p.Count, len(p.Data.OpenIDs))
		}
		if p.Count == 0 {
			if p.NextOpenID != "" {
				e.t.Fatalf("empty page has next_openid %q", p.NextOpenID)
			}
			return all
		}
		if p.NextOpenID != p.Data.OpenIDs[p.Count-1] {
			e.t.Fatalf("next_openid %q is not the page's last openid", p.NextOpenID)
		}
		all = append(all, p.Data.OpenIDs...)
		next = p.NextOpenID
	}
}

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
