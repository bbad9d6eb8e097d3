package broadcast

import (
	"context"
	"strconv"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/rules/words"
)

// checkContent runs the content check over everything b sends: texts,
// and the title and digest of every article of a news item as WeChat
// returns them. It returns the hits, the word lists' version, and what
// could not be read (a news item WeChat did not return); no word lists
// means no check.
func (s *Service) checkContent(ctx context.Context, b *Broadcast) ([]Hit, string, []string) {
	if s.o.Words == nil {
		return nil, "", nil
	}
	list := s.o.Words()
	if list == nil {
		return nil, "", nil
	}
	var (
		hits      []Hit
		unchecked []string
	)
	add := func(where, text string) {
		for _, h := range list.Check(text) {
			hits = append(hits, hitOf(where, h))
		}
	}
	for v, c := range b.Contents() {
		prefix := ""
		if len(b.Variants) > 0 {
			prefix = VariantName(v)
		}
		switch c.Type {
		case "text":
			add(prefix, c.Text)
		case "news":
			if s.o.News == nil {
				unchecked = append(unchecked, join(prefix, c.MediaID))
				continue
			}
			arts, err := s.o.News.NewsArticles(ctx, c.MediaID)
			if err != nil {
				s.o.Log.Warn("content check: read news item", zap.Int64("id", b.ID),
					zap.String("media_id", c.MediaID), zap.Error(err))
				unchecked = append(unchecked, join(prefix, c.MediaID))
				continue
			}
			for i, a := range arts {
				n := strconv.Itoa(i + 1)
				add(join(prefix, n+".title"), a.Title)
				add(join(prefix, n+".digest"), a.Digest)
			}
		}
	}
	return hits, list.Version, unchecked
}

func join(prefix, s string) string {
	if prefix == "" {
		return s
	}
	return prefix + ":" + s
}

func hitOf(where string, h words.Hit) Hit {
	return Hit{Where: where, Category: h.Category, Word: h.Word, Start: h.Start, Text: h.Text}
}
