package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWordsCheck(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"words", "check", "--text", "本店最 佳咖啡，转发到朋友圈领红包"}, nil, &out, &errs)
	var rep errReported
	if !errors.As(err, &rep) {
		t.Fatalf("hits: err %v, want a reported failure", err)
	}
	for _, want := range []string{"built-in lists: ok", `absolute: character 3 "最 佳"`, "inducement: character 9", "2 hit(s)", "批准 <编号> 强制 <理由>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "shop.txt"), []byte("# ours\n秒杀\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"words", "check", dir, "--text", "本店最佳咖啡"}, nil, &out, &errs); err != nil {
		t.Fatalf("own list, clean text: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 words in shop") || !strings.Contains(out.String(), "no hits") {
		t.Errorf("own list: %s", out.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "Bad Name.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs.Reset()
	err = run(context.Background(), []string{"words", "check", dir}, nil, &out, &errs)
	if !errors.As(err, &rep) || !strings.Contains(errs.String(), "Bad Name.txt") {
		t.Errorf("bad file name: %v, %s", err, errs.String())
	}
}

func TestWordsCheckNamesTheDirectory(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	file := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(file, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{
		missing: missing + ": no such file or directory",
		file:    file + ": not a directory",
	} {
		err := run(context.Background(), []string{"words", "check", dir}, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("words check %s: %v, want %q", dir, err, want)
		}
	}
}
