package configs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDurationText(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"300s", 300 * time.Second, ""},
		{"5m", 5 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"4.5s", 4500 * time.Millisecond, ""},
		{"0", 0, ""},
		{"300", 0, `not a duration: "300"`},
		{"soon", 0, `not a duration: "soon"`},
		{"-1s", 0, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d Duration
			err := d.UnmarshalText([]byte(tt.in))
			if tt.wantErr != "" {
				wantErrs(t, err, tt.wantErr)
				return
			}
			if err != nil || d.D() != tt.want {
				t.Errorf("got %v, %v; want %v", d.D(), err, tt.want)
			}
		})
	}
}

// TestDurationCodecs covers decoding without Load: plain yaml.v3 and JSON.
func TestDurationCodecs(t *testing.T) {
	var c CallbackConfig
	if err := yaml.Unmarshal([]byte("dedup_ttl: 1h30m\nreply_wait: [1]\n"), &c); err == nil ||
		!strings.Contains(err.Error(), "not a list") {
		t.Errorf("yaml list: got %v", err)
	}
	if err := yaml.Unmarshal([]byte("dedup_ttl: 1h30m\n"), &c); err != nil || c.DedupTTL.D() != 90*time.Minute {
		t.Errorf("yaml: got %v, %v", c.DedupTTL, err)
	}
	out, err := yaml.Marshal(c)
	if err != nil || !strings.Contains(string(out), "dedup_ttl: 1h30m0s") {
		t.Errorf("yaml marshal: got %s, %v", out, err)
	}
	j, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(j), `"dedup_ttl":"1h30m0s"`) {
		t.Errorf("json marshal: got %s, %v", j, err)
	}
	var back CallbackConfig
	if err := json.Unmarshal(j, &back); err != nil || back != c {
		t.Errorf("json round trip: got %+v, %v", back, err)
	}
}
