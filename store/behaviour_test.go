package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestRecordExternal: an event that asks for an existing profile writes
// nothing for an openid without one, not even its dedup mark; once the
// follower exists it is recorded, with its device.
func TestRecordExternal(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	f := followers(t, s)
	ctx := context.Background()
	at := time.Now().Truncate(time.Second)
	ev := store.Event{OpenID: "oNew", DedupID: "lc1", At: at, Kind: store.KindLinkClick, Class: store.ClassEvent,
		Key: "https://x.example/", Content: store.ClickRef(3, 0, 1), External: true,
		Device: &store.Device{OS: store.DeviceAndroid, Model: "SM-G9910\x1e\x1fx"}}
	out, err := f.Record(ctx, ev, at, store.MarkFinal)
	if err != nil || !out.Unknown || out.Duplicate || out.Profile != nil {
		t.Fatalf("unknown follower: %+v %v", out, err)
	}
	if raw := rawProfile(t, s, "oNew"); raw != "" {
		t.Fatalf("a profile was written: %q", raw)
	}
	record(t, f, "oNew", 1, at)
	out, err = f.Record(ctx, ev, at, store.MarkFinal)
	if err != nil || out.Unknown || out.Duplicate {
		t.Fatalf("known follower: %+v %v", out, err)
	}
	if p := out.Profile; p.DeviceOS != "android" || p.DeviceModel != "SM-G9910  x" || p.Counts()[store.KindLinkClick] != 1 {
		t.Errorf("profile after the click: os %q model %q counts %v", p.DeviceOS, p.DeviceModel, p.Counts())
	}
	// Other writers keep the device fields; an event without a device
	// leaves them alone.
	if _, err := f.SetAttributes(ctx, "oNew", map[string]string{"city": "上海"}); err != nil {
		t.Fatal(err)
	}
	record(t, f, "oNew", 2, at)
	p, err := f.Profile(ctx, "oNew")
	if err != nil || p.DeviceOS != "android" || p.DeviceModel != "SM-G9910  x" {
		t.Errorf("device after other writes: %q %q %v", p.DeviceOS, p.DeviceModel, err)
	}
}

func TestClickRef(t *testing.T) {
	t.Parallel()
	if b, v, l, ok := store.ParseClickRef(store.ClickRef(1234567890123, 2, 5)); !ok || b != 1234567890123 || v != 2 || l != 5 {
		t.Errorf("round trip: %d %d %d %v", b, v, l, ok)
	}
	for _, bad := range []string{"", "1:2", "a:1:2", "1:2:x", "hello"} {
		if _, _, _, ok := store.ParseClickRef(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestSetAttributesNamed names the attributes whose stored value changed:
// a rewrite of the same value is no change, a deletion of an unset one
// neither.
func TestSetAttributesNamed(t *testing.T) {
	t.Parallel()
	s := redistest.Open(t)
	f := followers(t, s)
	ctx := context.Background()
	steps := []struct {
		attrs map[string]string
		want  []string
	}{
		{map[string]string{"last_order_at": "2026-12-01T10:00:00Z", "city": "上海"}, []string{"city", "last_order_at"}},
		{map[string]string{"last_order_at": "2026-12-01T10:00:00Z", "city": "上海"}, nil},
		{map[string]string{"last_order_at": "2026-12-02T10:00:00Z", "city": "上海"}, []string{"last_order_at"}},
		{map[string]string{"plan": ""}, nil},
		{map[string]string{"city": ""}, []string{"city"}},
	}
	for i, st := range steps {
		got, err := f.SetAttributesNamed(ctx, "oa", st.attrs)
		if err != nil || !slices.Equal(got, st.want) {
			t.Errorf("step %d: %v %v, want %v", i, got, err, st.want)
		}
	}
	ups := []store.AttrUpdate{
		{OpenID: "oa", Attrs: map[string]string{"last_order_at": "2026-12-02T10:00:00Z"}},
		{OpenID: "ob", Attrs: map[string]string{"last_order_at": "2026-12-03T10:00:00Z", "vip": "1"}},
		{OpenID: "oa", Attrs: map[string]string{"last_order_at": "2026-12-04T10:00:00Z"}},
	}
	got, err := f.SetAttributesBatchNamed(ctx, ups)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{nil, {"last_order_at", "vip"}, {"last_order_at"}}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("batch %d: %v, want %v", i, got[i], want[i])
		}
	}
	if a := mustProfile(t, f, "oa").Attrs(); a["last_order_at"] != "2026-12-04T10:00:00Z" {
		t.Errorf("attrs after the batch: %v", a)
	}
}

func mustProfile(t *testing.T, f *store.Followers, openid string) *store.Profile {
	t.Helper()
	p, err := f.Profile(context.Background(), openid)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
