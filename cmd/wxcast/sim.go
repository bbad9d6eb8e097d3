package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/demo"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// simFlags are the simulator's command-line options.
type simFlags struct {
	listen, callback, appID, secret, token, aesKey, mode, draftIDs string
	oauthDomain                                                    string
	statsShape                                                     string
	followers                                                      int
	quotas                                                         quotaFlag
	account                                                        func(*wxsim.Server, string) (string, error)
}

func simCmd(c *cli) *cobra.Command {
	f := simFlags{quotas: quotaFlag{}}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "run the simulated WeChat alone, with a page to push callbacks",
		Long: `Run the simulated WeChat alone, for rule authors testing a local wxcast:
its API (point wechat.api_base_url at it) and a page that pushes callbacks
to the server's callback URL.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSim(cmd.Context(), f, c.stdout, c.stderr) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", "127.0.0.1:9090", "address of the simulated API and its page")
	fs.StringVar(&f.callback, "callback", "http://127.0.0.1:8080/wechat", "the server's callback URL")
	fs.StringVar(&f.appID, "app-id", demoAppID, "AppID of the simulated account (wechat.app_id)")
	fs.StringVar(&f.secret, "app-secret", demoSecret, "AppSecret the simulator accepts (wechat.app_secret)")
	fs.StringVar(&f.token, "token", demoToken, "Token that signs callbacks (wechat.token)")
	fs.StringVar(&f.aesKey, "aes-key", demoAESKey, "EncodingAESKey (wechat.encoding_aes_key); empty for plaintext mode")
	fs.StringVar(&f.mode, "mode", "safe", "message encryption mode: plain, compat or safe")
	fs.IntVar(&f.followers, "followers", 0, "followers to put on the roster, for wxcast users sync (0 to 1000000)")
	fs.StringVar(&f.draftIDs, "draft-ids", "accepted", "how mass send and preview treat a draft's media_id: accepted, once (until its first mass send) or refused (40007)")
	fs.StringVar(&f.oauthDomain, "oauth-domain", "127.0.0.1", "the account's web authorization domain (网页授权域名): the host of links.base_url; its authorization page (wechat.oauth_base_url) refuses others")
	fs.StringVar(&f.statsShape, "stats-shape", "doc", "how datacube/getarticletotaldetail answers: doc (windows up to 30 days, is_delay at the top) or reported (one day a call, is_delay on each row, as developers report it)")
	fs.Var(f.quotas, "quota", "daily API quota `PATH=N` replacing the default, e.g. /cgi-bin/message/mass/send=3 (repeatable; N -1: none)")
	f.account = accountFlags(fs)
	return cmd
}

// runSim runs the simulated WeChat alone.
func runSim(ctx context.Context, f simFlags, stdout, stderr io.Writer) error {
	m, ok := map[string]wxsim.Mode{"plain": wxsim.ModePlain, "compat": wxsim.ModeCompat, "safe": wxsim.ModeSafe}[f.mode]
	if !ok {
		return usagef("--mode %q: want plain, compat or safe", f.mode)
	}
	if f.followers < 0 || f.followers > 1_000_000 {
		return usagef("--followers %d: want 0 to 1000000", f.followers)
	}
	if u, err := url.Parse(f.callback); err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return usagef("--callback %q: want an absolute http(s) URL, e.g. http://127.0.0.1:8080/wechat", f.callback)
	}
	if f.aesKey != "" && len(f.aesKey) != 43 {
		return usagef("--aes-key: an EncodingAESKey has 43 characters, got %d", len(f.aesKey))
	}
	draftMode, err := wxsim.ParseDraftMode(f.draftIDs)
	if err != nil {
		return usageError{err: fmt.Errorf("--draft-ids: %w", err)}
	}
	statsShape, err := wxsim.ParseStatsShape(f.statsShape)
	if err != nil {
		return usageError{err: fmt.Errorf("--stats-shape: %w", err)}
	}
	log, err := newLogger(configs.LogConfig{Level: "warn", Format: "console"}, stderr)
	if err != nil {
		return err
	}
	sim := wxsim.NewServer(wxsim.WithLeanCallLog(), wxsim.WithDraftMode(draftMode), wxsim.WithDailyQuotas(f.quotas))
	defer sim.Close()
	sim.AddApp(f.appID, f.secret)
	sim.SetOAuthDomain(f.appID, f.oauthDomain)
	sim.SetStatsShape(f.appID, statsShape)
	plays, err := f.account(sim, f.appID)
	if err != nil {
		return err
	}
	draft := addDemoUploads(sim, f.appID)
	if f.followers > 0 {
		sim.PopulateFollowers(f.appID, f.followers, 1)
	}
	client, err := wxsim.NewClient(wxsim.ClientConfig{URL: f.callback, Token: f.token, EncodingAESKey: f.aesKey,
		AppID: f.appID, OriginalID: demoOrigID, Mode: m, Platform: sim})
	if err != nil {
		return err
	}
	sim.SetPush(f.appID, client, time.Second)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return listenError(f.listen, err, "--listen")
	}
	page := &demo.SimPage{Sim: sim, AppID: f.appID, Client: client}
	var wg sync.WaitGroup
	serveHTTP(ctx, &wg, ln, page.Handler(), log.Named("wxsim"))
	base := "http://" + ln.Addr().String()
	run, err := simBannerCommand(f, base)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, `wxcast sim: simulated WeChat for AppID %s
  account       %s
  page          %s/  (push callbacks by hand)
  API base URL  %s
  callbacks to  %s (%s mode, token %s)
  uploaded      draft %s (图文, draft ids %s), template %s (bot.notify_template_id)
%sCtrl-C stops it.
`, f.appID, plays, base, base, f.callback, f.mode, f.token, draft, draftMode, demoTemplate, run)
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
