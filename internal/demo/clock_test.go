package demo

import (
	"net/http/httptest"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai and America/New_York on any machine
)

func TestZoneName(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{
		{defaultZone(), "Asia/Shanghai"},
		{ny, "America/New_York"},
		{time.UTC, "UTC"},
		{time.FixedZone("CST", 8*3600), "Etc/GMT-8"},
		{time.FixedZone("X", -5*3600), "Etc/GMT+5"},
	} {
		if got := zoneName(tt.loc, now); got != tt.want {
			t.Errorf("zoneName(%v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}

// TestClockText: a time attribute, stored in UTC, shows in the account's
// zone; other attributes as they are.
func TestClockText(t *testing.T) {
	if got := clockText("2026-11-30T17:30:00Z", defaultZone()); got != "2026-12-01 01:30" {
		t.Errorf("in Shanghai: %q", got)
	}
	for _, s := range []string{"上海", "3", "2026-11-30"} {
		if got := clockText(s, defaultZone()); got != s {
			t.Errorf("clockText(%q) = %q", s, got)
		}
	}
}

// TestPageTimeZone: the page learns the account's zone, whatever the
// host's, and defaults to Asia/Shanghai as the configuration does.
func TestPageTimeZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{nil, "Asia/Shanghai"}, {ny, "America/New_York"}} {
		srv := httptest.NewServer(New(Options{Location: tt.loc}).Handler())
		var people struct {
			TimeZone string `json:"timezone"`
		}
		getJSON(t, srv.URL+"/api/people", &people)
		srv.Close()
		if people.TimeZone != tt.want {
			t.Errorf("timezone %q, want %q", people.TimeZone, tt.want)
		}
	}
}
