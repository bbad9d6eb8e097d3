package wxsim

import "testing"

const (
	pathSpeedGet = "/cgi-bin/message/mass/speed/get"
	pathSpeedSet = "/cgi-bin/message/mass/speed/set"
)

func TestMassSpeed(t *testing.T) {
	e := newMsgEnv(t)
	var got speedReply
	get := func() speedReply {
		t.Helper()
		got = speedReply{Speed: -1}
		if c, _ := e.api("POST", pathSpeedGet, nil, "{}", &got); c != 0 {
			t.Fatalf("speed/get: %d", c)
		}
		return got
	}
	if r := get(); r != (speedReply{0, 80}) {
		t.Errorf("default speed %+v, want level 0 at 80", r)
	}
	for level, real := range []int{80, 60, 45, 30, 10} {
		if c := e.code(pathSpeedSet, map[string]int{"speed": level}); c != 0 {
			t.Fatalf("speed/set %d: %d", level, c)
		}
		if r := get(); r != (speedReply{level, real}) {
			t.Errorf("after set %d: %+v, want realspeed %d", level, r, real)
		}
	}
	for _, bad := range []int{-1, 5} {
		if c := e.code(pathSpeedSet, map[string]int{"speed": bad}); c != CodeSpeedOutOfRange {
			t.Errorf("speed/set %d: %d, want %d", bad, c, CodeSpeedOutOfRange)
		}
	}
	if c := e.code(pathSpeedSet, map[string]int{}); c != CodeSpeedMissing {
		t.Errorf("speed/set without speed: %d, want %d", c, CodeSpeedMissing)
	}
	if r := get(); r.Speed != 4 {
		t.Errorf("refused sets changed the level: %+v", r)
	}
}
