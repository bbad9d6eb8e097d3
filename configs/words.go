package configs

import (
	"embed"
	"io/fs"
)

// defaultWords holds the default content-check word lists, built into the
// binary so that a broadcast is checked even without a words directory.
//
//go:embed words/*.txt
var defaultWords embed.FS

// DefaultWords returns the default word lists (configs/words/*.txt) as a
// file system rooted at the words directory, for words.Load.
func DefaultWords() fs.FS {
	sub, err := fs.Sub(defaultWords, "words")
	if err != nil {
		panic(err) // "words" is a valid path: fs.Sub cannot fail
	}
	return sub
}
