package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// runSim runs the simulated WeChat alone, for rule authors testing a
// local wxcast: the API (point wechat.api_base_url at it) and a page that
// pushes callbacks to the server's callback URL.
func runSim(ctx context.Context, args, _ []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9090", "address of the simulated API and its page")
	callback := fs.String("callback", "http://127.0.0.1:8080/wechat", "the server's callback URL")
	appID := fs.String("app-id", demoAppID, "AppID of the simulated account (wechat.app_id)")
	secret := fs.String("app-secret", demoSecret, "AppSecret the simulator accepts (wechat.app_secret)")
	token := fs.String("token", demoToken, "Token that signs callbacks (wechat.token)")
	aesKey := fs.String("aes-key", demoAESKey, "EncodingAESKey (wechat.encoding_aes_key); empty for plaintext mode")
	mode := fs.String("mode", "safe", "message encryption mode: plain, compat or safe")
	followers := fs.Int("followers", 0, "followers to put on the roster, for `wxcast users sync` (0 to 1000000)")
	draftIDs := fs.String("draft-ids", "accepted", "how mass send and preview treat a draft's media_id: accepted, once (until its first mass send) or refused (40007)")
	quotas := quotaFlag{}
	fs.Var(quotas, "quota", "daily API quota `PATH=N` replacing the default, e.g. /cgi-bin/message/mass/send=3 (repeatable; N -1: none)")
	account := accountFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sim: unexpected argument %q", fs.Arg(0))
	}
	m, ok := map[string]wxsim.Mode{"plain": wxsim.ModePlain, "compat": wxsim.ModeCompat, "safe": wxsim.ModeSafe}[*mode]
	if !ok {
		return fmt.Errorf("sim: --mode %q: want plain, compat or safe", *mode)
	}
	if *followers < 0 || *followers > 1_000_000 {
		return fmt.Errorf("sim: --followers %d: want 0 to 1000000", *followers)
	}
	draftMode, err := wxsim.ParseDraftMode(*draftIDs)
	if err != nil {
		return fmt.Errorf("sim: --draft-ids: %w", err)
	}
	log, err := newLogger(configs.LogConfig{Level: "warn", Format: "console"}, stderr)
	if err != nil {
		return err
	}
	sim := wxsim.NewServer(wxsim.WithLeanCallLog(), wxsim.WithDraftMode(draftMode), wxsim.WithDailyQuotas(quotas))
	defer sim.Close()
	sim.AddApp(*appID, *secret)
	if err := account(sim, *appID); err != nil {
		return err
	}
	draft := addDemoUploads(sim, *appID)
	if *followers > 0 {
		sim.PopulateFollowers(*appID, *followers, 1)
	}
	client, err := wxsim.NewClient(wxsim.ClientConfig{URL: *callback, Token: *token, EncodingAESKey: *aesKey,
		AppID: *appID, OriginalID: demoOrigID, Mode: m, Platform: sim})
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	sim.SetPush(*appID, client, time.Second)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("sim: %w (choose another address with --listen)", err)
	}
	page := &demo.SimPage{Sim: sim, AppID: *appID, Client: client}
	var wg sync.WaitGroup
	serveHTTP(ctx, &wg, ln, page.Handler(), log.Named("wxsim"))
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, `wxcast sim: simulated WeChat for AppID %s
  page          %s/  (push callbacks by hand)
  API base URL  %s
  callbacks to  %s (%s mode, token %s)
  uploaded      draft %s (图文, draft ids %s), template %s (bot.notify_template_id)
Run wxcast against it:
  WXCAST_WECHAT_API_BASE_URL=%s WXCAST_WECHAT_APP_SECRET=%s \
    go run ./cmd/wxcast serve --config configs/wxcast.example.yaml
Ctrl-C stops it.
`, *appID, base, base, *callback, *mode, *token, draft, draftMode, demoTemplate, base, *secret)
	wg.Wait()
	return nil
}

// addDemoUploads registers what the demo account has uploaded: the
// template of its notices, and its news article, a draft in the draft box
// whose title and digest the word lists check before a news broadcast is
// approved. It returns the draft's media_id (DRAFT_0002 on a fresh
// simulator: its cover takes the first id).
func addDemoUploads(sim *wxsim.Server, appID string) string {
	sim.AddTemplate(appID, demoTemplate)
	return sim.AddDraft(appID, wxsim.DraftArticle{
		Title:   "城南新店本周六开业",
		Author:  "门店运营部",
		Digest:  "开业当天全场八折，前100位到店顾客送咖啡一杯，欢迎到店体验。",
		Content: "<p>城南新店将于本周六上午十点开业，地址：城南路88号。</p>",
	})
}
