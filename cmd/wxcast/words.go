package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules/words"
)

func wordsCmd(c *cli) *cobra.Command {
	var text, file string
	check := &cobra.Command{
		Use:   "check [DIR] [--text TEXT | --file FILE]",
		Short: "load the word lists of DIR (default: words_dir of the config, else the built-in lists); exit 1 listing every problem; with a text, list its hits",
		Args:  maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return wordsCheck(&c.config, args, text, file, c.stdout, c.stderr)
		},
	}
	check.Flags().StringVar(&text, "text", "", "a broadcast text to check")
	check.Flags().StringVar(&file, "file", "", "a file whose text to check")
	g := group("words", "check the content-check word lists and what a text hits", check)
	c.addConfigFlag(g)
	return g
}

// wordsCheck lets an operator check a word list directory before the
// server reloads it, and see what a text would hit at preview.
func wordsCheck(conf *configFlag, pos []string, text, file string, stdout, stderr io.Writer) error {
	cfg, err := conf.loadOffline()
	if err != nil {
		return err
	}
	dir, name := cfg.WordsDir, "words_dir "+cfg.WordsDir
	if len(pos) == 1 {
		dir, name = pos[0], pos[0]
	}
	var list *words.List
	if dir == "" {
		name = "built-in lists"
		list, err = words.Load(configs.DefaultWords())
	} else {
		if err := checkDir(dir); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		list, err = words.Load(os.DirFS(dir))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "%s: word lists refused\n", name)
		return errReported{msg: name + ": refused"}
	}
	fmt.Fprintf(stdout, "%s: ok, version %s: %d words in %s\n", name, list.Version, list.Words(), strings.Join(list.Categories(), ", "))
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--file: %w", err)
		}
		text = string(b)
	}
	if text == "" {
		return nil
	}
	hits := list.Check(text)
	for _, h := range hits {
		fmt.Fprintf(stdout, "%s: character %d %q (listed as %q)\n", h.Category, h.Start+1, h.Text, h.Word)
	}
	if len(hits) > 0 {
		fmt.Fprintf(stdout, "%d hit(s): a plan with this text needs an owner's override: in chat 批准 <编号> 强制 <理由> (approve <id> override <reason> in English)\n", len(hits))
		return errReported{msg: "hits"}
	}
	_, err = fmt.Fprintln(stdout, "no hits")
	return err
}

// checkDir says why dir cannot hold word lists: missing, unreadable or
// not a directory.
func checkDir(dir string) error {
	st, err := os.Stat(dir)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return pe.Err // the caller names the directory
	case err != nil:
		return err
	case !st.IsDir():
		return errors.New("not a directory: give the directory that holds the word list files (*.txt)")
	}
	return nil
}
