package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

const usersRules = "attributes:\n  vip_level: int\n  city: string\n"

// importRig is a rules file, a Redis prefix and the environment that
// points wxcast at them.
type importRig struct {
	dir, rules string
	env        []string
	followers  *store.Followers
}

func newImportRig(t *testing.T) *importRig {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	st := redistest.OpenAt(t, url, prefix)
	dir := t.TempDir()
	r := &importRig{dir: dir, rules: filepath.Join(dir, "rules.yaml"),
		followers: st.Followers(store.Calendar{Loc: time.UTC}, store.Limits{})}
	if err := os.WriteFile(r.rules, []byte(usersRules), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env = []string{"WXCAST_CONFIG=../../configs/wxcast.example.yaml", "WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix,
		"WXCAST_RULES_FILE=" + r.rules}
	return r
}

func (r *importRig) file(t *testing.T, name, text string) string {
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (r *importRig) run(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"users", "import"}, args...), r.env, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUsersImport(t *testing.T) {
	r := newImportRig(t)
	var b strings.Builder
	b.WriteString("openid,vip_level,city\n")
	for i := range 100 {
		fmt.Fprintf(&b, "o%03d,%d,上海\n", i, i%5)
	}
	for i := range 60 {
		fmt.Fprintf(&b, "bad%d,x,上海\n", i)
	}
	file := r.file(t, "vip.csv", b.String())

	out, errOut, err := r.run("--dry-run", file)
	var rep errReported
	if !errors.As(err, &rep) || !strings.Contains(out, "dry run, nothing written: 160 rows read, 100 good (100 would change, 0 unchanged), 60 bad") {
		t.Fatalf("dry run: %v\n%s%s", err, out, errOut)
	}
	if p, _ := r.followers.Profile(context.Background(), "o001"); p.Known {
		t.Fatal("the dry run wrote")
	}

	out, errOut, err = r.run(file)
	if !errors.As(err, &rep) || !strings.Contains(out, "160 rows read, 100 applied (100 changed, 0 unchanged), 60 bad") {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 52 || lines[0] != file+":102: attribute vip_level: want an int (a whole number in decimal digits), got x" ||
		lines[50] != "… and 10 more bad rows" || !strings.Contains(lines[51], "60 bad rows were skipped") {
		t.Errorf("stderr (%d lines):\n%s", len(lines), errOut)
	}
	p, _ := r.followers.Profile(context.Background(), "o004")
	if a := p.Attrs(); a["vip_level"] != "4" || a["city"] != "上海" {
		t.Errorf("o004 = %v", a)
	}

	// Again, as JSON lines given by --format: nothing changes.
	jl := r.file(t, "vip.txt", `{"openid": "o004", "vip_level": 4, "city": "上海"}`+"\n")
	out, _, err = r.run("--format", "jsonl", jl)
	if err != nil || !strings.Contains(out, "1 rows read, 1 applied (0 changed, 1 unchanged), 0 bad") {
		t.Errorf("jsonl: %v %s", err, out)
	}
}

func TestUsersImportRefuses(t *testing.T) {
	r := newImportRig(t)
	good := r.file(t, "ok.csv", "openid,vip_level\no1,1\n")
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"undeclared column", nil, []string{r.file(t, "a.csv", "openid,vip_lvl\no1,1\n")}, "a.csv:1: column \"vip_lvl\": not declared in the rules file (did you mean vip_level?)"},
		{"extension", nil, []string{r.file(t, "a.xlsx", "")}, "cannot tell the format from the extension"},
		{"no file", nil, nil, "missing FILE"},
		{"embedded store", []string{"WXCAST_REDIS_URL="}, []string{good}, "redis.url is empty"},
		{"no rules", []string{"WXCAST_RULES_FILE="}, []string{good}, "no rules file"},
		{"no attributes", nil, []string{"--rules", r.file(t, "empty.yaml", "tags: []\n"), good}, "declares no attributes"},
		{"missing file", nil, []string{filepath.Join(r.dir, "nope.csv")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"users", "import"}, tt.args...), append(append([]string(nil), r.env...), tt.env...), &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q (stderr %s)", err, tt.want, errOut.String())
			}
		})
	}
	if p, _ := r.followers.Profile(context.Background(), "o1"); p.Known {
		t.Error("a refused import wrote")
	}
}
