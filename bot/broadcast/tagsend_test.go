package broadcast

import "testing"

func TestTagNameFitsWeChatsLimit(t *testing.T) {
	b := &Broadcast{ID: 42, Plan: &Plan{Hash: "a1b2c3d4"}}
	if n := TagName(b, 1); n != "wxc-42-B-a1b2c3d4" {
		t.Fatalf("name %q", n)
	}
	b.ID = 1234567890123456789
	if n := TagName(b, 0); len(n) > 30 || n != "wxc-1234567890123456789-A-a1b2" {
		t.Fatalf("name %q (%d bytes)", n, len(n))
	}
}

func TestTagCalls(t *testing.T) {
	tagging, cleanup := TagCalls([]int{1000000, 20})
	// 1 + 20,000 and 1 + 1 to tag; 1 + 18,000 and 1 to clean up.
	if tagging != 20003 || cleanup != 18002 {
		t.Fatalf("tagging %d, cleanup %d", tagging, cleanup)
	}
}
