package words

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"
)

// allowFile lists the phrases that cancel hits inside them; it is no category.
const allowFile = "allow.txt"

// Bounds on the word lists, far above real ones (the built-in lists are a
// few KiB): the matcher's automaton grows with the words, and a list is
// read whole before it is parsed.
const (
	MaxFileSize  = 1 << 20 // bytes of one list
	MaxTotalSize = 4 << 20 // bytes of all lists together
	MaxFiles     = 100     // *.txt files in the directory
)

// Parse compiles word lists, keyed by file name ("medical.txt"). It reports
// every problem at once, one per line, each as words/<file>:<line>: <what>.
func Parse(files map[string][]byte) (*List, error) {
	names := make([]string, 0, len(files))
	total := 0
	for name, src := range files {
		names = append(names, name)
		total += len(src)
	}
	slices.Sort(names)
	if err := checkSizes(names, files, total); err != nil {
		return nil, err
	}
	var (
		errs   []error
		cats   []string
		words  [][]rune
		pats   []pattern
		patOf  = make(map[string]int) // normalised word -> index in pats
		listed int                    // patterns with a category entry
	)
	for _, name := range names {
		cat, ok := strings.CutSuffix(name, ".txt")
		if !ok || !validCategory(cat) {
			errs = append(errs, fmt.Errorf("words/%s: the file name must be a category of lowercase [a-z0-9_-] followed by .txt", name))
			continue
		}
		ci := allowCat
		if name != allowFile {
			ci = len(cats)
			cats = append(cats, cat)
		}
		src := strings.TrimPrefix(string(files[name]), "\uFEFF")
		for i, line := range strings.Split(src, "\n") {
			at := func(format string, a ...any) {
				errs = append(errs, fmt.Errorf("words/%s:%d: "+format, append([]any{name, i + 1}, a...)...))
			}
			w := strings.TrimSpace(line)
			switch {
			case !utf8.ValidString(w):
				at("invalid UTF-8")
				continue
			case w == "" || strings.HasPrefix(w, "#"):
				continue
			case utf8.RuneCountInString(w) > maxWord:
				at("%q is longer than %d characters", w, maxWord)
				continue
			}
			norm := normalise(w)
			if len(norm) == 0 {
				at("%q has no letters or digits, only spaces and symbols", w)
				continue
			}
			p, ok := patOf[string(norm)]
			if !ok {
				p = len(pats)
				patOf[string(norm)] = p
				words = append(words, norm)
				pats = append(pats, pattern{n: len(norm), asciiBeg: isASCIIAlnum(norm[0]), asciiEnd: isASCIIAlnum(norm[len(norm)-1])})
			}
			es := pats[p].entries
			if slices.ContainsFunc(es, func(e entry) bool { return e.cat == ci }) {
				continue // listed twice in this file, perhaps written differently
			}
			if ci != allowCat && !slices.ContainsFunc(es, func(e entry) bool { return e.cat != allowCat }) {
				listed++
			}
			pats[p].entries = append(es, entry{cat: ci, word: w})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if listed == 0 {
		return nil, errors.New("words: no word lists (no *.txt file with a word in it)")
	}
	return &List{Version: versionOf(files), m: build(words, pats), cats: cats, words: listed}, nil
}

// Load compiles every *.txt file at the root of fsys. Hidden files (editor
// locks and temporary files) and directories are skipped.
func Load(fsys fs.FS) (*List, error) {
	files, err := readLists(fsys)
	if err != nil {
		return nil, err
	}
	return Parse(files)
}

// checkSizes refuses lists over MaxFiles, MaxFileSize or MaxTotalSize.
func checkSizes(names []string, files map[string][]byte, total int) error {
	var errs []error
	if len(names) > MaxFiles {
		errs = append(errs, fmt.Errorf("words: %d word list files, over the limit of %d", len(names), MaxFiles))
	}
	for _, name := range names {
		if len(files[name]) > MaxFileSize {
			errs = append(errs, fmt.Errorf("words/%s: the file is over the limit of %d bytes", name, MaxFileSize))
		}
	}
	if total > MaxTotalSize {
		errs = append(errs, fmt.Errorf("words: the lists are over the limit of %d bytes in all", MaxTotalSize))
	}
	return errors.Join(errs...)
}

// readLists reads the word list files at the root of fsys, reading no
// more of a file than one byte past MaxFileSize (Parse then refuses it),
// and no more files once the total is past MaxTotalSize.
func readLists(fsys fs.FS) (map[string][]byte, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte)
	total := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".txt") || strings.HasPrefix(name, ".") || e.IsDir() {
			continue
		}
		if len(files) == MaxFiles || total > MaxTotalSize {
			files[name] = nil // counted, not read: Parse refuses the lists
			continue
		}
		src, err := readBounded(fsys, name, MaxFileSize+1)
		if err != nil {
			return nil, err
		}
		files[name] = src
		total += len(src)
	}
	return files, nil
}

// readBounded reads at most max bytes of the file name in fsys.
func readBounded(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

func validCategory(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// versionOf names a set of files: the first 12 hex digits of the SHA-256
// over their names and contents, in name order, each length-prefixed so
// that no two sets hash alike by shifting bytes between fields.
func versionOf(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	h := sha256.New()
	var n [8]byte
	for _, name := range names {
		for _, b := range [][]byte{[]byte(name), files[name]} {
			binary.BigEndian.PutUint64(n[:], uint64(len(b)))
			h.Write(n[:])
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
