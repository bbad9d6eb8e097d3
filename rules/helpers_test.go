package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr/vm"

	_ "time/tzdata" // Asia/Shanghai on machines without a zone database
)

// shanghaiOptions fixes the clock at 00:30 on 15 March 2026 in Shanghai,
// half an hour after midnight, where calendar-day bugs show.
func shanghaiOptions(t *testing.T) (Options, time.Time) {
	t.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 15, 0, 30, 0, 0, sh)
	return Options{Clock: func() time.Time { return now.UTC() }, Location: sh}, now
}

// evalAny compiles src with o, without requiring a boolean, and runs it.
func evalAny(t *testing.T, o Options, src string, env *Env) (any, error) {
	t.Helper()
	c := newCompiler(o, nil)
	prog, _, errs := c.compile(src, false, false)
	if errs != nil {
		t.Fatalf("compile %q: %v", src, errs)
	}
	c.setNow(env)
	var m vm.VM
	return m.Run(prog, env)
}

func TestHelpers(t *testing.T) {
	t.Parallel()
	o, now := shanghaiOptions(t)
	sh := o.Location
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, sh) }
	tests := []struct {
		expr string
		last time.Time // user.last_active
		want any
	}{
		{"now()", time.Time{}, now},
		{"now().Hour()", time.Time{}, 0},
		{"since(user.last_active)", now.Add(-90 * time.Minute), 90 * time.Minute},
		{"days(2)", time.Time{}, 48 * time.Hour},
		{"hours(3)", time.Time{}, 3 * time.Hour},
		{"since(user.last_active) > days(1)", now.Add(-25 * time.Hour), true},
		{"days_since(user.last_active)", at(14, 23, 59), 1}, // 31 minutes ago, but yesterday
		{"days_since(user.last_active)", at(15, 0, 0), 0},
		{"days_since(user.last_active)", time.Date(2026, 3, 14, 16, 10, 0, 0, time.UTC), 0}, // 00:10 in Shanghai
		{"days_since(user.last_active)", time.Date(2026, 3, 14, 15, 50, 0, 0, time.UTC), 1}, // 23:50 the day before
		{"days_since(user.last_active)", at(8, 12, 0), 7},
		{"days_since(user.last_active)", at(16, 10, 0), -1},
		{"days_since(user.last_active)", time.Time{}, NeverDays},
		{"within_days(user.last_active, 1)", at(15, 0, 0), true},
		{"within_days(user.last_active, 1)", at(14, 23, 59), false},
		{"within_days(user.last_active, 2)", at(14, 0, 0), true},
		{"within_days(user.last_active, 7)", at(9, 0, 0), true},
		{"within_days(user.last_active, 7)", at(8, 23, 59), false},
		{"within_days(user.last_active, 7)", at(16, 0, 0), false},
		{"within_days(user.last_active, 7)", time.Time{}, false},
		{"within_days(user.last_active, 0)", at(15, 0, 0), false},
		{`bucket("a", 100)`, time.Time{}, int(0xaf63dc4c8601ec8c % 100)}, // FNV-1a 64 test vector
		{`bucket("a", 1)`, time.Time{}, 0},
		{`date("2026-03-15 00:10:00", "2006-01-02 15:04:05") < now()`, time.Time{}, true}, // parsed in Shanghai
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.expr, tt.last.Format(time.RFC3339)), func(t *testing.T) {
			t.Parallel()
			got, err := evalAny(t, o, tt.expr, &Env{User: User{LastActive: tt.last}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBucketFailsOnBadN(t *testing.T) {
	t.Parallel()
	_, err := evalAny(t, Options{}, "bucket(user.openid, 0)", &Env{})
	if err == nil || !strings.Contains(err.Error(), "n must be greater than 0") {
		t.Errorf("err = %v", err)
	}
}

func TestBucketSpread(t *testing.T) {
	t.Parallel()
	counts := make([]int, 10)
	for i := range 10000 {
		b, err := bucket(fmt.Sprintf("oX%07d", i), 10)
		if err != nil || b < 0 || b >= 10 {
			t.Fatalf("bucket = %d, %v", b, err)
		}
		counts[b]++
	}
	for b, n := range counts {
		if n < 850 || n > 1150 {
			t.Errorf("bucket %d got %d of 10000", b, n)
		}
	}
}
