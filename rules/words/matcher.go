package words

import (
	"slices"
	"unicode/utf8"
)

// maxWord is the longest word in characters; the scanner remembers the
// positions of that many matched characters.
const maxWord = 64

// maxGap is how many separators in a row may lie between two characters of
// a word; a longer run (a paragraph break, a list of symbols) ends every
// partial match, so words of different sentences do not join up.
const maxGap = 3

// rootDense bounds the dense transition table of the root: every rune of
// the Basic Multilingual Plane, enough for all CJK words.
const rootDense = 0x10000

// matcher is an Aho–Corasick automaton over folded runes. State 0 is the
// root; its transitions for the BMP are in addition in a dense table, as
// nearly every character of the text is looked up there.
type matcher struct {
	root   []int32
	states []state
	edges  []edge
	pats   []pattern
}

// state is one automaton state, in one 32-byte record so that a step
// touches one cache line. Most steps find no edge: mask rejects them
// without reading the edges.
type state struct {
	mask   uint64 // bit r%64 is set for the rune r of every edge
	lo, hi int32  // the edges, edges[lo:hi], sorted by rune
	fail   int32
	out    int32 // the pattern ending here, or -1
	link   int32 // the nearest state on the fail chain with a pattern, or -1
}

type edge struct {
	r  rune
	to int32
}

// pattern is one normalised word and everything listed under it.
type pattern struct {
	n        int  // length in runes
	asciiBeg bool // starts with an ASCII letter or digit: needs a word boundary before
	asciiEnd bool // ends with one: needs a boundary after
	entries  []entry
}

// entry is a listed word; cat indexes List.cats, or is allowCat.
type entry struct {
	cat  int
	word string
}

const allowCat = -1

// build compiles the patterns (distinct normalised words) into an automaton.
func build(words [][]rune, pats []pattern) *matcher {
	// The trie, with a map for lookups while inserting.
	type key struct {
		s int32
		r rune
	}
	child := make(map[key]int32)
	kids := [][]edge{nil}
	out := []int32{-1}
	for p, w := range words {
		s := int32(0)
		for _, r := range w {
			t, ok := child[key{s, r}]
			if !ok {
				t = int32(len(kids))
				child[key{s, r}] = t
				kids = append(kids, nil)
				out = append(out, -1)
				kids[s] = append(kids[s], edge{r, t})
			}
			s = t
		}
		out[s] = int32(p)
	}
	kids, out = breadthFirst(kids, out)
	m := &matcher{states: make([]state, len(kids)), pats: pats}
	for s, es := range kids {
		slices.SortFunc(es, func(a, b edge) int { return int(a.r - b.r) })
		st := &m.states[s]
		st.lo = int32(len(m.edges))
		m.edges = append(m.edges, es...)
		st.hi = int32(len(m.edges))
		st.out = out[s]
		for _, e := range es {
			st.mask |= 1 << (uint(e.r) & 63)
		}
	}
	top := rune(0)
	for _, e := range kids[0] {
		if e.r < rootDense {
			top = max(top, e.r+1)
		}
	}
	m.root = make([]int32, top)
	for _, e := range kids[0] {
		if e.r < top {
			m.root[e.r] = e.to
		}
	}
	// Fail and output links, breadth first (in state order, now) so that
	// shallower states are done.
	m.states[0].link = -1
	for u := range int32(len(kids)) {
		for _, e := range kids[u] {
			v := &m.states[e.to]
			if u != 0 {
				v.fail = m.next(m.states[u].fail, e.r)
			}
			if f := &m.states[v.fail]; f.out >= 0 {
				v.link = v.fail
			} else {
				v.link = f.link
			}
		}
	}
	return m
}

// breadthFirst renumbers the trie's states in breadth-first order, so that
// the shallow states, where the scan spends nearly all its time, lie
// together in memory.
func breadthFirst(kids [][]edge, out []int32) ([][]edge, []int32) {
	order := make([]int32, 1, len(kids))
	id := make([]int32, len(kids))
	for i := 0; i < len(order); i++ {
		for _, e := range kids[order[i]] {
			id[e.to] = int32(len(order))
			order = append(order, e.to)
		}
	}
	nkids := make([][]edge, len(kids))
	nout := make([]int32, len(kids))
	for n, o := range order {
		for j := range kids[o] {
			kids[o][j].to = id[kids[o][j].to]
		}
		nkids[n], nout[n] = kids[o], out[o]
	}
	return nkids, nout
}

// child returns the state reached from st by r, or 0 if there is no edge.
func (m *matcher) child(st *state, r rune) int32 {
	if st.mask&(1<<(uint(r)&63)) == 0 {
		return 0
	}
	es := m.edges[st.lo:st.hi]
	if len(es) <= 8 {
		for _, e := range es {
			if e.r == r {
				return e.to
			}
		}
		return 0
	}
	lo, hi := 0, len(es)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if es[mid].r < r {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(es) && es[lo].r == r {
		return es[lo].to
	}
	return 0
}

// next is the automaton's transition: from s on r, following fail links.
func (m *matcher) next(s int32, r rune) int32 {
	for s != 0 {
		st := &m.states[s]
		if t := m.child(st, r); t != 0 {
			return t
		}
		s = st.fail
	}
	if r < rune(len(m.root)) {
		return m.root[r]
	}
	if r < rootDense {
		return 0
	}
	return m.child(&m.states[0], r)
}

// match is a pattern found in the text: runes [start, end) and bytes
// [from, to) of the text.
type match struct {
	pat        int32
	start, end int
	from, to   int
}

// scan returns every occurrence of every pattern in text, skipping
// separators, in the order they end. It does not check word boundaries.
func (m *matcher) scan(text string) []match {
	var (
		found []match
		// The rune and byte positions of the last maxWord matched
		// (non-separator) characters, by their index in the filtered text.
		runeAt [maxWord]int
		byteAt [maxWord]int
		n      int   // characters matched so far
		s      int32 // automaton state
		gap    int   // separators since the last matched character
		ri     int   // rune index in text
	)
	root := m.root
	for bi, r := range text {
		c := r
		if c < 0x4E00 || c > 0x9FFF { // the common CJK block needs no folding
			if c = fold(r); isSep(c) {
				if gap++; gap > maxGap {
					s = 0
				}
				ri++
				continue
			}
		}
		gap = 0
		runeAt[n%maxWord] = ri
		byteAt[n%maxWord] = bi
		n++
		ri++
		if s == 0 && c < rune(len(root)) {
			s = root[c] // most characters start from the root
		} else {
			s = m.next(s, c)
		}
		if s == 0 || m.states[s].out < 0 && m.states[s].link < 0 {
			continue
		}
		o := s
		if m.states[o].out < 0 {
			o = m.states[o].link
		}
		for ; o > 0; o = m.states[o].link {
			p := m.states[o].out
			k := (n - m.pats[p].n) % maxWord
			found = append(found, match{
				pat: p, start: runeAt[k], end: ri,
				from: byteAt[k], to: bi + utf8.RuneLen(r),
			})
		}
	}
	return found
}
