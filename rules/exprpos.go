package rules

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// source is the text of a rules file, kept to map offsets inside an
// expression back onto the file: expr reports "column 12 of the
// expression", the rule author needs "line 14, column 23 of rules.yaml".
type source struct {
	file  string
	lines [][]rune
}

func newSource(file string, src []byte) *source {
	s := &source{file: file}
	for _, l := range strings.Split(string(src), "\n") {
		s.lines = append(s.lines, []rune(strings.TrimSuffix(l, "\r")))
	}
	return s
}

// at is the position of node n.
func (s *source) at(n *yaml.Node) Position {
	return Position{File: s.file, Line: n.Line, Column: n.Column}
}

// exprPos maps rune offset off of the expression held by scalar n onto
// the file. It is exact for plain and quoted scalars (up to the first
// line break in the file) and for literal blocks (|); for folded blocks
// (>) and anything it cannot verify against the file text it falls back
// to the start of the scalar.
func (s *source) exprPos(n *yaml.Node, off int) Position {
	start := s.at(n)
	if off < 0 {
		return start
	}
	var col int
	ok := false
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		return s.literalPos(n, off)
	case n.Style&yaml.FoldedStyle != 0:
	case n.Style&yaml.SingleQuotedStyle != 0:
		col, ok = s.quotedCol(n, off, '\'')
	case n.Style&yaml.DoubleQuotedStyle != 0:
		col, ok = s.quotedCol(n, off, '"')
	default:
		col, ok = s.plainCol(n, off)
	}
	if ok {
		start.Column = col
	}
	return start
}

// raw returns the file text from the start of n to the end of its line.
func (s *source) raw(n *yaml.Node) []rune {
	if n.Line < 1 || n.Line > len(s.lines) {
		return nil
	}
	l := s.lines[n.Line-1]
	if n.Column < 1 || n.Column > len(l)+1 {
		return nil
	}
	return l[n.Column-1:]
}

// plainCol checks that the file holds the first off runes of the value
// verbatim, as a plain scalar does, and returns the column after them.
func (s *source) plainCol(n *yaml.Node, off int) (int, bool) {
	raw, val := s.raw(n), []rune(n.Value)
	if off > len(val) || off > len(raw) || string(raw[:off]) != string(val[:off]) {
		return 0, false
	}
	return n.Column + off, true
}

// quotedCol walks a quoted scalar on its first line, consuming one value
// rune per character, doubled single quote or backslash escape.
func (s *source) quotedCol(n *yaml.Node, off int, quote rune) (int, bool) {
	raw := s.raw(n)
	if len(raw) == 0 || raw[0] != quote {
		return 0, false
	}
	i := 1
	for range off {
		if i >= len(raw) {
			return 0, false // the scalar continues on the next line
		}
		w := unitWidth(raw[i:], quote)
		if w == 0 {
			return 0, false
		}
		i += w
	}
	return n.Column + i, true
}

// unitWidth is the number of file runes that make up the next value rune
// of a quoted scalar, or 0 at the closing quote or an unknown escape.
func unitWidth(r []rune, quote rune) int {
	switch {
	case quote == '\'' && r[0] == '\'':
		if len(r) > 1 && r[1] == '\'' {
			return 2
		}
		return 0
	case quote == '"' && r[0] == '"':
		return 0
	case quote == '"' && r[0] == '\\':
		if len(r) < 2 {
			return 0
		}
		switch r[1] {
		case 'x':
			return 4
		case 'u':
			return 6
		case 'U':
			return 10
		}
		return 2
	}
	return 1
}

// literalPos maps an offset into a literal block (|), whose lines are the
// file lines below the indicator with the block's indentation removed.
func (s *source) literalPos(n *yaml.Node, off int) Position {
	line, col := lineCol(n.Value, off)
	indent, ok := s.blockIndent(n.Line)
	idx := n.Line + line // 0-based index of the file line
	if !ok || idx >= len(s.lines) {
		return s.at(n)
	}
	want := strings.Split(n.Value, "\n")[line]
	got := s.lines[idx]
	if len(got) < indent || string(got[indent:]) != want {
		return s.at(n)
	}
	return Position{File: s.file, Line: idx + 1, Column: indent + col + 1}
}

// blockIndent is the indentation of the first non-blank line after line
// (1-based), which YAML uses as the indentation of a block scalar.
func (s *source) blockIndent(line int) (int, bool) {
	for i := line; i < len(s.lines); i++ {
		l := string(s.lines[i])
		if strings.TrimSpace(l) != "" {
			return len(l) - len(strings.TrimLeft(l, " ")), true
		}
	}
	return 0, false
}

// lineCol converts a rune offset of text into a 0-based line and column.
func lineCol(text string, off int) (line, col int) {
	i := 0
	for _, r := range text {
		if i == off {
			break
		}
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
		i++
	}
	return line, col
}
