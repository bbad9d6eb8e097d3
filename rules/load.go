package rules

import (
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// Load reads and parses the rules file at path; messages name the file
// as path was given.
func Load(path string, o Options) (*Ruleset, error) {
	max := o.Limits.withDefaults().MaxFileSize
	src, _, size, err := readRules(path, max)
	if err != nil {
		return nil, err
	}
	if size > max {
		return nil, tooBig(path, size, max)
	}
	return Parse(path, src, o)
}

// Parse parses and compiles a rules file. On any problem it returns a
// *LoadError listing all of them; filename is used in their positions.
// An empty file is a valid, empty ruleset. A file over the limits of
// o.Limits is refused, whatever its content, without crashing.
func Parse(filename string, src []byte, o Options) (*Ruleset, error) {
	if max := o.Limits.withDefaults().MaxFileSize; int64(len(src)) > max {
		return nil, tooBig(filename, int64(len(src)), max)
	}
	rs := &Ruleset{File: filename, Version: versionOf(src)}
	d := &decoder{src: newSource(filename, src), comp: newCompiler(o, nil)}
	root, err := yamlnode.Parse(src)
	if err != nil {
		return nil, &LoadError{Problems: []Problem{yamlProblem(filename, err)}}
	}
	if root != nil {
		d.ruleset(root, rs, o)
	}
	if len(d.problems) > 0 {
		sortProblems(d.problems)
		return nil, &LoadError{Problems: d.problems}
	}
	return rs, nil
}

// ruleset decodes the top level. Attributes go first, whatever their
// place in the file, because every expression is checked against them.
func (d *decoder) ruleset(root *yaml.Node, rs *Ruleset, o Options) {
	f, ok := d.fields(root, "", "attributes", "tags", "segments", "replies", "default")
	if !ok || !d.checkRuleCount(f) {
		return
	}
	rs.Attributes = d.attributes(f["attributes"])
	d.comp = newCompiler(o, rs.Attributes)
	rs.Tags = d.tags(f["tags"])
	var existing []string
	if o.AccountTags != nil {
		existing = o.AccountTags()
	}
	d.checkWeChatTagLimit(existing)
	rs.Segments = d.segments(f["segments"])
	rs.Replies = d.replies(f["replies"])
	if n := f["default"]; n != nil && !yamlnode.IsNull(n) {
		if r, ok := d.defaultReply(n); ok {
			rs.Default = &r
		}
	}
	if len(d.problems) == 0 {
		d.checkCosts(rs)
	}
}

// yamlProblem turns a YAML syntax error into a Problem. yaml.v3 puts the
// line in the message, 1-based for scanner errors but 0-based for parser
// errors (and omitted when 0), so parser errors are shifted by one.
func yamlProblem(file string, err error) Problem {
	m := regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`).FindStringSubmatch(err.Error())
	if m == nil {
		return Problem{Pos: Position{file, 1, 1}, Msg: err.Error()}
	}
	line, convErr := strconv.Atoi(m[1])
	switch {
	case convErr != nil:
		line = 1
	case isParserError(m[2]):
		line++
	}
	return Problem{Pos: Position{file, line, 1}, Msg: "YAML syntax error: " + m[2]}
}

// isParserError matches the problems yaml.v3's parser (not its scanner)
// reports, from gopkg.in/yaml.v3 parserc.go.
func isParserError(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'",
		"did not find expected ',' or '}'", "found duplicate %YAML directive",
		"found incompatible YAML document", "found duplicate %TAG directive",
		"found undefined tag handle":
		return true
	}
	return false
}
