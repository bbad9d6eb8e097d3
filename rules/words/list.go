package words

import (
	"cmp"
	"slices"
	"sort"
	"unicode/utf8"
)

// Hit is one listed word found in a text.
type Hit struct {
	Category string // the list's file name without ".txt", e.g. "medical"
	Word     string // the word as listed
	Start    int    // where the hit begins in the checked text, in characters (runes), 0-based
	Len      int    // characters of the checked text the hit covers (inserted spaces/symbols included)
	Text     string // that part of the checked text as written, e.g. "最 佳" or "ＣＡＳＩＮＯ"
}

// List is a compiled set of word lists; safe for concurrent use.
type List struct {
	// Version is the first 12 hex digits of the SHA-256 over the file
	// names and contents.
	Version string

	m     *matcher
	cats  []string
	words int
}

// Words returns how many distinct words the categories list (after
// normalisation; a word in two categories counts once; allow.txt does not
// count).
func (l *List) Words() int { return l.words }

// Categories returns the category names, sorted.
func (l *List) Categories() []string { return slices.Clone(l.cats) }

// Check returns every hit of every listed word in text, overlapping ones
// included, except those lying entirely inside an occurrence of an allow
// phrase, sorted by Start, longer hits first.
func (l *List) Check(text string) []Hit {
	found := l.m.scan(text)
	if len(found) == 0 {
		return nil
	}
	var allowed []match // occurrences of allow phrases, at word boundaries
	n := 0
	for _, f := range found {
		p := &l.m.pats[f.pat]
		if !bounded(text, f, p) {
			continue
		}
		for _, e := range p.entries {
			if e.cat == allowCat {
				allowed = append(allowed, f)
				break
			}
		}
		found[n] = f
		n++
	}
	found = found[:n]
	cancelled := allowedBy(allowed)
	var hits []Hit
	for _, f := range found {
		if cancelled(f) {
			continue
		}
		for _, e := range l.m.pats[f.pat].entries {
			if e.cat == allowCat {
				continue
			}
			hits = append(hits, Hit{
				Category: l.cats[e.cat], Word: e.word,
				Start: f.start, Len: f.end - f.start, Text: text[f.from:f.to],
			})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.Len, a.Len),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Word, b.Word))
	})
	return hits
}

// bounded reports whether a match of p does not begin or end inside a
// longer ASCII word, where p needs that.
func bounded(text string, f match, p *pattern) bool {
	if p.asciiBeg && f.from > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:f.from]); isASCIIAlnum(fold(r)) {
			return false
		}
	}
	if p.asciiEnd && f.to < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[f.to:]); isASCIIAlnum(fold(r)) {
			return false
		}
	}
	return true
}

// allowedBy returns whether a match lies entirely inside one of the allow
// occurrences: one that starts at or before it and ends at or after it.
func allowedBy(allow []match) func(match) bool {
	if len(allow) == 0 {
		return func(match) bool { return false }
	}
	slices.SortFunc(allow, func(a, b match) int { return cmp.Compare(a.start, b.start) })
	reach := make([]int, len(allow)) // reach[i]: the furthest end of allow[:i+1]
	for i, a := range allow {
		reach[i] = a.end
		if i > 0 {
			reach[i] = max(reach[i], reach[i-1])
		}
	}
	return func(f match) bool {
		i := sort.Search(len(allow), func(i int) bool { return allow[i].start > f.start })
		return i > 0 && reach[i-1] >= f.end
	}
}
