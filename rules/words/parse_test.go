package words_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/rules/words"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	_, err := words.Parse(map[string][]byte{
		"medical.txt": []byte("# medical\n根治\n\n  ！？  \n" + strings.Repeat("长", 65) + "\nok\n"),
		"Bad.txt":     []byte("词\n"),
		"finance.txt": []byte("保本\n\xff\xfe\n"),
		"notes.md":    []byte("词\n"),
	})
	if err == nil {
		t.Fatal("want errors")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		"words/Bad.txt: ",
		"words/finance.txt:2: invalid UTF-8",
		`words/medical.txt:4: "！？" has no letters or digits`,
		"words/medical.txt:5: ",
		"words/notes.md: ",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d: got %q, want it to start with %q", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[3], "longer than 64") {
		t.Errorf("error 3 does not name the limit: %q", got[3])
	}
}

func TestParseNoWords(t *testing.T) {
	t.Parallel()
	for name, files := range map[string]map[string][]byte{
		"no files":       {},
		"only comments":  {"medical.txt": []byte("# nothing yet\n\n")},
		"only allow.txt": {"allow.txt": []byte("第一次\n")},
	} {
		if _, err := words.Parse(files); err == nil || !strings.Contains(err.Error(), "no word lists") {
			t.Errorf("%s: got %v, want no word lists", name, err)
		}
	}
}

func TestParseCountsAndVersion(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{
		"a.txt":     []byte("\ufeff# BOM, CRLF and spaces\r\n  词一 \r\n词一\r\nＣＡＳＩＮＯ\r\ncasino\r\n"),
		"b.txt":     []byte("词一\n词二\n"),
		"allow.txt": []byte("词三\n"),
	}
	l, err := words.Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	// 词一 (a and b), casino (twice in a), 词二; allow.txt is no category.
	if l.Words() != 3 {
		t.Errorf("Words() = %d, want 3", l.Words())
	}
	if got := strings.Join(l.Categories(), ","); got != "a,b" {
		t.Errorf("Categories() = %s, want a,b", got)
	}
	if hits := l.Check("casino"); len(hits) != 1 || hits[0].Word != "ＣＡＳＩＮＯ" {
		t.Errorf("a word listed twice in one file must hit once, as first written: %+v", hits)
	}
	if len(l.Version) != 12 || strings.Trim(l.Version, "0123456789abcdef") != "" {
		t.Errorf("Version %q is not 12 hex digits", l.Version)
	}
	again, _ := words.Parse(files)
	// The name counts as well as the content.
	renamed, _ := words.Parse(map[string][]byte{"c.txt": files["a.txt"], "b.txt": files["b.txt"], "allow.txt": files["allow.txt"]})
	if again.Version != l.Version || renamed.Version == l.Version {
		t.Errorf("versions: %s, again %s, renamed %s", l.Version, again.Version, renamed.Version)
	}
}

// TestOversizedListsAreRefused: a list too big, too many lists or too
// much in all is refused with the file and the limit, before the matcher
// is built and (for Load) without reading a big file whole.
func TestOversizedListsAreRefused(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("词", 20) + "\n"
	big := []byte(strings.Repeat(line, words.MaxFileSize/len(line)+1))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "medical.txt"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := words.Load(os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), "words/medical.txt: the file is over the limit of 1048576 bytes") {
		t.Errorf("Load of a big list: %v", err)
	}

	many := make(map[string][]byte)
	for i := range words.MaxFiles + 1 {
		many[fmt.Sprintf("c%03d.txt", i)] = []byte("词\n")
	}
	if _, err := words.Parse(many); err == nil || !strings.Contains(err.Error(), "words: 101 word list files, over the limit of 100") {
		t.Errorf("Parse of too many lists: %v", err)
	}

	total := make(map[string][]byte)
	for i := range words.MaxTotalSize/len(big) + 2 {
		total[fmt.Sprintf("c%d.txt", i)] = big[:words.MaxFileSize-len(line)]
	}
	if _, err := words.Parse(total); err == nil || !strings.Contains(err.Error(), "words: the lists are over the limit of 4194304 bytes in all") {
		t.Errorf("Parse of too much in all: %v", err)
	}
}
