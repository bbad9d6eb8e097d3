package attrs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// object decodes a JSON object as the attributes API does.
func object(t *testing.T, src string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestPut(t *testing.T) {
	t.Parallel()
	rs, err := rules.Parse("rules.yaml", []byte("attributes:\n  vip_level: int\n  city: string\n"), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := redistest.Open(t).Followers(store.Calendar{}, store.Limits{})
	s := attrs.NewService(f, func() *rules.Ruleset { return rs }, zaptest.NewLogger(t))
	ctx := context.Background()
	tests := []struct {
		name, body string
		changed    bool
		want       string // the attributes after, as JSON
		refused    string // the refused attribute, when the Put fails
	}{
		{"set", `{"vip_level": 3, "city": "上海"}`, true, `{"city":"上海","vip_level":3}`, ""},
		{"same again", `{"vip_level": 3}`, false, `{"city":"上海","vip_level":3}`, ""},
		{"delete", `{"city": null}`, true, `{"vip_level":3}`, ""},
		{"nothing", `{}`, false, `{"vip_level":3}`, ""},
		{"wrong type, nothing written", `{"city": "北京", "vip_level": 3.5}`, false, "", "vip_level"},
		{"undeclared", `{"vip_lvl": 4}`, false, "", "vip_lvl"},
	}
	for _, tt := range tests { // in order: later cases see earlier writes
		res, err := s.Put(ctx, "o1", object(t, tt.body))
		var ae *rules.AttrError
		if tt.refused != "" {
			if !errors.Is(err, attrs.ErrInvalid) || !errors.As(err, &ae) || ae.Attr != tt.refused ||
				!strings.HasPrefix(err.Error(), "attribute "+tt.refused+": ") {
				t.Errorf("%s: error %v, want a refusal of %s", tt.name, err, tt.refused)
			}
			continue
		}
		got, _ := json.Marshal(res.Attributes)
		if err != nil || res.Changed != tt.changed || string(got) != tt.want {
			t.Errorf("%s: %+v %s, %v; want changed %v, %s", tt.name, res, got, err, tt.changed, tt.want)
		}
	}
	if p, _ := f.Profile(ctx, "o1"); p.Attrs()["city"] != "" {
		t.Errorf("a refused Put wrote: %v", p.Attrs())
	}
}

func TestPutWithoutRules(t *testing.T) {
	t.Parallel()
	f := redistest.Open(t).Followers(store.Calendar{}, store.Limits{})
	ctx := context.Background()
	if _, err := f.SetAttributes(ctx, "o1", map[string]string{"vip_level": "3"}); err != nil {
		t.Fatal(err)
	}
	for _, live := range []func() *rules.Ruleset{nil, func() *rules.Ruleset { return nil }} {
		s := attrs.NewService(f, live, nil)
		if _, err := s.Put(ctx, "o1", object(t, `{"vip_level": 3}`)); !errors.Is(err, attrs.ErrInvalid) {
			t.Errorf("without rules: %v, want a refusal", err)
		}
		// Stored attributes are not declared: none are typed, and the map
		// is empty rather than nil (the API answers {}).
		res, err := s.Put(ctx, "o1", map[string]any{})
		if err != nil || res.Changed || res.Attributes == nil || len(res.Attributes) != 0 {
			t.Errorf("empty Put without rules: %+v, %v", res, err)
		}
	}
}

// brokenStore fails as a Redis that is down does.
type brokenStore struct{ setErr, profileErr error }

func (b brokenStore) SetAttributes(context.Context, string, map[string]string) (bool, error) {
	return false, b.setErr
}

func (b brokenStore) SetAttributesNamed(context.Context, string, map[string]string) ([]string, error) {
	return nil, b.setErr
}

func (b brokenStore) Profile(context.Context, string) (*store.Profile, error) {
	return nil, b.profileErr
}

func TestPutStoreFails(t *testing.T) {
	t.Parallel()
	rs, err := rules.Parse("rules.yaml", []byte("attributes: {vip_level: int}\n"), rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	down := errors.New("dial tcp: connection refused")
	for _, st := range []brokenStore{{setErr: down}, {profileErr: down}} {
		s := attrs.NewService(st, func() *rules.Ruleset { return rs }, zaptest.NewLogger(t))
		_, err := s.Put(context.Background(), "o1", object(t, `{"vip_level": 3}`))
		if !errors.Is(err, down) || errors.Is(err, attrs.ErrInvalid) {
			t.Errorf("%+v: %v; want the store's error, not a refusal", st, err)
		}
	}
}
