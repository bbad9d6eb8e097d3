package admin

import (
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/results"
)

// Results by a tag count the tag being added, not the followers'
// callbacks: the note under them says what was counted, in both
// languages.
func TestTagResultsNoteSaysTag(t *testing.T) {
	r := &results.Results{Metric: results.MetricCallback, Tag: "buyer", Window: 24 * time.Hour,
		Arms: []results.ArmResult{{Name: "A", Size: 5, Measured: 5, Interacted: 1, Share: 0.2, Lo: 0.04, Hi: 0.62}}}
	zh := newFixture(t).bot.results(r)
	if !strings.Contains(zh, "获得标签「buyer」") || strings.Contains(zh, "按粉丝发来的回调") || !strings.Contains(zh, "注：按粉丝记录中标签的添加统计") {
		t.Errorf("zh:\n%s", zh)
	}
	en := newFixture(t, english).bot.results(r)
	if !strings.Contains(en, `got tag "buyer"`) || strings.Contains(en, "counted from followers' callbacks") || !strings.Contains(en, "Counted from the tag being added") {
		t.Errorf("en:\n%s", en)
	}
	// Without a tag the callback note stays.
	r.Tag = ""
	if zh := newFixture(t).bot.results(r); !strings.Contains(zh, "按粉丝发来的回调") {
		t.Errorf("zh without a tag:\n%s", zh)
	}
}
