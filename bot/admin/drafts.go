package admin

import (
	"context"
	"strings"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// runDrafts lists the newest drafts of the draft box, so an editor on a
// phone can pick one: title, when it was last changed, and the media_id
// to create the broadcast with.
func runDrafts(ctx context.Context, b *Bot, a broadcast.Admin, x args) (string, *broadcast.Broadcast, error) {
	list, total, err := b.svc.drafts.Drafts(ctx, a)
	if err != nil {
		return "", nil, err
	}
	if len(list) == 0 {
		return b.t(kDraftsNone), nil, nil
	}
	lines := []string{b.t(kDraftsHead, len(list), total)}
	for i, d := range list {
		title := b.t(kDraftsUntitled)
		if len(d.Titles) > 0 && d.Titles[0] != "" {
			title = clip(d.Titles[0], 30)
		}
		if n := len(d.Titles); n > 1 {
			title += b.t(kDraftsMore, n)
		}
		lines = append(lines, b.t(kDraftsLine, i+1, title, b.short(d.Updated), d.MediaID))
	}
	lines = append(lines, b.t(kDraftsTail, x.segment))
	return strings.Join(lines, "\n"), nil, nil
}

// articleLines show the articles a news broadcast's plan froze: title,
// author and digest of each, so approvers read what they approve.
func (b *Bot) articleLines(bc *broadcast.Broadcast) []string {
	if bc.Plan == nil {
		return nil
	}
	var lines []string
	for _, n := range bc.Plan.News {
		prefix := ""
		if len(bc.Variants) > 0 {
			prefix = b.t(kWhereVariant, broadcast.VariantName(n.Variant))
		}
		for i, a := range n.Articles {
			line := b.t(kArticleLine, prefix, i+1, clip(a.Title, 40))
			if a.Author != "" {
				line += b.t(kArticleAuthor, clip(a.Author, 16))
			}
			if a.Digest != "" {
				line += b.t(kArticleDigest, clip(a.Digest, 60))
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// fields words article fields as a refusal lists them ("1.title,2.content"
// → 第 1 篇标题、第 2 篇正文).
func (b *Bot) fields(list string) string {
	var out []string
	for _, f := range strings.Split(list, ",") {
		if n, field, ok := strings.Cut(f, "."); ok {
			out = append(out, b.t(kWhereArticle, n, b.word(kWhere, field)))
		} else {
			out = append(out, b.word(kWhere, f))
		}
	}
	return strings.Join(out, b.t(kListSep))
}
