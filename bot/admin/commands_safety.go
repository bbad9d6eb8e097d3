package admin

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
)

func runVariant(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.drafts.AddVariant(ctx, a, x.id, x.content)
	if err != nil {
		return "", bc, err
	}
	v := len(bc.Variants)
	return b.t(kVariant, bc.ID, broadcast.VariantName(v), b.word(kType, x.content.Type), v+1), bc, nil
}

func runHoldout(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.drafts.SetHoldout(ctx, a, x.id, x.n)
	if err != nil {
		return "", bc, err
	}
	return b.t(kHoldout, bc.ID, bc.Holdout), bc, nil
}

func runRemind(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	bc, err := b.svc.drafts.Remind(ctx, a, x.id, x.at, x.offsets, x.tag)
	if err != nil {
		return "", bc, err
	}
	return b.t(kRemind, bc.ID, b.seriesText(bc.Series)), bc, nil
}

// runStatus is show plus what only matters once sending began: the
// unsubscribes and the holdout and variant results.
func runStatus(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	text, bc, err := runShow(ctx, b, a, x)
	if err != nil {
		return "", bc, err
	}
	if len(bc.Batches) > 0 {
		n, err := b.svc.results.Unsubscribes(ctx, bc.ID)
		if err != nil {
			return "", bc, err
		}
		text += "\n" + b.unsubLine(bc, n)
	}
	res, err := b.svc.results.Results(ctx, bc, x.window, x.tag)
	if err != nil {
		return "", bc, err
	}
	if res != nil {
		text += "\n" + b.results(res)
	}
	if line, err := b.articleStats(ctx, bc); err != nil {
		return "", bc, err
	} else if line != "" {
		text += "\n" + line
	}
	if line := b.massQuotaLine(ctx); line != "" {
		text += "\n" + line
	}
	return text, bc, nil
}
