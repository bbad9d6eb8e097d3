package broadcast

import (
	"strconv"

	"github.com/wxcast/wxcast/rules/words"
)

// checkContent runs the content check over everything b sends: texts
// (with their links rewritten, as they are sent),
// and the title, author, digest and body (its text, without the HTML) of
// every article frozen in plan. It returns the hits and the word lists'
// version; no word lists means no check.
func (s *Service) checkContent(b *Broadcast, plan *Plan) ([]Hit, string) {
	if s.o.Words == nil {
		return nil, ""
	}
	list := s.o.Words()
	if list == nil {
		return nil, ""
	}
	var hits []Hit
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
			add(prefix, sentContent(c, v, plan).Text)
		case "news":
			n := plan.NewsOf(v)
			if n == nil {
				continue
			}
			for i, a := range n.Articles {
				k := strconv.Itoa(i + 1)
				add(join(prefix, k+".title"), a.Title)
				add(join(prefix, k+".author"), a.Author)
				add(join(prefix, k+".digest"), a.Digest)
				add(join(prefix, k+".content"), TextOf(a.Content))
			}
		}
	}
	return hits, list.Version
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
