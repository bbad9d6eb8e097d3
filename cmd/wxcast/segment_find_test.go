package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/internal/redistest"
)

// The segment commands find a segment as the chat does: in any case or by
// its title, and a typo gets the closest name.
func TestSegmentCommandsFindTheSegmentAsTheChatDoes(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	ctx := context.Background()
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=../../configs/rules.example.yaml", "WXCAST_TIMEZONE=UTC"}
	for _, typed := range []string{"PROMO_CLICKERS", "Promo_Clickers", "优惠点击"} {
		var out, errOut bytes.Buffer
		if err := run(ctx, []string{"segment", "count", typed}, env, &out, &errOut); err != nil {
			t.Errorf("segment count %s: %v\n%s", typed, err, errOut.String())
			continue
		}
		if !strings.HasPrefix(out.String(), "promo_clickers: 0 followers") {
			t.Errorf("segment count %s printed %q, want it to name promo_clickers", typed, out.String())
		}
	}
	var out bytes.Buffer
	err := run(ctx, []string{"segment", "sample", "PROMO_CLICKER"}, env, &out, &out)
	want := `wxcast segment sample: ../../configs/rules.example.yaml has no segment "PROMO_CLICKER"; did you mean promo_clickers? (segments: all_subscribed, vip_active, promo_clickers, link_clickers, dormant_30d)`
	if err == nil || err.Error() != want {
		t.Errorf("segment sample PROMO_CLICKER: %v, want %s", err, want)
	}
	err = run(ctx, []string{"segment", "count", "zzzzzzzz"}, env, &out, &out)
	if err == nil || strings.Contains(err.Error(), "did you mean") || !strings.Contains(err.Error(), `no segment "zzzzzzzz" (segments: all_subscribed`) {
		t.Errorf("segment count zzzzzzzz: %v", err)
	}
}
