package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/watch"
	"github.com/wxcast/wxcast/rules/words"
	"github.com/wxcast/wxcast/store"
)

// rulesStateName is the name the rules file's state is recorded under
// (store.SourceStates), for wxcast rules check to read.
const rulesStateName = "rules"

// rulesRecorder records in Redis the rules version a server runs and the
// version it refused, with when and why, so that wxcast rules check can
// tell the rule author what the server made of the file.
type rulesRecorder struct {
	states *store.SourceStates
	log    *zap.Logger
	mu     sync.Mutex
	state  store.SourceState
}

func newRulesRecorder(st *store.Store, log *zap.Logger) *rulesRecorder {
	return &rulesRecorder{states: st.SourceStates(), log: log}
}

// start records what src runs now, and its standing refusal if any.
func (r *rulesRecorder) start(ctx context.Context, src *rules.Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state = store.SourceState{Running: src.Current().Version}
	if ref, ok := src.Refused(); ok {
		r.state.Refused, r.state.RefusedAt, r.state.Problems = ref.Version, ref.At, problemLines(ref.Err)
	}
	r.put(ctx)
}

// swapped records a new live version; a refusal before it is over.
func (r *rulesRecorder) swapped(ctx context.Context, version string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state = store.SourceState{Running: version}
	r.put(ctx)
}

// refused records a refused version.
func (r *rulesRecorder) refused(ctx context.Context, version string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state.Refused, r.state.RefusedAt, r.state.Problems = version, time.Now(), problemLines(err)
	r.put(ctx)
}

// put writes the state; r.mu is held. A Redis that does not answer costs
// the record, not the reload: it waits a short while, then logs.
func (r *rulesRecorder) put(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	r.state.At = time.Now()
	if err := r.states.Put(ctx, rulesStateName, r.state); err != nil {
		r.log.Warn("recording the rules version for wxcast rules check failed", zap.Error(err))
	}
}

// problemLines are the problems of a refused version, one a line
// (file:line:col: message for a rules file).
func problemLines(err error) []string {
	if err == nil {
		return nil
	}
	var le *rules.LoadError
	if errors.As(err, &le) {
		out := make([]string, len(le.Problems))
		for i, p := range le.Problems {
			out[i] = p.String()
		}
		return out
	}
	return strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
}

// readyInfo is what /readyz says of the rules and word lists: the live
// rules version ("none" without a rules file) and, while the files hold a
// version the server refused, that version. A refusal leaves /readyz at
// 200: the live version still serves, and taking every replica out of
// the load balancer for a bad save would stop the callbacks altogether.
func readyInfo(live *rules.Source, lists *words.Source) func() map[string]string {
	return func() map[string]string {
		m := map[string]string{"rules": "none"}
		if live != nil {
			m["rules"] = live.Current().Version
			addRefusal(m, "rules_rejected", live.Refused)
		}
		if lists != nil {
			addRefusal(m, "words_rejected", lists.Refused)
		}
		return m
	}
}

func addRefusal(m map[string]string, key string, refused func() (watch.Refusal, bool)) {
	if r, ok := refused(); ok {
		m[key] = r.Version
	}
}
