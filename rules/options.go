package rules

import "time"

// DefaultMaxNodes bounds the size of one expression when Options.MaxNodes
// is zero. Real rules have tens of nodes; the bound stops a generated or
// pasted monster from slowing every callback down.
const DefaultMaxNodes = 2000

// The defaults of the limits on a rules file (Options.Limits), far above
// any real file: the example files are a few KiB, their longest expression
// is under 200 bytes, nests under 6 levels and costs under 100.
const (
	DefaultMaxFileSize = 1 << 20 // bytes
	DefaultMaxRules    = 1000
	DefaultMaxExprLen  = 4 << 10 // bytes
	DefaultMaxDepth    = 64
	// DefaultMaxRuleCost is 50 times the cost of a rule that looks for a
	// tag among the tags a follower may have.
	DefaultMaxRuleCost = 50_000
	// DefaultMaxFileCost bounds the worst case of one callback running
	// every rule of the file to a few milliseconds.
	DefaultMaxFileCost = 500_000
)

// Limits bound what a rules file may ask of the server, so that no file,
// however written, crashes the parser (deep nesting overflows its stack,
// a fatal error no recover catches) or makes every callback slow. They
// are checked before and after compiling; zero fields take the defaults.
type Limits struct {
	// MaxFileSize is the largest rules file read, in bytes.
	MaxFileSize int64
	// MaxRules is the most rules (tags, segments and replies) in a file.
	MaxRules int
	// MaxExprLen is the longest expression, in bytes.
	MaxExprLen int
	// MaxDepth is the deepest nesting of brackets and unary operators in
	// an expression, checked before expr parses it.
	MaxDepth int
	// MaxRuleCost and MaxFileCost bound the static cost of one rule and
	// of the whole file (see Program.Cost).
	MaxRuleCost int64
	MaxFileCost int64
}

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
	// Limits bound the size, nesting and cost of the file.
	Limits Limits
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
	o.Limits = o.Limits.withDefaults()
	return o
}

func (l Limits) withDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxFileSize, DefaultMaxFileSize)
	def(&l.MaxRuleCost, DefaultMaxRuleCost)
	def(&l.MaxFileCost, DefaultMaxFileCost)
	for _, f := range []struct {
		v *int
		d int
	}{{&l.MaxRules, DefaultMaxRules}, {&l.MaxExprLen, DefaultMaxExprLen}, {&l.MaxDepth, DefaultMaxDepth}} {
		if *f.v <= 0 {
			*f.v = f.d
		}
	}
	return l
}
