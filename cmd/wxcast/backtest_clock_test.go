package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/segment"
)

// TestBacktestTimesInAccountZone: the back-test's period is printed in
// the account's timezone, whatever zone its times come in.
func TestBacktestTimesInAccountZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	r := &segment.BacktestReport{Version: "abc",
		From: time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC), To: time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)}
	var out bytes.Buffer
	if err := writeBacktest(&out, "rules.yaml", r, shanghai); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if want := "rules.yaml (version abc) over 2026-12-01 00:30 – 2026-12-08 00:30 (Asia/Shanghai)"; !strings.HasPrefix(first, want) {
		t.Errorf("first line %q, want it to start %q", first, want)
	}
}
