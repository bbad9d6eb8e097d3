package notify

import (
	"context"
	"strings"
	"time"
)

// RulesRejected alerts the owners that a new version of the rules file
// was refused (the live rules stay). Every replica sees the file; only
// the first to get here sends the alert.
func (n *Notifier) RulesRejected(ctx context.Context, version string, err error) {
	first, ferr := n.o.Store.Once(ctx, "rules-rejected:"+version, 24*time.Hour)
	if ferr != nil || !first {
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		lines := strings.Count(msg, "\n") + 1
		msg = msg[:i] + "…" + moreProblems(n.lang, lines-1)
	}
	n.alertOwners(ctx, nil, msgRulesRejected(n.lang, version, msg))
}

// WordsRejected alerts the owners that a new version of the content-check
// word lists was refused (the lists in use stay), once across replicas.
func (n *Notifier) WordsRejected(ctx context.Context, version string, err error) {
	first, ferr := n.o.Store.Once(ctx, "words-rejected:"+version, 24*time.Hour)
	if ferr != nil || !first {
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + "…" + moreProblems(n.lang, strings.Count(msg, "\n"))
	}
	n.alertOwners(ctx, nil, msgWordsRejected(n.lang, version, msg))
}
