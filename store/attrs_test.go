package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

func rawProfile(t *testing.T, s *store.Store, openid string) string {
	t.Helper()
	shard, _ := s.FollowerKeys(openid)
	v, _ := s.Redis().HGet(context.Background(), shard, openid).Result()
	return v
}

func TestSetAttributesReportsChange(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	f := followers(t, s)
	ctx := context.Background()
	record(t, f, "oa", 1, time.Now().Truncate(time.Second))
	steps := []struct {
		attrs   map[string]string
		changed bool
		want    map[string]string
	}{
		{map[string]string{"vip_level": "3", "city": "上海"}, true, map[string]string{"vip_level": "3", "city": "上海"}},
		{map[string]string{"city": "上海", "vip_level": "3"}, false, map[string]string{"vip_level": "3", "city": "上海"}},
		{map[string]string{"vip_level": "3"}, false, map[string]string{"vip_level": "3", "city": "上海"}},
		{map[string]string{"spend": ""}, false, map[string]string{"vip_level": "3", "city": "上海"}},
		{map[string]string{"vip_level": "4"}, true, map[string]string{"vip_level": "4", "city": "上海"}},
		{map[string]string{"city": ""}, true, map[string]string{"vip_level": "4"}},
	}
	for i, st := range steps {
		before := rawProfile(t, s, "oa")
		changed, err := f.SetAttributes(ctx, "oa", st.attrs)
		if err != nil || changed != st.changed {
			t.Fatalf("step %d: changed %v, %v; want %v", i, changed, err, st.changed)
		}
		if after := rawProfile(t, s, "oa"); !changed && after != before {
			t.Errorf("step %d: unchanged but rewritten: %q → %q", i, before, after)
		}
		p, _ := f.Profile(ctx, "oa")
		if fmt.Sprint(p.Attrs()) != fmt.Sprint(st.want) || p.Counts()["text"] != 1 {
			t.Errorf("step %d: attrs %v counts %v; want %v", i, p.Attrs(), p.Counts(), st.want)
		}
	}
	// Deleting from a follower nobody knows creates no profile.
	if changed, err := f.SetAttributes(ctx, "onew", map[string]string{"city": ""}); err != nil || changed {
		t.Fatal(changed, err)
	}
	if p, _ := f.Profile(ctx, "onew"); p.Known {
		t.Error("a deletion created a profile")
	}
}

func TestSetAttributesBatch(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	var ups []store.AttrUpdate
	for i := range 300 {
		ups = append(ups, store.AttrUpdate{OpenID: fmt.Sprintf("o%03d", i), Attrs: map[string]string{"n": fmt.Sprint(i), "even": fmt.Sprint(i%2 == 0)}})
	}
	// The same follower twice in one batch: the later update wins.
	ups = append(ups, store.AttrUpdate{OpenID: "o007", Attrs: map[string]string{"n": "seven", "even": ""}})
	n, err := f.SetAttributesBatch(ctx, ups)
	if err != nil || n != 301 {
		t.Fatalf("changed %d, %v; want 301", n, err)
	}
	if n, err := f.SetAttributesBatch(ctx, ups); err != nil || n != 2 {
		// Only o007 flips, twice: its first update undoes its last.
		t.Fatalf("again: changed %d, %v; want 2", n, err)
	}
	p, _ := f.Profile(ctx, "o007")
	if a := p.Attrs(); len(a) != 1 || a["n"] != "seven" {
		t.Errorf("o007 attrs = %v", a)
	}
	p, _ = f.Profile(ctx, "o100")
	if a := p.Attrs(); a["n"] != "100" || a["even"] != "true" {
		t.Errorf("o100 attrs = %v", a)
	}
	if n, err := f.SetAttributesBatch(ctx, nil); err != nil || n != 0 {
		t.Errorf("empty batch: %d, %v", n, err)
	}
}

// TestCountAttrChangesAgreesWithTheScript checks the dry run (the script
// without its write) against the run that writes, on random updates:
// sets, deletes, new and present names, values with "=" and separators.
func TestCountAttrChangesAgreesWithTheScript(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.Open(t))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"a", "b", "c", "d=e"}
	values := []string{"", "", "1", "2", "x=y", "s\x1fp", "上海"}
	for round := range 30 {
		var ups []store.AttrUpdate
		for i := range 20 {
			u := store.AttrUpdate{OpenID: fmt.Sprintf("o%d", i), Attrs: map[string]string{}}
			for range rng.IntN(4) {
				u.Attrs[names[rng.IntN(len(names))]] = values[rng.IntN(len(values))]
			}
			ups = append(ups, u)
		}
		want, err := f.CountAttrChanges(ctx, ups)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.SetAttributesBatch(ctx, ups)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("round %d: dry run says %d change, the script changed %d (%v)", round, want, got, ups)
		}
		if again, _ := f.CountAttrChanges(ctx, ups); again != 0 {
			t.Fatalf("round %d: %d would change again after applying", round, again)
		}
	}
}

// TestSetAttributesBatchAfterScriptFlush runs on the embedded store,
// where flushing the script cache disturbs no other test.
func TestSetAttributesBatchAfterScriptFlush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := redistest.OpenAt(t, "", redistest.Prefix(t)) // "": an embedded server of its own
	f := followers(t, s)
	ups := []store.AttrUpdate{{OpenID: "o1", Attrs: map[string]string{"a": "1"}}, {OpenID: "o2", Attrs: map[string]string{"a": "2"}}}
	if err := s.Redis().ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := f.SetAttributesBatch(ctx, ups); err != nil || n != 2 {
		t.Fatalf("changed %d, %v; want 2", n, err)
	}
}

func TestSetAttributesBatchOnCluster(t *testing.T) {
	t.Parallel()
	f := followers(t, redistest.OpenCluster(t))
	ctx := context.Background()
	var ups []store.AttrUpdate
	for i := range 200 {
		ups = append(ups, store.AttrUpdate{OpenID: fmt.Sprintf("oc%d", i), Attrs: map[string]string{"a": "1"}})
	}
	if n, err := f.SetAttributesBatch(ctx, ups); err != nil || n != 200 {
		t.Fatalf("changed %d, %v", n, err)
	}
	if n, err := f.CountAttrChanges(ctx, ups); err != nil || n != 0 {
		t.Fatalf("dry run: %d, %v", n, err)
	}
}
