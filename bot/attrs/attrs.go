// Package attrs sets followers' business attributes on behalf of other
// systems (the attributes API): it checks the values against the live
// rules file's declarations, writes them to the store and reads the
// follower back with the attributes typed as rules see them.
//
// handlers keeps the HTTP side (authentication, body limits, JSON decoding,
// statuses); this package must not import net/http or handlers.
package attrs

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/segment"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// Store is what setting attributes needs from the store.
type Store interface {
	SetAttributes(ctx context.Context, openid string, attrs map[string]string) (bool, error)
	// SetAttributesNamed is SetAttributes naming the attributes whose
	// stored value changed; a write of a conversion attribute takes it.
	SetAttributesNamed(ctx context.Context, openid string, attrs map[string]string) ([]string, error)
	Profile(ctx context.Context, openid string) (*store.Profile, error)
}

var _ Store = (*store.Followers)(nil)

// ErrInvalid matches the error of a Put the rules file's declarations
// refuse. The error keeps the refusal's own message, and is an
// *rules.AttrError too when one attribute is at fault.
var ErrInvalid = errors.New("attrs: refused by the rules file")

// Service sets followers' attributes. It is safe for concurrent use.
type Service struct {
	st   Store
	live func() *rules.Ruleset
	log  *zap.Logger
	conv *Converter
}

// WithConversions makes the writes that change a conversion attribute
// behaviour and conversions (see Converter); nil, the default, makes
// none. Call it before the Service is used.
func (s *Service) WithConversions(c *Converter) *Service {
	s.conv = c
	return s
}

// NewService returns a Service that writes to st and checks values
// against the ruleset live returns (the live rules, which a reload
// swaps). A nil live, or a nil ruleset, declares no attribute, so every
// one is refused.
func NewService(st Store, live func() *rules.Ruleset, log *zap.Logger) *Service {
	if log == nil {
		log = zap.NewNop()
	}
	return &Service{st: st, live: live, log: log}
}

// Result is what a Put did.
type Result struct {
	// Changed reports whether any stored attribute changed.
	Changed bool
	// Attributes are the follower's declared attributes after the update,
	// typed as rules see them; never nil.
	Attributes map[string]any
}

// Put sets the attributes of openid (already checked with
// rules.CheckOpenID) from obj, a JSON object of attribute → value as
// decoded with json.Decoder.UseNumber; null deletes. Every value is
// checked before anything is written: a refusal matches ErrInvalid. Other
// errors are the store's.
func (s *Service) Put(ctx context.Context, openid string, obj map[string]any) (Result, error) {
	var rs *rules.Ruleset
	if s.live != nil {
		rs = s.live()
	}
	attrs, err := rs.AttrsFromJSON(obj)
	if err != nil {
		return Result{}, invalid{err}
	}
	changed := false
	switch {
	case s.conv.Watches(attrs):
		names, err := s.st.SetAttributesNamed(ctx, openid, attrs)
		if err != nil {
			return Result{}, fmt.Errorf("attrs: set attributes of %s: %w", openid, err)
		}
		changed = len(names) > 0
		// The values are stored: a failure here is not the caller's to
		// retry (a retry changes nothing), so it is logged, not returned.
		if _, err := s.conv.Note(ctx, openid, names, attrs); err != nil {
			s.log.Warn("attributes API: record a conversion", zap.String("openid", openid), zap.Error(err))
		}
	case len(attrs) > 0:
		if changed, err = s.st.SetAttributes(ctx, openid, attrs); err != nil {
			return Result{}, fmt.Errorf("attrs: set attributes of %s: %w", openid, err)
		}
	}
	p, err := s.st.Profile(ctx, openid)
	if err != nil {
		return Result{}, fmt.Errorf("attrs: read back %s: %w", openid, err)
	}
	s.log.Debug("attributes API: update", zap.String("openid", openid),
		zap.Bool("changed", changed), zap.Int("attributes", len(attrs)))
	typed := segment.Attrs(rs, p)
	if typed == nil {
		typed = map[string]any{}
	}
	return Result{Changed: changed, Attributes: typed}, nil
}

// invalid is a refusal by the rules file: it matches ErrInvalid and keeps
// the refusal's message and type.
type invalid struct{ err error }

func (e invalid) Error() string   { return e.err.Error() }
func (e invalid) Unwrap() []error { return []error{ErrInvalid, e.err} }
