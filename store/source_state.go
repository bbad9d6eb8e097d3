package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// SourceState is what a server last recorded of a file it keeps live
// (the rules file): the version it runs and, while the file holds a
// version it refused, that version, when, and its problems. Every
// replica records the same file; the last to record wins.
type SourceState struct {
	Running   string    `json:"running"`
	Refused   string    `json:"refused,omitempty"`
	RefusedAt time.Time `json:"refused_at,omitzero"`
	Problems  []string  `json:"problems,omitempty"`
	At        time.Time `json:"at"` // when it was recorded
}

// The bounds of a recorded state: a refused file's first problems, each
// cut short, and a key that goes once no server has written it for a
// while.
const (
	MaxSourceProblems    = 20
	maxSourceProblemLen  = 400
	sourceStateRetention = 30 * 24 * time.Hour
)

// SourceStates records SourceState documents by source name.
type SourceStates struct{ s *Store }

// SourceStates returns the recorder of live files' states.
func (s *Store) SourceStates() *SourceStates { return &SourceStates{s: s} }

func (k keys) sourceState(name string) string { return k.prefix + "src:" + name }

// Put records st for name, keeping the first MaxSourceProblems problems,
// each at most a few hundred bytes.
func (x *SourceStates) Put(ctx context.Context, name string, st SourceState) error {
	if len(st.Problems) > MaxSourceProblems {
		more := len(st.Problems) - MaxSourceProblems + 1
		st.Problems = append(st.Problems[:MaxSourceProblems-1:MaxSourceProblems-1], fmt.Sprintf("… and %d more", more))
	}
	for i, p := range st.Problems {
		if len(p) > maxSourceProblemLen {
			st.Problems[i] = cutUTF8(p, maxSourceProblemLen) + "…"
		}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := x.s.rdb.Set(ctx, x.s.keys.sourceState(name), b, sourceStateRetention).Err(); err != nil {
		return fmt.Errorf("store: source state %s: %w", name, err)
	}
	return nil
}

// Get reads name's state; ok is false when none is recorded.
func (x *SourceStates) Get(ctx context.Context, name string) (st SourceState, ok bool, err error) {
	b, err := x.s.rdb.Get(ctx, x.s.keys.sourceState(name)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return st, false, nil
	case err != nil:
		return st, false, fmt.Errorf("store: source state %s: %w", name, err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, false, fmt.Errorf("store: source state %s: %w", name, err)
	}
	return st, true, nil
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
