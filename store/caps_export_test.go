package store

import (
	"context"
	"time"
)

// Count, for the tests: Reserve with no maximum in any period, reporting
// whether this call counted.
func (c *Caps) Count(ctx context.Context, id int64, batch int, openids []string, periods []Period, at time.Time) (bool, error) {
	limits := make([]Limit, len(periods))
	for i, p := range periods {
		limits[i] = Limit{Period: p}
	}
	_, first, err := c.Reserve(ctx, id, batch, openids, limits, at)
	return first, err
}

// RecordScriptForTest is the record script's source.
const RecordScriptForTest = recordScript
