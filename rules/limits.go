package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// readRules reads the rules file at path, keeping at most max bytes. For
// a larger file src is nil and size (> max) says how large it is; version names
// the whole content either way, as versionOf does, so that a file too big
// to keep is refused once per version and its size is never held in
// memory.
func readRules(path string, max int64) (src []byte, version string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", 0, fmt.Errorf("rules: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	src, err = io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, "", 0, fmt.Errorf("rules: %w", err)
	}
	h.Write(src)
	size = int64(len(src))
	if size > max {
		n, err := io.Copy(h, f)
		if err != nil {
			return nil, "", 0, fmt.Errorf("rules: %w", err)
		}
		src, size = nil, size+n
	}
	return src, hex.EncodeToString(h.Sum(nil))[:12], size, nil
}

// tooBig is the error of a file over Limits.MaxFileSize.
func tooBig(filename string, size, max int64) error {
	return &LoadError{Problems: []Problem{{Pos: Position{filename, 1, 1},
		Msg: fmt.Sprintf("the file is %d bytes, over the limit of %d (rules.max_file_size)", size, max)}}}
}

// checkRuleCount refuses a file with more rules than Limits.MaxRules
// before any of them is compiled, pointing at the first rule too many.
func (d *decoder) checkRuleCount(f map[string]*yaml.Node) bool {
	max := d.comp.opts.Limits.MaxRules
	var all []*yaml.Node
	for _, section := range []string{"tags", "segments", "replies"} {
		if n := f[section]; n != nil && n.Kind == yaml.SequenceNode {
			all = append(all, n.Content...)
		}
	}
	if len(all) <= max {
		return true
	}
	d.add(yamlnode.Resolve(all[max]), "", "the file has %d rules (tags, segments and replies), over the limit of %d (rules.max_rules); this is rule %d",
		len(all), max, max+1)
	return false
}

// checkShape refuses an expression that is too long or nests too deeply
// for expr's parser, which recurses once per bracket and per unary
// operator and would overflow the goroutine stack (a fatal error, not a
// panic) on a long enough run of them. It is a scan of the text, run
// before expr sees it.
func (c *compiler) checkShape(src string) (exprError, bool) {
	lim := c.opts.Limits
	if len(src) > lim.MaxExprLen {
		return exprError{-1, fmt.Sprintf("the expression is %d bytes long, over the limit of %d (rules.max_expr_len)",
			len(src), lim.MaxExprLen)}, false
	}
	if off, ok := scanDepth(src, lim.MaxDepth); !ok {
		return exprError{off, fmt.Sprintf("the expression nests brackets and unary operators (!, -, not) more than %d deep here (rules.max_depth)",
			lim.MaxDepth)}, false
	}
	return exprError{}, true
}

// scanDepth reports whether src nests at most max deep, counting each
// open bracket ( [ { and each unary operator in a run of them (! - + not)
// as a level, and each ? or ?? as a level up to the closing bracket. A
// - + or not right after an operand is binary and not counted. Text
// inside string literals and comments is skipped. off is the rune offset where the
// limit is passed.
func scanDepth(src string, max int) (off int, ok bool) {
	var stack []int // the depth outside each open bracket
	depth, run := 0, 0
	operand := false // the last token ends an operand: a - after it is binary
	for i, r := 0, 0; i < len(src); r++ {
		c, w := utf8.DecodeRuneInString(src[i:])
		level := 0 // levels c adds
		switch {
		case c == '"' || c == '\'' || c == '`':
			n, runes := skipString(src[i:], c)
			i, r = i+n, r+runes-1
			run, operand = 0, true
			continue
		case c == '/' && (strings.HasPrefix(src[i:], "//") || strings.HasPrefix(src[i:], "/*")):
			// A comment, which may hold a quote that would otherwise
			// hide what follows it from the scan.
			n := skipComment(src[i:])
			i, r = i+n, r+utf8.RuneCountInString(src[i:i+n])-1
			continue
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, depth)
			depth += run + 1
			run, operand = 0, false
		case c == ')' || c == ']' || c == '}':
			if len(stack) > 0 {
				depth = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
			run, operand = 0, true
		case c == '?' && (i+1 >= len(src) || src[i+1] != '.'):
			// A conditional or ?? nests what follows it, to the end of the
			// enclosing bracket.
			depth, run, operand = depth+1, 0, false
			if i+1 < len(src) && src[i+1] == '?' {
				i, r = i+1, r+1
			}
		case c == '!' && (i+1 >= len(src) || src[i+1] != '='), (c == '-' || c == '+') && !operand:
			level = 1
		case c == 'n' && !operand && isNotWord(src, i):
			level, w = 1, 3
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == '_' || c == '.' || c == '#' || c == '$' || unicode.IsLetter(c) || unicode.IsDigit(c):
			run, operand = 0, true
		default: // an operator: what follows is an operand
			run, operand = 0, false
		}
		run += level
		if depth+run > max {
			return r, false
		}
		if w == 3 && c == 'n' {
			r += 2 // the other two runes of "not"
		}
		i += w
	}
	return 0, true
}

// skipComment returns the bytes of the comment at the start of s: to the
// end of the line for //, past */ for /* (to the end of s if unclosed).
func skipComment(s string) int {
	end, after := "\n", 0
	if strings.HasPrefix(s, "/*") {
		end, after = "*/", 2
	}
	if i := strings.Index(s[2:], end); i >= 0 {
		return 2 + i + after
	}
	return len(s)
}

// isNotWord reports whether the keyword not starts at src[i].
func isNotWord(src string, i int) bool {
	if len(src)-i < 3 || src[i:i+3] != "not" {
		return false
	}
	word := func(b byte) bool {
		return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	return (i == 0 || !word(src[i-1])) && (i+3 == len(src) || !word(src[i+3]))
}

// skipString returns the bytes and runes of the string literal at the
// start of s, quotes included (to the end of s if it is not closed).
func skipString(s string, quote rune) (bytes, runes int) {
	for i := 1; i < len(s); {
		c, w := utf8.DecodeRuneInString(s[i:])
		runes++
		switch {
		case c == '\\' && quote != '`' && i+w < len(s):
			_, w2 := utf8.DecodeRuneInString(s[i+w:])
			i += w + w2
			runes++
			continue
		case c == quote:
			return i + w, runes + 1
		}
		i += w
	}
	return len(s), runes + 1
}
