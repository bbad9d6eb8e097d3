package notify

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RulesRejected alerts the owners that a new version of the rules file
// was refused (the live rules stay). Every replica sees the file; only
// the first to get here sends the alert.
func (n *Notifier) RulesRejected(ctx context.Context, version string, err error) {
	n.rejected(ctx, "rules-rejected:"+version, msgRulesRejected, version, err)
}

// WordsRejected alerts the owners that a new version of the content-check
// word lists was refused (the lists in use stay), once across replicas.
func (n *Notifier) WordsRejected(ctx context.Context, version string, err error) {
	n.rejected(ctx, "words-rejected:"+version, msgWordsRejected, version, err)
}

// rejected alerts the owners, once per key across replicas, with text of
// the refused version and the first line of its problems.
func (n *Notifier) rejected(ctx context.Context, key string, text func(lang, version, problem string) string, version string, err error) {
	first, ferr := n.o.Store.Once(ctx, key, 24*time.Hour)
	if ferr != nil || !first {
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + "…" + moreProblems(n.lang, strings.Count(msg, "\n"))
	}
	n.alertOwners(ctx, nil, text(n.lang, version, msg))
}

func msgRulesRejected(lang, version, problem string) string {
	if lang == "en" {
		return fmt.Sprintf("The rules file (version %s) has errors and was not loaded; the previous rules stay live. %s", version, problem)
	}
	return fmt.Sprintf("规则文件（版本 %s）有错误，未加载，仍使用原规则。%s", version, problem)
}

func msgWordsRejected(lang, version, problem string) string {
	if lang == "en" {
		return fmt.Sprintf("The content-check word lists (version %s) have errors and were not loaded; the previous lists stay. %s", version, problem)
	}
	return fmt.Sprintf("敏感词表（版本 %s）有错误，未加载，仍使用原词表。%s", version, problem)
}

func moreProblems(lang string, n int) string {
	if lang == "en" {
		return fmt.Sprintf(" (and %d more lines)", n)
	}
	return fmt.Sprintf("（另有 %d 行）", n)
}
