package broadcast_test

import (
	"fmt"
	"testing"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func TestArmOfIsDeterministicAndSplits(t *testing.T) {
	t.Parallel()
	counts := map[int]int{}
	for i := range 20000 {
		o := fmt.Sprintf("o%06d", i)
		a := broadcast.ArmOf(o, 42, 10, 2)
		if broadcast.ArmOf(o, 42, 10, 2) != a {
			t.Fatal("ArmOf is not deterministic")
		}
		counts[a]++
	}
	// 10% holdout, the rest halved: within a few standard deviations.
	if h := counts[-1]; h < 1800 || h > 2200 {
		t.Errorf("holdout %d of 20000, want about 2000", h)
	}
	if a, b := counts[0], counts[1]; a < 8700 || b < 8700 {
		t.Errorf("variants %d / %d, want about 9000 each", a, b)
	}
	// Another broadcast splits the same followers differently.
	same := 0
	for i := range 1000 {
		o := fmt.Sprintf("o%06d", i)
		if broadcast.ArmOf(o, 42, 50, 1) == broadcast.ArmOf(o, 43, 50, 1) {
			same++
		}
	}
	if same > 600 || same < 400 {
		t.Errorf("%d of 1000 in the same arm of two broadcasts, want about 500", same)
	}
}

func TestWakeCoalescesKicks(t *testing.T) {
	w := broadcast.NewWake()
	w.Kick()
	w.Kick() // a second kick before the sender looked adds nothing
	<-w.C()
	select {
	case <-w.C():
		t.Fatal("two kicks woke the sender twice")
	default:
	}
	var none *broadcast.Wake
	none.Kick() // no sender: nothing to wake
	if none.C() != nil {
		t.Fatal("a nil Wake has a channel")
	}
}
