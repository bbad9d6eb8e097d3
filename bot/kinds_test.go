package bot

import (
	"strings"
	"testing"

	"github.com/wxcast/wxcast/store"
)

func TestKindsAndDedupIDs(t *testing.T) {
	t.Parallel()
	longURL := "https://example.com/" + strings.Repeat("x", 100)
	cases := []struct {
		name  string
		m     Message
		kind  string
		class store.Class
		id    string
		check func(t *testing.T, ev store.Event)
	}{
		{"text keyed by MsgId", Message{MsgType: "text", MsgID: 42, CreateTime: 100, Content: "hi"},
			"text", store.ClassMessage, "m42", func(t *testing.T, ev store.Event) {
				if ev.Content != "hi" {
					t.Errorf("content %q", ev.Content)
				}
			}},
		{"subscribe via QR strips qrscene_", Message{MsgType: "event", Event: "subscribe", EventKey: "qrscene_spring", CreateTime: 100},
			"subscribe", store.ClassEvent, "e100:subscribe:qrscene_spring", func(t *testing.T, ev store.Event) {
				if ev.Sub != store.SubSubscribe || ev.Scene != "spring" {
					t.Errorf("sub %c scene %q", ev.Sub, ev.Scene)
				}
			}},
		{"unsubscribe is passive", Message{MsgType: "event", Event: "unsubscribe", CreateTime: 101},
			"unsubscribe", store.ClassPassive, "e101:unsubscribe:", func(t *testing.T, ev store.Event) {
				if ev.Sub != store.SubUnsubscribe {
					t.Errorf("sub %c", ev.Sub)
				}
			}},
		{"SCAN keeps the scene", Message{MsgType: "event", Event: "SCAN", EventKey: "spring", CreateTime: 102},
			"scan", store.ClassEvent, "e102:scan:spring", func(t *testing.T, ev store.Event) {
				if ev.Scene != "spring" || ev.Sub != store.SubNone {
					t.Errorf("scene %q sub %c", ev.Scene, ev.Sub)
				}
			}},
		{"LOCATION event is location_report", Message{MsgType: "event", Event: "LOCATION", Latitude: 31.2, Longitude: 121.5, Precision: 40, CreateTime: 103},
			"location_report", store.ClassEvent, "e103:location:", func(t *testing.T, ev store.Event) {
				if ev.Location == nil || ev.Location.Lat != 31.2 || ev.Location.Precision != 40 {
					t.Errorf("location %+v", ev.Location)
				}
			}},
		{"location message", Message{MsgType: "location", MsgID: 7, LocationX: 39.9, LocationY: 116.4, Label: "北京", CreateTime: 104},
			"location", store.ClassMessage, "m7", func(t *testing.T, ev store.Event) {
				if ev.Location == nil || ev.Location.Lng != 116.4 || ev.Content != "北京" {
					t.Errorf("location %+v content %q", ev.Location, ev.Content)
				}
			}},
		{"CLICK sets the click key", Message{MsgType: "event", Event: "CLICK", EventKey: "PROMO", CreateTime: 105},
			"click", store.ClassEvent, "e105:click:PROMO", func(t *testing.T, ev store.Event) {
				if ev.ClickKey != "PROMO" {
					t.Errorf("click key %q", ev.ClickKey)
				}
			}},
		{"long VIEW URL is hashed in the id", Message{MsgType: "event", Event: "VIEW", EventKey: longURL, CreateTime: 106},
			"view", store.ClassEvent, "", func(t *testing.T, ev store.Event) {
				if len(ev.DedupID) > 80 || ev.Key != longURL {
					t.Errorf("id %q key %q", ev.DedupID, ev.Key)
				}
			}},
		{"unknown event still counts", Message{MsgType: "event", Event: "scancode_push", EventKey: "k", CreateTime: 107},
			"scancode_push", store.ClassEvent, "e107:scancode_push:k", nil},
		{"mass-send report keyed by its MsgID", Message{MsgType: "event", Event: "MASSSENDJOBFINISH", JobMsgID: 1000001, CreateTime: 108},
			"masssendjobfinish", 0, "j1000001", nil},
	}
	kinds := newKindTable()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := kinds.lookup(&tc.m)
			ev := toEvent(&tc.m, k)
			if k.name != tc.kind || ev.Class != tc.class {
				t.Fatalf("kind %q class %q, want %q %q", k.name, ev.Class, tc.kind, tc.class)
			}
			if tc.id != "" && ev.DedupID != tc.id {
				t.Fatalf("dedup id %q, want %q", ev.DedupID, tc.id)
			}
			if tc.check != nil {
				tc.check(t, ev)
			}
		})
	}
}

func TestValidOpenID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"oAbc-_123456789012345678901": true,
		"":                            false,
		"o{x}":                        false,
		"o x":                         false,
		strings.Repeat("a", 65):       false,
	} {
		if validOpenID(s) != want {
			t.Errorf("validOpenID(%q) = %v", s, !want)
		}
	}
}
