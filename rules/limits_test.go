package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tagFile is a rules file of one tag rule whose when is expr, as a YAML
// double-quoted scalar on line 3.
func tagFile(expr string) string {
	return "tags:\n  - name: t\n    when: \"" + expr + "\"\n"
}

// TestHostileFilesAreRefused: files that once overflowed expr's parser
// stack (a fatal error that killed the process) or that are merely too
// big are refused with the place and the limit, whatever the limits'
// order of checking.
func TestHostileFilesAreRefused(t *testing.T) {
	t.Parallel()
	huge := Limits{MaxExprLen: 8 << 20, MaxFileSize: 16 << 20}
	manyRules := "tags:\n"
	for i := range 4 {
		manyRules += fmt.Sprintf("  - name: t%d\n    when: user.subscribed\n", i)
	}
	tests := []struct {
		name string
		src  string
		lim  Limits
		want string // the single expected problem; "" for none
	}{
		{"700,000 nots, long", tagFile(strings.Repeat("!", 700_000) + "true"), Limits{MaxFileSize: 16 << 20},
			"rules.yaml:3:11: tags.t.when: the expression is 700004 bytes long, over the limit of 4096 (rules.max_expr_len)"},
		{"700,000 nots, deep", tagFile(strings.Repeat("!", 700_000) + "true"), huge,
			"rules.yaml:3:76: tags.t.when: the expression nests brackets and unary operators (!, -, not) more than 64 deep here (rules.max_depth)"},
		{"600,000 parentheses, deep", tagFile(strings.Repeat("(", 600_000) + "true" + strings.Repeat(")", 600_000)), huge,
			"rules.yaml:3:76: tags.t.when: the expression nests brackets and unary operators (!, -, not) more than 64 deep here (rules.max_depth)"},
		{"not not not", tagFile(strings.Repeat("not ", 65) + "true"), Limits{},
			"rules.yaml:3:268: tags.t.when: the expression nests brackets and unary operators (!, -, not) more than 64 deep here (rules.max_depth)"},
		{"nested ternaries", tagFile(strings.Repeat("true ? true : ", 70_000) + "true"), huge,
			"rules.yaml:3:913: tags.t.when: the expression nests brackets and unary operators (!, -, not) more than 64 deep here (rules.max_depth)"},
		{"mixed", tagFile(strings.Repeat("!(-[", 20) + "1"), Limits{},
			"rules.yaml:3:76: tags.t.when: the expression nests brackets and unary operators (!, -, not) more than 64 deep here (rules.max_depth)"},
		{"file too big", tagFile("true") + "# " + strings.Repeat("x", 2<<20) + "\n", Limits{},
			"rules.yaml:1:1: the file is 2097190 bytes, over the limit of 1048576 (rules.max_file_size)"},
		{"too many rules", manyRules, Limits{MaxRules: 3},
			"rules.yaml:8:5: the file has 4 rules (tags, segments and replies), over the limit of 3 (rules.max_rules); this is rule 4"},
		// Within the limits: nesting up to the limit, brackets in strings,
		// binary minus chains, optional chaining.
		{"64 parentheses", tagFile(strings.Repeat("(", 64) + "true" + strings.Repeat(")", 64)), Limits{}, ""},
		{"64 nots", tagFile(strings.Repeat("!", 64) + "true"), Limits{}, ""},
		{"brackets in a string", tagFile("event.content contains '" + strings.Repeat("((((", 50) + "'"), Limits{}, ""},
		{"minus chain", tagFile(strings.Repeat("(user.messages_7d - 1) - ", 40) + "1 > 0"), Limits{}, ""},
		{"optional chaining", tagFile("user.location?.known ?? false"), Limits{}, ""},
		{"YAML nested 100,000 deep", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), Limits{MaxFileSize: 1 << 20},
			"rules.yaml:1:1: YAML syntax error: exceeded max depth of 10000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := problems(t, tc.src, Options{Limits: tc.lim})
			if tc.want == "" && len(got) > 0 || tc.want != "" && (len(got) != 1 || got[0] != tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}

// TestLoadRefusesABigFileUnread: Load reads no more of a file than the
// limit allows.
func TestLoadRefusesABigFileUnread(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(tagFile("true")+strings.Repeat("#", 5000)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, Options{Limits: Limits{MaxFileSize: 4096}})
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), path+":1:1: the file is 5035 bytes, over the limit of 4096 (rules.max_file_size)") {
		t.Fatalf("Load: %v", err)
	}
}

func TestScanDepth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		max int
		off int // -1: within the limit
	}{
		{"((a))", 2, -1},
		{"((a))", 1, 1},
		{"!!a", 2, -1},
		{"!!!a", 2, 2},
		{"a != b != c", 1, -1},
		{"!(!(a))", 3, 3},
		{"a - (b - (c - d))", 2, -1},
		{"a not in b", 0, -1},
		{`"((" + '((' + ` + "`((`" + ` + (a)`, 1, -1},
		{`"\"((((" + ((a))`, 1, 12},
		{"not not a", 1, 4},
		{"nothing && notes", 1, -1},
		{"a ? b : c ? d : e", 1, 10},
		{"a?.b ?? c", 1, -1},
		{"(a ? b : c) + (a ? b : c)", 2, -1},
		{"'unclosed ((((", 1, -1},
		{"/* ' */ ((a)) /* ' */", 1, 9},
		{"a // it's\n((a))", 1, 11},
		{"a // ((((\n(a)", 1, -1},
		{"a /* (((( */ (a)", 1, -1},
		{"a /* unclosed ((((", 1, -1},
	}
	for _, tc := range tests {
		off, ok := scanDepth(tc.src, tc.max)
		if ok != (tc.off < 0) || !ok && off != tc.off {
			t.Errorf("scanDepth(%q, %d) = %d, %v; want offset %d", tc.src, tc.max, off, ok, tc.off)
		}
	}
}
