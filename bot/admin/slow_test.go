package admin

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// slowAfter is short so the tests run fast; the gate makes "slow" certain.
func slowAfter(o *Options) { o.SlowAfter = 20 * time.Millisecond }

func (f *fixture) waitNotify(t *testing.T) {
	t.Helper()
	select {
	case <-f.note.done:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
}

func TestSlowInTime(t *testing.T) {
	f := newFixture(t)
	f.draft(1, broadcast.StateDraft, typeText)
	want := "已发送预览到你的微信。#1 计划 3f2a9c01：受众 1,234 人，规则版本 abc123。请审批人发送「批准 1 3f2a9c01」"
	if got := f.bot.Handle(t.Context(), editor, "预览 1"); got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	if n := f.note.notices(); len(n) != 0 {
		t.Errorf("notified %v for a reply given in time", n)
	}
}

func TestSlowDeferred(t *testing.T) {
	tests := []struct {
		text, working, result string
		id                    int64
	}{
		{"预览 #1", "正在处理「预览 1」，完成后发消息通知你",
			"已发送预览到你的微信。#1 计划 3f2a9c01：受众 1,234 人，规则版本 abc123。请审批人发送「批准 1 3f2a9c01」", 1},
		{"分群", "正在处理「分群」，完成后发消息通知你", "vip 1,234 人\nall 1,234,567 人\nlonely 1 人", 0},
		{"人数 vip", "正在处理「人数 vip」，完成后发消息通知你", "vip：1,234 人", 0},
		{"人数 nope", "正在处理「人数 nope」，完成后发消息通知你", "没有分群「nope」，发送「分群」查看可用分群", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := newFixture(t, slowAfter)
			f.draft(1, broadcast.StateDraft, typeText)
			f.svc.gate = make(chan struct{})
			ctx, cancel := context.WithCancel(t.Context())
			start := time.Now()
			got := f.bot.Handle(ctx, owner, tt.text)
			if got != tt.working {
				t.Errorf("reply %q, want %q", got, tt.working)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("deferred reply took %v", d)
			}
			// The request is over: its context ends, the command must not.
			cancel()
			close(f.svc.gate)
			f.waitNotify(t)
			if err := f.bot.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			n := f.note.notices()
			if len(n) != 1 || n[0] != (notice{owner.OpenID, tt.id, tt.result}) {
				t.Errorf("notified %+v, want once %q", n, tt.result)
			}
			if f.svc.ctxErr != nil {
				t.Errorf("the command's context ended with the request: %v", f.svc.ctxErr)
			}
			audits := f.svc.audits()
			if len(audits) != 1 || audits[0].Command != tt.text {
				t.Errorf("audit %+v, want one entry for %q", audits, tt.text)
			}
		})
	}
}

func TestSlowRequestGone(t *testing.T) {
	// A request whose context ends before SlowAfter gets the deferred
	// reply at once, and the result still arrives.
	f := newFixture(t)
	f.svc.gate = make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if got := f.bot.Handle(ctx, owner, "count vip"); got != "正在处理「人数 vip」，完成后发消息通知你" {
		t.Errorf("reply %q", got)
	}
	close(f.svc.gate)
	f.waitNotify(t)
	if n := f.note.notices(); len(n) != 1 || n[0].text != "vip：1,234 人" {
		t.Errorf("notified %+v", n)
	}
}

func TestSlowEnglish(t *testing.T) {
	f := newFixture(t, english, slowAfter)
	f.svc.gate = make(chan struct{})
	if got, want := f.bot.Handle(t.Context(), owner, "COUNT vip"), `Working on "count vip"; I will message you when it is done`; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	close(f.svc.gate)
	f.waitNotify(t)
	if n := f.note.notices(); len(n) != 1 || n[0].text != "vip: 1,234 followers" {
		t.Errorf("notified %+v", n)
	}
}

func TestCloseStopsSlow(t *testing.T) {
	f := newFixture(t, slowAfter)
	f.svc.gate = make(chan struct{}) // never opened
	f.bot.Handle(t.Context(), owner, "分群")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := f.bot.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close: %v, want the deadline", err)
	}
	// Close returned, so the command has finished: it was stopped.
	if a := f.svc.audits(); len(a) != 1 || a[0].Outcome != "error" {
		t.Errorf("audit %+v, want one error", a)
	}
}

func TestHandoff(t *testing.T) {
	h := &handoff{result: make(chan string, 1)}
	if h.deliver("r") {
		t.Fatal("deliver before giveUp asked to notify")
	}
	if r, ok := h.giveUp(); !ok || r != "r" {
		t.Fatalf("giveUp after deliver: %q %v, want the result", r, ok)
	}
	h = &handoff{result: make(chan string, 1)}
	if _, ok := h.giveUp(); ok {
		t.Fatal("giveUp before deliver returned a result")
	}
	if !h.deliver("r") {
		t.Fatal("deliver after giveUp did not ask to notify")
	}
}
