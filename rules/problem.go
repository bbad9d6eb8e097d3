package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Position is a place in a rules file. Line and Column start at 1;
// Column counts characters (runes), as editors do.
type Position struct {
	File   string
	Line   int
	Column int
}

// String formats p as file:line:col, the form editors and CI logs link.
func (p Position) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Problem is one error found in a rules file.
type Problem struct {
	Pos  Position
	Path string // e.g. "tags.clicked_promo.when"; empty for file-level problems
	Msg  string
}

// String formats the problem as "file:line:col: path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s: %s", p.Pos, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.Pos, p.Path, p.Msg)
}

// LoadError lists every problem of a rules file, sorted by position, so
// that one run of `wxcast rules check` shows them all, as a compiler does.
type LoadError struct {
	Problems []Problem
}

// Error prints the problems one per line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems by position; problems at the same place
// keep the order in which they were found.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
