package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules/words"
)

func wordsCommands() []command {
	return []command{
		{"check", "[DIR] [--text TEXT | --file FILE]  load the word lists of DIR (default: words_dir of the config, else the built-in lists); exit 1 listing every problem; with a text, list its hits", wordsCheck},
	}
}

func runWords(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return dispatch("wxcast words", wordsCommands(), ctx, args, environ, stdout, stderr)
}

// wordsCheck lets an operator check a word list directory before the
// server reloads it, and see what a text would hit at preview.
func wordsCheck(_ context.Context, args, environ []string, stdout, stderr io.Writer) error {
	f := newCLIFlags("words check", environ, stderr)
	text := f.fs.String("text", "", "a broadcast text to check")
	file := f.fs.String("file", "", "a file whose text to check")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("unexpected argument %q", pos[1])
	}
	cfg, err := f.loadOffline(environ)
	if err != nil {
		return err
	}
	dir, name := cfg.WordsDir, cfg.WordsDir
	if len(pos) == 1 {
		dir, name = pos[0], pos[0]
	}
	var list *words.List
	if dir == "" {
		name = "built-in lists"
		list, err = words.Load(configs.DefaultWords())
	} else {
		list, err = words.Load(os.DirFS(dir))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return errReported{msg: name + ": refused"}
	}
	fmt.Fprintf(stdout, "%s: ok, version %s: %d words in %s\n", name, list.Version, list.Words(), strings.Join(list.Categories(), ", "))
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		*text = string(b)
	}
	if *text == "" {
		return nil
	}
	hits := list.Check(*text)
	for _, h := range hits {
		fmt.Fprintf(stdout, "%s: character %d %q (listed as %q)\n", h.Category, h.Start+1, h.Text, h.Word)
	}
	if len(hits) > 0 {
		fmt.Fprintf(stdout, "%d hit(s): a plan with this text needs an owner's override (approve <id> override <reason>)\n", len(hits))
		return errReported{msg: "hits"}
	}
	_, err = fmt.Fprintln(stdout, "no hits")
	return err
}
