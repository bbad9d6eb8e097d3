package results

import "math"

// z is the normal quantile of a two-sided 95% interval.
const z = 1.959964

func (r *ArmResult) finish() {
	if r.Measured == 0 {
		return
	}
	n := float64(r.Measured)
	p := float64(r.Interacted) / n
	r.Share = p
	// Wilson score interval: sound near 0 and 1, where interaction shares
	// of broadcasts usually are.
	d := 1 + z*z/n
	c := (p + z*z/(2*n)) / d
	w := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / d
	r.Lo, r.Hi = math.Max(0, c-w), math.Min(1, c+w)
}

// lift compares r with the holdout h: the difference of shares with a
// normal-approximation 95% interval.
func (r *ArmResult) lift(h ArmResult) {
	if r.Measured == 0 || h.Measured == 0 {
		return
	}
	se := math.Sqrt(r.Share*(1-r.Share)/float64(r.Measured) + h.Share*(1-h.Share)/float64(h.Measured))
	r.Lift, r.HasLift = r.Share-h.Share, true
	r.LiftLo, r.LiftHi = r.Lift-z*se, r.Lift+z*se
}
