package admin_test

import (
	"strings"
	"testing"
	"time"
)

// TestBadContentInChinese: the content check of the real service words
// its refusal in Chinese, with the numbers.
func TestBadContentInChinese(t *testing.T) {
	t.Parallel()
	w := newWorld(t, time.Time{}, nil)
	got := w.bot.Handle(w.Ctx, creator, "新建 everyone 文本 "+strings.Repeat("好", 10000))
	if want := "内容有误：文本有 10000 字，最多 2000 字，请删减后重试"; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	e, err := w.Audit.Newest(w.Ctx, 1)
	if err != nil || len(e) != 1 || e[0].Outcome != "bad_content" || e[0].OutcomeZH != "内容有误" {
		t.Errorf("audit %+v %v", e, err)
	}
}
