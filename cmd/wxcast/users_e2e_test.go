package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

const usersSyncRules = `
tags:
  - name: clicked_promo
    on: [click]
    when: event.key == "MENU_PROMO"
    wechat_tag: 促销点击
segments:
  - name: old_customers
    rule: "'老客户' in user.wechat_tags"
`

// TestUsersSyncMirrorAndShow syncs followers from the simulated WeChat
// with the CLI, lets a click tag a follower through a running server and
// checks that the tag reaches WeChat, then shows the follower.
func TestUsersSyncMirrorAndShow(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	sim, simURL := sharedSim()
	appID := newApp(t)
	oldTag, err := sim.CreateTag(appID, "老客户")
	if err != nil {
		t.Fatal(err)
	}
	const a, b = "oUsersAAAAAAAAAAAAAAAAAAAAAA", "oUsersBBBBBBBBBBBBBBBBBBBBBB"
	sim.AddFollowers(appID,
		wxsim.Follower{OpenID: a, SubscribeScene: wxsim.SceneQRCode, QRSceneStr: "store_sh", Language: "en", TagIDs: []int{oldTag}},
		wxsim.Follower{OpenID: b})
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte(usersSyncRules), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix, "WXCAST_RULES_FILE=" + rulesFile,
		"WXCAST_WECHAT_APP_ID=" + appID, "WXCAST_WECHAT_APP_SECRET=" + tSecret, "WXCAST_WECHAT_API_BASE_URL=" + simURL,
		"WXCAST_WECHAT_TOKEN=" + tToken, "WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey,
		"WXCAST_SYNC_INTERVAL=0", "WXCAST_SYNC_MIRROR_EVERY=100ms"}
	cli := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append(args, "--config", "../../configs/wxcast.example.yaml"), env, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := cli("users", "sync", "--dry-run")
	if err != nil || !strings.Contains(out, "dry run: nothing was written") || !strings.Contains(out, "profiles created      2") ||
		!strings.Contains(out, "would be created:") || !strings.Contains(out, a) {
		t.Fatalf("users sync --dry-run: %v\n%s", err, out)
	}
	out, err = cli("users", "sync")
	if err != nil || !strings.Contains(out, "followers listed      2 of 2") || !strings.Contains(out, "profiles created      2") {
		t.Fatalf("users sync: %v\n%s", err, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	addr, done := startServe(t, ctx, env)
	t.Cleanup(func() { cancel(); <-done })
	redistest.OpenAt(t, url, prefix) // deletes the server's keys after the test
	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: appID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Send(ctx, wxsim.Click(b, "MENU_PROMO")); err != nil || res.Status != 200 {
		t.Fatalf("click: %v %+v", err, res)
	}
	var promo int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		for _, tag := range sim.WeChatTags(appID) {
			if tag.Name == "促销点击" {
				promo = tag.ID
			}
		}
		if promo != 0 && slices.Contains(sim.FollowerTagIDs(appID, b), promo) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the click's tag did not reach WeChat: tags %+v, b holds %v", sim.WeChatTags(appID), sim.FollowerTagIDs(appID, b))
		}
	}

	out, err = cli("users", "show", a)
	for _, want := range []string{"state              subscribed", "ADD_SCENE_QR_CODE, QR scene store_sh", "language en",
		"老客户 (id", "✓ old_customers"} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("users show %s: %v; want %q in\n%s", a, err, want, out)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out, err = cli("users", "show", b)
		if err == nil && strings.Contains(out, "+ tag clicked_promo") && strings.Contains(out, "促销点击 (id") &&
			strings.Contains(out, "✗ old_customers") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("users show %s: %v\n%s", b, err, out)
		}
	}
	if _, err := cli("users", "show", "oNobody"); err == nil || !strings.Contains(err.Error(), "no follower oNobody") {
		t.Fatalf("users show of an unknown openid: %v", err)
	}
}
