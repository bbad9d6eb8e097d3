package segment

import (
	"strings"

	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// FillEvent completes the rule event of wxcast's own event kinds from
// what their history entry keeps (see store.KindLinkClick): e.Type, Key
// and Content as recorded. The callback path and the back-test both call
// it, so a rule sees the same event live and replayed.
func FillEvent(e *rules.Event) {
	switch e.Type {
	case store.KindLinkClick:
		if b, v, _, ok := store.ParseClickRef(e.Content); ok {
			e.Broadcast, e.Version = int(b), VersionName(v)
		}
		e.Link, e.Content = e.Key, ""
	case store.KindAttributes:
		if e.Key != "" {
			e.Changed = strings.Split(e.Key, ",")
		}
		e.Content = ""
	}
}

// VersionName names a broadcast's version as admins see it: 0 is A (the
// main content), 1 is B… (broadcast.VariantName, which this package
// cannot import).
func VersionName(v int) string {
	if v < 0 || v > 25 {
		return ""
	}
	return string(rune('A' + v))
}
