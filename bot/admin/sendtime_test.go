package admin

import (
	"context"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func TestSendTime(t *testing.T) {
	loc := shanghai(t)
	late := time.Date(2026, 11, 27, 23, 30, 0, 0, loc)
	morning := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	tests := []struct {
		name  string
		now   time.Time
		text  string
		want  time.Time // zero: now
		reply string
	}{
		{"later today", late, "发送 1 23:45", time.Date(2026, 11, 27, 23, 45, 0, 0, loc), "#1 已排期：2026-11-27 23:45 发送"},
		{"after midnight", late, "发送 1 00:15", time.Date(2026, 11, 28, 0, 15, 0, 0, loc), "#1 已排期：2026-11-28 00:15 发送"},
		{"this minute is past", late, "发送 1 23:30", time.Date(2026, 11, 28, 23, 30, 0, 0, loc), "#1 已排期：2026-11-28 23:30 发送"},
		{"earlier today", morning, "send 1 9:00", time.Date(2026, 11, 28, 9, 0, 0, 0, loc), "#1 已排期：2026-11-28 09:00 发送"},
		// 07:00 in Shanghai is still the day before in UTC.
		{"early morning", time.Date(2026, 11, 28, 7, 0, 0, 0, loc), "发送 1 06:00", time.Date(2026, 11, 29, 6, 0, 0, 0, loc), "#1 已排期：2026-11-29 06:00 发送"},
		{"month end", time.Date(2026, 11, 30, 22, 0, 0, 0, loc), "发送 1 08:00", time.Date(2026, 12, 1, 8, 0, 0, 0, loc), "#1 已排期：2026-12-01 08:00 发送"},
		{"full date", morning, "发送 1 2026-11-28 09:00", time.Date(2026, 11, 28, 9, 0, 0, 0, loc), "#1 已排期：2026-11-28 09:00 发送"},
		{"full date unpadded", morning, "发送 1 2027-1-5 9:05", time.Date(2027, 1, 5, 9, 5, 0, 0, loc), "#1 已排期：2027-01-05 09:05 发送"},
		{"now", morning, "发送 1 现在", time.Time{}, "#1 开始发送：1,234 人，分 1 批。发送「状态 1」查看进度"},
		{"nothing", morning, "send 1", time.Time{}, "#1 开始发送：1,234 人，分 1 批。发送「状态 1」查看进度"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The clock reads UTC: the bot must place HH:MM in its
			// location, not the clock's.
			f := newFixture(t, at(tt.now.UTC()))
			f.inMemory().put(f.draft(1, broadcast.StateApproved, typeText))
			asked := f.recordSendTimes()
			if got := f.bot.Handle(t.Context(), approver, tt.text); got != tt.reply {
				t.Errorf("reply %q, want %q", got, tt.reply)
			}
			if got := *asked; len(got) != 1 || !got[0].Equal(tt.want) {
				t.Errorf("service asked for %v, want once %v", got, tt.want)
			}
		})
	}
}

func TestSendTimePast(t *testing.T) {
	f := newFixture(t)
	f.inMemory().put(f.draft(1, broadcast.StateApproved, typeText))
	asked := f.recordSendTimes()
	for _, when := range []string{"2026-11-27 09:00", "2026-11-27 10:00", "2025-01-01 12:00"} {
		got := f.bot.Handle(t.Context(), approver, "发送 1 "+when)
		if want := "发送时间 " + when + " 已过，请换一个将来的时间"; got != want {
			t.Errorf("%s: %q, want %q", when, got, want)
		}
	}
	if len(*asked) != 0 {
		t.Errorf("a past time reached the service: %v", *asked)
	}
	if last := f.log.all(); last[len(last)-1].Outcome != "past_time" || last[len(last)-1].ID != 1 {
		t.Errorf("audit %+v", last[len(last)-1])
	}
}

// recordSendTimes makes f's Send, as set so far, note the time each call
// asks for.
func (f *fixture) recordSendTimes() *[]time.Time {
	var asked []time.Time
	send := f.send.SendFn
	f.send.SendFn = func(ctx context.Context, a broadcast.Admin, id int64, at time.Time, o broadcast.SendOptions) (*broadcast.Broadcast, error) {
		asked = append(asked, at)
		return send(ctx, a, id, at, o)
	}
	return &asked
}
