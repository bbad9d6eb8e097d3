package admin

import (
	"context"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/results"
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
	bc, err := b.svc.drafts.Remind(ctx, a, x.id, x.at, x.offsets, x.tag, x.clicked)
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
	metrics, err := b.metrics(ctx, bc, x)
	if err != nil {
		return "", bc, err
	}
	for _, m := range metrics {
		res, err := b.svc.results.Measure(ctx, bc, m, x.window, x.tag)
		if err != nil {
			return "", bc, err
		}
		switch {
		case res != nil:
			text += "\n" + b.results(res)
		case x.metric != "":
			text += "\n" + b.t(kResultsNone, b.word(kMetric, m))
		}
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

// metrics are the results status shows: the one asked for; callbacks
// when a tag is named; else the exact signals the broadcast has (clicks,
// conversions, both), and callbacks when it has neither.
func (b *Bot) metrics(ctx context.Context, bc *broadcast.Broadcast, x args) ([]string, error) {
	switch {
	case x.metric != "":
		return []string{x.metric}, nil
	case x.tag != "" || len(bc.Batches) == 0:
		return []string{results.MetricCallback}, nil
	}
	clicks, conversions, err := b.svc.results.Signals(ctx, bc)
	if err != nil {
		return nil, err
	}
	var out []string
	if clicks {
		out = append(out, results.MetricClick)
	}
	if conversions {
		out = append(out, results.MetricConversion)
	}
	if len(out) == 0 {
		out = append(out, results.MetricCallback)
	}
	return out, nil
}
