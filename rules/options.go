package rules

import "time"

// DefaultMaxNodes bounds the size of one expression when Options.MaxNodes
// is zero. Real rules have tens of nodes; the bound stops a generated or
// pasted monster from slowing every callback down.
const DefaultMaxNodes = 2000

// Options configure how a rules file is compiled.
type Options struct {
	// Clock returns the current time for now(), since(), days_since() and
	// within_days(). Nil means time.Now; tests fix it.
	Clock func() time.Time
	// Location is the account's time zone, used for calendar days and by
	// expr's date builtins. Nil means UTC; wxcast passes the configured
	// timezone (Asia/Shanghai by default).
	Location *time.Location
	// MaxNodes is the largest number of syntax nodes one expression may
	// have. Zero means DefaultMaxNodes.
	MaxNodes uint
	// AccountTags, when set, names the account's existing WeChat tags
	// (as the last sync read them): a file whose wechat_tag entries would
	// take the account past WeChat's 100 tags is refused.
	AccountTags func() []string
}

// withDefaults fills the zero fields so the rest of the package never
// checks for nil.
func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxNodes == 0 {
		o.MaxNodes = DefaultMaxNodes
	}
	return o
}
