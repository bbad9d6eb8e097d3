package attrs

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"go.uber.org/zap"
)

// Conversions learns of a follower's conversion (results.Service
// implements it): names are the conversion attributes the write changed.
type Conversions interface {
	Converted(ctx context.Context, openid string, names []string, at time.Time) error
}

// Behaviour records a conversion as the follower's behaviour: an
// attributes event through the recording path of callbacks, with the tag
// rules (bot.Bot). writeID identifies the write, so the same write
// recorded twice counts once.
type Behaviour interface {
	RecordAttributes(ctx context.Context, openid string, changed []string, at time.Time, writeID string) error
}

// ConversionOptions configures a Converter.
type ConversionOptions struct {
	// Attributes are results.conversion_attributes: a write that changes
	// the stored value of one of them is a conversion. Writing the value
	// already stored is not.
	Attributes []string
	// Behaviour records the attributes event; nil records none.
	Behaviour Behaviour
	// Conversions hears of each conversion; nil: nobody does.
	Conversions Conversions
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	Log *zap.Logger
}

// Converter turns attribute writes that change a conversion attribute
// into behaviour and conversions. The attributes API and imports share
// it. A nil *Converter watches nothing.
type Converter struct {
	o     ConversionOptions
	watch map[string]bool
}

// NewConverter returns a Converter, or nil when o lists no attribute.
func NewConverter(o ConversionOptions) *Converter {
	if len(o.Attributes) == 0 {
		return nil
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	c := &Converter{o: o, watch: make(map[string]bool, len(o.Attributes))}
	for _, a := range o.Attributes {
		c.watch[a] = true
	}
	return c
}

// Watches reports whether attrs writes a conversion attribute.
func (c *Converter) Watches(attrs map[string]string) bool {
	if c == nil {
		return false
	}
	for name := range attrs {
		if c.watch[name] {
			return true
		}
	}
	return false
}

// Note hears that a write of values to openid changed the stored value
// of the attributes named in changed. When some are conversion
// attributes it records the attributes event (clears included) and tells
// Conversions of those set to a value, and returns their names (sorted);
// both are tried, and their errors joined.
func (c *Converter) Note(ctx context.Context, openid string, changed []string, values map[string]string) ([]string, error) {
	if c == nil {
		return nil, nil
	}
	var names []string
	for _, n := range changed {
		if c.watch[n] {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	slices.Sort(names)
	at := c.o.Now()
	var errs []error
	if c.o.Behaviour != nil {
		errs = append(errs, c.o.Behaviour.RecordAttributes(ctx, openid, names, at, writeID(names, values)))
	}
	// A value cleared (null) is a change rules may want to see, but no
	// one bought anything: only values set are conversions.
	var set []string
	for _, n := range names {
		if values[n] != "" {
			set = append(set, n)
		}
	}
	if c.o.Conversions != nil && len(set) > 0 {
		errs = append(errs, c.o.Conversions.Converted(ctx, openid, set, at))
	}
	return names, errors.Join(errs...)
}

// writeID derives an id from what a write changed: the names and their
// new values. A retried write finds the values stored and changes
// nothing; should two writes race to the same values, the store lets one
// see the change, and this id keeps its event from counting twice.
func writeID(names []string, values map[string]string) string {
	h := sha1.New()
	for _, n := range names {
		h.Write([]byte(n + "=" + values[n] + "\x1f"))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
