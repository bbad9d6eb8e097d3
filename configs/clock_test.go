package configs

import (
	"strings"
	"testing"
)

func TestClockRange(t *testing.T) {
	tests := []struct {
		in      string
		want    ClockRange
		wantErr string
	}{
		{"22:30-07:30", ClockRange{22*60 + 30, 7*60 + 30}, ""},
		{"7:00 - 8:30", ClockRange{7 * 60, 8*60 + 30}, ""},
		{"20：00－22：00", ClockRange{20 * 60, 22 * 60}, ""},
		{"18:00-24:00", ClockRange{18 * 60, 24 * 60}, ""},
		{"", ClockRange{}, ""},
		{"22:30", ClockRange{}, "not a time range"},
		{"25:00-07:00", ClockRange{}, "not a time range"},
		{"10:00-10:00", ClockRange{}, "empty"},
	}
	for _, tt := range tests {
		var r ClockRange
		err := r.UnmarshalText([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || r != tt.want {
			t.Errorf("%q = %+v, %v; want %+v", tt.in, r, err, tt.want)
		}
	}
}

func TestClockRangeContains(t *testing.T) {
	quiet := ClockRange{22*60 + 30, 7*60 + 30}
	for m, want := range map[int]bool{22*60 + 29: false, 22*60 + 30: true, 0: true, 7*60 + 29: true, 7*60 + 30: false, 12 * 60: false} {
		if got := quiet.Contains(m); got != want {
			t.Errorf("Contains(%s) = %v, want %v", clockString(m), got, want)
		}
	}
	if d, ok := (ClockRange{7 * 60, 8*60 + 30}).FirstOutside(quiet); !ok || d != 30 {
		t.Errorf("FirstOutside = %d, %v; want 30, true", d, ok)
	}
	if _, ok := (ClockRange{23 * 60, 23*60 + 30}).FirstOutside(quiet); ok {
		t.Error("a window inside the quiet hours has a minute outside them")
	}
}

func TestClockRangesFromEnv(t *testing.T) {
	var rs ClockRanges
	if err := rs.UnmarshalText([]byte("07:00-08:30, 20:00-22:00")); err != nil || len(rs) != 2 || rs[1] != (ClockRange{20 * 60, 22 * 60}) {
		t.Fatalf("got %v, %v", rs, err)
	}
	if err := rs.UnmarshalText([]byte("07:00-08:30,nope")); err == nil {
		t.Fatal("a bad item was accepted")
	}
}
