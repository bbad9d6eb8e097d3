package archtest

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/wxcast/wxcast"

// forbidden lists, for each package (and the packages under it), the
// packages (and the packages under them) its production code must not
// import. Test files may import what they need to build a real world.
var forbidden = []struct {
	pkg, why string
	not      []string
}{
	{"handlers", "HTTP only: it reaches Redis through bot", []string{"store"}},
	{"rules", "rules are pure: they evaluate plain Go values", []string{"store", "bot", "handlers"}},
	{"store", "the adapter to Redis knows nothing of what it stores for", []string{"configs", "bot", "rules", "handlers"}},
	{"configs", "configuration is a leaf", []string{"bot", "rules", "store", "handlers"}},
	{"bot", "the domain does not speak HTTP", []string{"handlers"}},
	{"bot/broadcast", "the record and its lifecycle are below the services built on them",
		[]string{"bot/sender", "bot/results", "bot/notify", "bot/admin", "bot/audit"}},
	{"bot/sender", "the sender reaches notices and reports through its own interfaces",
		[]string{"bot/notify", "bot/results", "bot/admin"}},
	{"bot/results", "results do not send", []string{"bot/sender", "bot/notify", "bot/admin"}},
	{"bot/notify", "notices are below what sends them", []string{"bot/sender", "bot/results", "bot/admin"}},
	{"bot/admin", "the admin bot knows the services by its interfaces",
		[]string{"store", "bot/sender", "bot/notify"}},
	{"bot/stats", "nothing depends on the article statistics: they only read what was sent",
		[]string{"bot/sender", "bot/results", "bot/notify", "bot/admin"}},
}

// exact lists packages whose rule is about the package alone, not the
// packages under it: bot, the callback path, must not import the services
// wired into it.
var exact = []struct {
	pkg, why string
	not      []string
}{
	{"bot", "the callback path reaches the admin bot and the results through its own interfaces",
		[]string{"bot/admin", "bot/results", "bot/sender", "bot/notify"}},
}

// testOnly are the packages only cmd and internal may import: the WeChat
// simulator and the demo.
var testOnly = []string{"internal/wxsim", "internal/demo"}

// under reports whether pkg is p or a package below it.
func under(pkg, p string) bool { return pkg == p || strings.HasPrefix(pkg, p+"/") }

func TestDependenciesPointInward(t *testing.T) {
	imports := parseImports(t)
	if len(imports) < 20 {
		t.Fatalf("found %d packages: is the test run from inside the module?", len(imports))
	}
	for pkg, deps := range imports {
		for _, dep := range deps {
			for _, r := range forbidden {
				for _, not := range r.not {
					if under(pkg, r.pkg) && under(dep, not) {
						t.Errorf("%s imports %s: %s", pkg, dep, r.why)
					}
				}
			}
			for _, r := range exact {
				for _, not := range r.not {
					if pkg == r.pkg && under(dep, not) {
						t.Errorf("%s imports %s: %s", pkg, dep, r.why)
					}
				}
			}
			if strings.HasPrefix(pkg, "cmd/") || strings.HasPrefix(pkg, "internal/") {
				continue
			}
			for _, p := range testOnly {
				if under(dep, p) {
					t.Errorf("%s imports %s, which only cmd and internal may use", pkg, dep)
				}
			}
		}
	}
}

// TestGoListAgrees checks the parse above against the go command, which
// knows build constraints: the two must see the same imports.
func TestGoListAgrees(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goBin, "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	parsed := parseImports(t)
	dec := json.NewDecoder(bytes.NewReader(out))
	n := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		n++
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		var own []string
		for _, i := range p.Imports {
			if strings.HasPrefix(i, module+"/") {
				own = append(own, strings.TrimPrefix(i, module+"/"))
			}
		}
		if got := parsed[rel]; !slices.Equal(got, own) {
			t.Errorf("%s: parsed imports %v, go list says %v", rel, got, own)
		}
	}
	if n != len(parsed) {
		t.Errorf("go list lists %d packages, the parse %d", n, len(parsed))
	}
}

// parseImports reads the module's own imports of every package's
// production files, keyed by the package's path inside the module.
func parseImports(t *testing.T) map[string][]string {
	t.Helper()
	dir := root(t)
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(p))
		pkg := path.Clean(filepath.ToSlash(rel))
		deps := out[pkg]
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(ip, module+"/"); ok && !slices.Contains(deps, dep) {
				deps = append(deps, dep)
			}
		}
		slices.Sort(deps)
		out[pkg] = deps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// root is the module's directory: two levels up from this package.
func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(wd, "..", "..")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod two levels above %s", wd)
	}
	return dir
}
