package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/links"
	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/handlers"
	"github.com/wxcast/wxcast/store"
)

// startLinks builds the tracked links' service when links.base_url is
// set (nil otherwise) and runs its background exchange on wg. rec records
// identified clicks as behaviour (bot.Bot). Without an AppSecret (api nil)
// every tap is anonymous.
func startLinks(ctx context.Context, cfg *configs.Config, st *store.Store, api *wxapi.Client, rec links.Recorder,
	log *zap.Logger, wg *sync.WaitGroup) (handlers.Links, handlers.VerifyFile, error) {
	if cfg.Links.BaseURL == "" {
		return nil, handlers.VerifyFile{}, nil
	}
	var vf handlers.VerifyFile
	if p := cfg.Links.VerifyFile; p != "" {
		body, err := os.ReadFile(p)
		if err != nil {
			return nil, vf, fmt.Errorf("links.verify_file: %w", err)
		}
		vf = handlers.VerifyFile{Name: filepath.Base(p), Body: body}
	}
	d := links.Deps{
		Targets:  st.Links(),
		Clicks:   st.Links(),
		Receipts: links.NewReceipts(st.Broadcasts(), broadcast.NewRecords(st.Broadcasts(), nil), nil),
		Recorder: rec,
		Log:      log.Named("links"),
	}
	if api != nil {
		d.Exchanger = api
	}
	svc := links.New(links.Config{
		BaseURL: cfg.Links.BaseURL, OAuthBaseURL: cfg.WeChat.OAuthBaseURL, AppID: cfg.WeChat.AppID,
		StateKey: links.StateKey(cfg.WeChat.AppSecret.Value(), cfg.WeChat.Token.Value()),
		Workers:  cfg.Links.ExchangeWorkers, Queue: cfg.Links.ExchangeQueue,
	}, d)
	svc.Start(ctx, wg)
	log.Info("tracked links on", zap.String("base_url", cfg.Links.BaseURL), zap.Bool("authorization", api != nil))
	return svc, vf, nil
}
