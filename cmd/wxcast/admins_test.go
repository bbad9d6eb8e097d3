package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/configs"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/store"
)

// TestAdminsAddRefusesBadInput: every mistake is named by its flag or
// key before a code is handed out.
func TestAdminsAddRefusesBadInput(t *testing.T) {
	t.Parallel()
	base := []string{"WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken,
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey, "WXCAST_REDIS_URL=redis://127.0.0.1:1/0"}
	cases := []struct {
		name    string
		args    []string
		environ []string
		exit    int // 2: a usage error, 1: a failure
		want    []string
	}{
		{"no name", []string{"--roles", "owner"}, base, 2, []string{`--name ""`, "must not be empty"}},
		{"name too long", []string{"--name", strings.Repeat("李", 33), "--roles", "owner"}, base, 2, []string{"--name", "at most 32"}},
		{"no roles", []string{"--name", "小李"}, base, 2, []string{`--roles ""`, "at least one of editor, approver and owner"}},
		{"unknown role", []string{"--name", "小李", "--roles", "owner,boss"}, base, 2, []string{"--roles", `unknown role "boss"`}},
		{"role twice", []string{"--name", "小李", "--roles", "Owner, owner"}, base, 2, []string{"--roles", `lists "owner" twice`}},
		{"both, before the configuration", []string{"--name", " ", "--roles", "boss"}, nil, 2, []string{"--name", "--roles"}},
		{"wait too short", []string{"--name", "小李", "--roles", "owner", "--wait", "5s"}, base, 2, []string{"--wait", "between 1m0s and 24h0m0s"}},
		{"no approver left", []string{"--name", "小李", "--roles", "editor"}, base, 1,
			[]string{"broadcast.approvals_required", "only 0 admins can approve"}},
		{"embedded store", []string{"--name", "小李", "--roles", "owner"}, append(base, "WXCAST_REDIS_URL="), 1,
			[]string{"redis.url is empty", "inside its own process", "WXCAST_REDIS_URL", "typed an admin command"}},
		{"stray argument", []string{"--name", "小李", "--roles", "owner", "now"}, base, 2, []string{`unexpected argument "now"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errs bytes.Buffer
			exit := runMain(context.Background(), append([]string{"admins", "add"}, tc.args...), tc.environ, &out, &errs)
			if exit != tc.exit {
				t.Errorf("exit %d, want %d; stderr:\n%s", exit, tc.exit, errs.String())
			}
			for _, w := range append(tc.want, "wxcast admins add: ") {
				if !strings.Contains(errs.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs.String())
				}
			}
			if codeInOutput.MatchString(out.String()) {
				t.Errorf("a code was handed out:\n%s", out.String())
			}
		})
	}
}

// addAdminRig runs addAdmin in the test's process on a real store.
type addAdminRig struct {
	t     *testing.T
	codes *store.AdminClaims
	out   *lockedBuffer
	done  chan error
}

func startAddAdmin(t *testing.T, ctx context.Context, o addAdminOptions) *addAdminRig {
	r := &addAdminRig{t: t, codes: redistest.Open(t).AdminClaims(), out: &lockedBuffer{}, done: make(chan error, 1)}
	o.Codes = r.codes
	go func() { r.done <- addAdmin(ctx, o, r.out) }()
	return r
}

func (r *addAdminRig) code() string {
	r.t.Helper()
	waitFor(r.t, 10*time.Second, "a code", func() bool { return codeInOutput.MatchString(r.out.String()) })
	return codeInOutput.FindString(r.out.String())
}

func (r *addAdminRig) result() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(10 * time.Second):
		r.t.Fatalf("addAdmin did not return; output:\n%s", r.out.String())
	}
	return nil
}

// TestAddAdminExpires: a code no one sends stops working at --wait, the
// command says so and removes it, and shows it was waiting meanwhile.
func TestAddAdminExpires(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	r := startAddAdmin(t, context.Background(), addAdminOptions{Name: "小李", Roles: []string{"owner"},
		Wait: 600 * time.Millisecond, Poll: 20 * time.Millisecond, Progress: 200 * time.Millisecond, Location: shanghai})
	code := r.code()
	err = r.result()
	// The expiry is shown in the account's zone, named.
	if !regexp.MustCompile(`until \d\d:\d\d:\d\d CST\)`).MatchString(r.out.String()) {
		t.Fatalf("the expiry is not in the account's zone:\n%s", r.out.String())
	}
	if err == nil || !strings.Contains(err.Error(), "expired after 600ms") || !strings.Contains(err.Error(), "--wait") {
		t.Fatalf("expiry: %v", err)
	}
	if !strings.Contains(r.out.String(), "still waiting") {
		t.Fatalf("no sign of waiting:\n%s", r.out.String())
	}
	if _, exists, err := r.codes.Claimant(context.Background(), code); exists || err != nil {
		t.Fatalf("the expired code is still there: %v %v", exists, err)
	}
	if res, _ := r.codes.Claim(context.Background(), code, "oLate"); res != store.ClaimNone {
		t.Fatalf("an expired code claimed: %v", res)
	}
}

// TestAddAdminCancelWithdraws: ending the command's context (Ctrl-C)
// removes the code.
func TestAddAdminCancelWithdraws(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r := startAddAdmin(t, ctx, addAdminOptions{Name: "小李", Roles: []string{"owner"}, Wait: time.Minute, Poll: 20 * time.Millisecond})
	code := r.code()
	cancel()
	if err := r.result(); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancel: %v", err)
	}
	if res, _ := r.codes.Claim(context.Background(), code, "oLate"); res != store.ClaimNone {
		t.Fatalf("a withdrawn code claimed: %v", res)
	}
}

// TestAddAdminPrintsTheMergedList: the printed YAML and WXCAST_ADMINS
// hold the configured admins and the new one, with odd characters in a
// name surviving both, and each loads as the configuration.
func TestAddAdminPrintsTheMergedList(t *testing.T) {
	t.Parallel()
	environ := []string{"WXCAST_WECHAT_APP_ID=" + tAppID, "WXCAST_WECHAT_TOKEN=" + tToken, "WXCAST_WECHAT_ENCODING_AES_KEY=" + tAESKey}
	cfg, err := configs.Load("", append(environ, `WXCAST_ADMINS=[{"openid":"oOldWang","name":"老王","roles":["approver"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	name := `Li "Lei" O'Neil \ 李`
	r := startAddAdmin(t, context.Background(), addAdminOptions{Name: name, Roles: []string{"editor", "owner"},
		Wait: time.Minute, Poll: 20 * time.Millisecond, Existing: cfg.Admins, Check: adminsCheck(cfg)})
	if res, err := r.codes.Claim(context.Background(), r.code(), "oNewLi"); res != store.ClaimTaken || err != nil {
		t.Fatalf("claim: %v %v", res, err)
	}
	if err := r.result(); err != nil {
		t.Fatalf("addAdmin: %v\n%s", err, r.out.String())
	}
	out := r.out.String()
	want := []configs.Admin{
		{OpenID: "oOldWang", Name: "老王", Roles: []string{"approver"}},
		{OpenID: "oNewLi", Name: name, Roles: []string{"editor", "owner"}},
	}

	// The YAML, pasted into a configuration file.
	yamlStart := strings.Index(out, "admins:\n")
	yamlEnd := strings.Index(out[yamlStart:], "\n\n")
	if yamlStart < 0 || yamlEnd < 0 {
		t.Fatalf("no admins YAML in:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "wxcast.yaml")
	if err := os.WriteFile(file, []byte(out[yamlStart:yamlStart+yamlEnd+1]), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, err := configs.Load(file, environ)
	if err != nil || !reflect.DeepEqual(fromFile.Admins, want) {
		t.Fatalf("the YAML loads as %+v (%v), want %+v", fromFile, err, want)
	}

	// The variable, as a shell reads the printed line.
	line := ""
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, "WXCAST_ADMINS=") {
			line = strings.TrimSpace(l)
		}
	}
	value, err := exec.Command("sh", "-c", line+`; printf %s "$WXCAST_ADMINS"`).Output()
	if err != nil {
		t.Fatalf("sh: %v (line %s)", err, line)
	}
	fromEnv, err := configs.Load("", append(environ, "WXCAST_ADMINS="+string(value)))
	if err != nil || !reflect.DeepEqual(fromEnv.Admins, want) {
		t.Fatalf("WXCAST_ADMINS loads as %+v (%v), want %+v", fromEnv, err, want)
	}
	if !strings.Contains(out, "restart") || !strings.Contains(out, "SIGHUP does not") {
		t.Fatalf("no word of the restart:\n%s", out)
	}
}

// TestAddAdminRefusesAnExistingAdmin: a code claimed by someone who is
// already an admin adds nothing.
func TestAddAdminRefusesAnExistingAdmin(t *testing.T) {
	t.Parallel()
	r := startAddAdmin(t, context.Background(), addAdminOptions{Name: "小李", Roles: []string{"owner"},
		Wait: time.Minute, Poll: 20 * time.Millisecond,
		Existing: []configs.Admin{{OpenID: "oOldWang", Name: "老王", Roles: []string{"owner"}}}})
	if res, err := r.codes.Claim(context.Background(), r.code(), "oOldWang"); res != store.ClaimTaken || err != nil {
		t.Fatalf("claim: %v %v", res, err)
	}
	if err := r.result(); err == nil || !strings.Contains(err.Error(), "already configured as admins[0] (老王)") {
		t.Fatalf("an existing admin: %v", err)
	}
}
