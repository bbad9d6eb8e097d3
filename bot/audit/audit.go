// Package audit keeps the admins' audit log: one entry per command an
// admin ran, with its outcome, in a Redis stream (store.Broadcasts). The
// admin bot writes it and reads the newest entries; `wxcast audit`
// exports it. It builds on store only.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/wxcast/wxcast/store"
)

// Entry is one admin action.
type Entry struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`   // openid
	Name    string    `json:"name"` // the admin's name
	Command string    `json:"command"`
	ID      int64     `json:"broadcast,omitempty"`
	Plan    string    `json:"plan,omitempty"`
	// Outcome is "ok", a refusal code, or "error"; OutcomeZH says it in
	// Chinese for the admins who read an export (empty in entries written
	// before it was added).
	Outcome   string `json:"outcome"`
	OutcomeZH string `json:"outcome_zh,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// Log is the audit log. It is safe for concurrent use.
type Log struct{ st *store.Broadcasts }

// New returns the audit log kept in st.
func New(st *store.Broadcasts) *Log { return &Log{st: st} }

// Record appends e.
func (l *Log) Record(ctx context.Context, e Entry) error {
	rec, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return l.st.AppendAudit(ctx, rec)
}

// Newest returns the newest n entries, newest first; entries that do not
// decode are left out.
func (l *Log) Newest(ctx context.Context, n int) ([]Entry, error) {
	recs, err := l.st.Audit(ctx, n)
	out := make([]Entry, 0, len(recs))
	for _, r := range recs {
		var e Entry
		if json.Unmarshal(r, &e) == nil {
			out = append(out, e)
		}
	}
	return out, err
}
