package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/rules/words"
)

// startRules loads rules_file and keeps it live: reloaded when the file
// changes or on SIGHUP. A file with errors at start stops the server; later,
// a bad version is refused and the live rules stay. nil without rules_file.
func startRules(ctx context.Context, cfg *configs.Config, log *zap.Logger, wg *sync.WaitGroup,
	accountTags func() []string, onReject func(string, error), onSwap func(string)) (*rules.Source, error) {
	if cfg.RulesFile == "" {
		log.Info("rules_file is empty: profiles are kept, nothing is tagged or answered")
		onHUP(ctx, wg, func() { log.Info("SIGHUP: no rules_file to reload") })
		return nil, nil
	}
	src, err := rules.NewSource(cfg.RulesFile, rules.SourceOptions{
		Options: rules.Options{Location: cfg.Location, AccountTags: accountTags, Limits: ruleLimits(cfg.Rules)},
		Log:     log, OnReject: onReject, OnSwap: onSwap,
	})
	if err != nil {
		return nil, fmt.Errorf("rules_file:\n%w", err)
	}
	wg.Go(func() {
		if err := src.Watch(ctx); err != nil {
			log.Error("rules file watch stopped; SIGHUP still reloads", zap.Error(err))
		}
	})
	onHUP(ctx, wg, func() { _, _ = src.Reload() }) // Reload logs what it did
	return src, nil
}

// startWords loads the content-check word lists (words_dir, or the
// built-in lists) and keeps a directory live like the rules file: a bad
// version is refused and the lists in use stay.
func startWords(ctx context.Context, cfg *configs.Config, log *zap.Logger, wg *sync.WaitGroup,
	onReject func(string, error)) (*words.Source, error) {
	src, err := words.NewSource(cfg.WordsDir, words.SourceOptions{Default: configs.DefaultWords(), Log: log, OnReject: onReject})
	if err != nil {
		return nil, fmt.Errorf("words_dir:\n%w", err)
	}
	if cfg.WordsDir != "" {
		wg.Go(func() {
			if err := src.Watch(ctx); err != nil {
				log.Error("word lists watch stopped; SIGHUP still reloads", zap.Error(err))
			}
		})
		onHUP(ctx, wg, func() { _, _ = src.Reload() })
	}
	return src, nil
}

// onHUP runs fn on every SIGHUP until ctx ends. Handling the signal at all
// also keeps it from ending the process, its default.
func onHUP(ctx context.Context, wg *sync.WaitGroup, fn func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Go(func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				fn()
			}
		}
	})
}
