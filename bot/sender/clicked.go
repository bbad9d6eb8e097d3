package sender

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// clicked adds to ex.acted, for a later step of a reminder series that
// skips clickers, every follower who clicked one of b's tracked links (of
// any version) by now: they are left out like holders of the series'
// tag, and counted with them.
func (s *Sender) clicked(ctx context.Context, b *broadcast.Broadcast, ex exclusions) error {
	if b.Series == nil || b.Step == 0 || !b.Series.ExceptClicked || s.o.Clickers == nil {
		return nil
	}
	for v := range len(b.Variants) + 1 {
		err := s.o.Clickers.ScanClickers(ctx, b.ID, v, func(openid string, _ time.Time) error {
			if _, gone := ex.gone[openid]; !gone {
				ex.acted[openid] = struct{}{}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
