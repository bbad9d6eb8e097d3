package sender

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// Step does the next thing broadcast id needs, as one turn of the send
// loop would, for tests that stop a replica half-way.
func (s *Sender) Step(ctx context.Context, id int64) error {
	_, _, err := s.step(ctx, id)
	return err
}

// Reserve takes the cap slots of batch i of b, as the send loop does
// before the batch's first call.
func (s *Sender) Reserve(ctx context.Context, b *broadcast.Broadcast, i int, now time.Time) (bool, error) {
	return s.reserve(ctx, b, i, now)
}

// SetTagRunSize makes the tag channel's runs n followers long, so that a
// small audience has several.
func (s *Sender) SetTagRunSize(n int) { s.runSize = n }
