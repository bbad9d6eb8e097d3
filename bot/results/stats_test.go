package results

import (
	"math"
	"testing"
)

// TestWilsonAndDifferenceBounds: known counts give the known 95% bounds
// (Wilson score for a share, normal approximation for a difference).
func TestWilsonAndDifferenceBounds(t *testing.T) {
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-6 }
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{
		{50, 200, 0.195082, 0.314341},
		{0, 100, 0, 0.036993},
		{30, 1000, 0.021094, 0.042503},
	} {
		a := ArmResult{Measured: c.n, Interacted: c.k}
		a.finish()
		if !near(a.Share, float64(c.k)/float64(c.n)) || !near(a.Lo, c.lo) || !near(a.Hi, c.hi) {
			t.Errorf("%d/%d: %.6f (%.6f–%.6f), want (%.6f–%.6f)", c.k, c.n, a.Share, a.Lo, a.Hi, c.lo, c.hi)
		}
	}
	a, h := ArmResult{Measured: 200, Interacted: 50}, ArmResult{Measured: 300, Interacted: 30}
	a.finish()
	h.finish()
	a.lift(h)
	if !a.HasLift || !near(a.Lift, 0.15) || !near(a.LiftLo, 0.081052) || !near(a.LiftHi, 0.218948) {
		t.Errorf("difference %+v, want 0.15 (0.081052 to 0.218948)", a)
	}
	// Nothing measured: no share, no difference.
	var z ArmResult
	z.finish()
	z.lift(h)
	if z.HasLift || z.Hi != 0 {
		t.Errorf("empty arm %+v", z)
	}
}
