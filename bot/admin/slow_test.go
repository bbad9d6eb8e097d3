package admin

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// slowAfter is short so the tests run fast; the gate makes "slow" certain.
func slowAfter(o *Options) { o.SlowAfter = 20 * time.Millisecond }

// gate holds the slow calls (Preview, Refreeze, Segments, Count) until it is
// opened; they return ctx's error if ctx ends first.
type gate struct {
	open chan struct{}
	mu   sync.Mutex
	// ctxErr is the context error a held call saw after the gate opened.
	ctxErr error
}

// gate wraps f's Preview, Refreeze, Segments and Count, as set so far, in a gate.
func (f *fixture) gate() *gate {
	g := &gate{open: make(chan struct{})}
	preview, refreeze := f.approvals.PreviewFn, f.approvals.RefreezeFn
	segments, count := f.segments.SegmentsFn, f.segments.CountFn
	f.approvals.PreviewFn = func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
		if err := g.wait(ctx); err != nil {
			return nil, err
		}
		return preview(ctx, a, id)
	}
	f.approvals.RefreezeFn = func(ctx context.Context, a broadcast.Admin, id int64) (*broadcast.Broadcast, error) {
		if err := g.wait(ctx); err != nil {
			return nil, err
		}
		return refreeze(ctx, a, id)
	}
	f.segments.SegmentsFn = func(ctx context.Context) ([]broadcast.SegmentCount, error) {
		if err := g.wait(ctx); err != nil {
			return nil, err
		}
		return segments(ctx)
	}
	f.segments.CountFn = func(ctx context.Context, segment string) (int, error) {
		if err := g.wait(ctx); err != nil {
			return 0, err
		}
		return count(ctx, segment)
	}
	return g
}

func (g *gate) wait(ctx context.Context) error {
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ctxErr = ctx.Err()
	return g.ctxErr
}

func (g *gate) err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ctxErr
}

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
	f.inMemory().put(f.draft(1, broadcast.StateDraft, typeText))
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
		{"预览 #1 重新", "正在处理「预览 1 重新」，完成后发消息通知你",
			"已发送预览到你的微信。#1 计划 3f2a9c01：受众 1,234 人，规则版本 abc123。请审批人发送「批准 1 3f2a9c01」", 1},
		{"分群", "正在处理「分群」，完成后发消息通知你", "vip 1,234 人\nall 1,234,567 人\nlonely 1 人", 0},
		{"人数 vip", "正在处理「人数 vip」，完成后发消息通知你", "vip：1,234 人", 0},
		{"人数 nope", "正在处理「人数 nope」，完成后发消息通知你", "没有分群「nope」，发送「分群」查看可用分群", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := newFixture(t, slowAfter)
			f.inMemory().put(f.draft(1, broadcast.StateDraft, typeText))
			g := f.gate()
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
			close(g.open)
			f.waitNotify(t)
			if err := f.bot.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			n := f.note.notices()
			if len(n) != 1 || n[0] != (notice{owner.OpenID, tt.id, tt.result}) {
				t.Errorf("notified %+v, want once %q", n, tt.result)
			}
			if err := g.err(); err != nil {
				t.Errorf("the command's context ended with the request: %v", err)
			}
			audits := f.log.all()
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
	f.inMemory()
	g := f.gate()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if got := f.bot.Handle(ctx, owner, "count vip"); got != "正在处理「人数 vip」，完成后发消息通知你" {
		t.Errorf("reply %q", got)
	}
	close(g.open)
	f.waitNotify(t)
	if n := f.note.notices(); len(n) != 1 || n[0].text != "vip：1,234 人" {
		t.Errorf("notified %+v", n)
	}
}

func TestSlowEnglish(t *testing.T) {
	f := newFixture(t, english, slowAfter)
	f.inMemory()
	g := f.gate()
	if got, want := f.bot.Handle(t.Context(), owner, "COUNT vip"), `Working on "count vip"; I will message you when it is done`; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	close(g.open)
	f.waitNotify(t)
	if n := f.note.notices(); len(n) != 1 || n[0].text != "vip: 1,234 followers" {
		t.Errorf("notified %+v", n)
	}
}

func TestCloseStopsSlow(t *testing.T) {
	f := newFixture(t, slowAfter)
	f.inMemory()
	f.gate() // never opened
	f.bot.Handle(t.Context(), owner, "分群")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := f.bot.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close: %v, want the deadline", err)
	}
	// Close returned, so the command has finished: it was stopped.
	if a := f.log.all(); len(a) != 1 || a[0].Outcome != "error" {
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
