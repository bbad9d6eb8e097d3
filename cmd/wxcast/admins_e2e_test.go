package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/adminclaim"
	"github.com/wxcast/wxcast/internal/redistest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// adminsAddProcess is `wxcast admins add` run as its own process (the
// test binary re-executed as main), on the server's Redis.
type adminsAddProcess struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
}

func startAdminsAdd(t *testing.T, redisURL, prefix string, args ...string) *adminsAddProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(faultInheritedEnv(),
		mainProcessEnv+"=admins add --config ../../configs/wxcast.example.yaml "+strings.Join(args, " "),
		"WXCAST_WECHAT_APP_ID="+tAppID, "WXCAST_WECHAT_TOKEN="+tToken, "WXCAST_WECHAT_ENCODING_AES_KEY="+tAESKey,
		"WXCAST_REDIS_URL="+redisURL, "WXCAST_REDIS_KEY_PREFIX="+prefix)
	p := &adminsAddProcess{cmd: cmd, out: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("admins add output:\n%s", p.out.String())
		}
	})
	return p
}

var codeInOutput = regexp.MustCompile(`wxcast-\d{4}-\d{4}-\d{4}`)

// code waits until the command has printed its code.
func (p *adminsAddProcess) code(t *testing.T) string {
	t.Helper()
	waitFor(t, 30*time.Second, "admins add to print a code", func() bool {
		return codeInOutput.MatchString(p.out.String())
	})
	return codeInOutput.FindString(p.out.String())
}

// exit waits for the command to end and returns its exit code.
func (p *adminsAddProcess) exit(t *testing.T) int {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatalf("admins add did not end; output:\n%s", p.out.String())
	}
	return -1
}

// TestFirstAdminEndToEnd: a fresh install with no admins. A follower
// typing a command word is an ordinary follower, and the log points to
// `wxcast admins add`. The command, run as its own process, prints a
// code; Ctrl-C withdraws it. A second run's code, sent by a follower
// through WeChat, is claimed by the server; a wrong code is an ordinary
// text. The command prints the admins entry with that follower's openid
// and exits 0; restarted with it, the server answers the follower's 帮助
// with the admin help.
func TestFirstAdminEndToEnd(t *testing.T) {
	url, prefix := redistest.SharedURL(t), redistest.Prefix(t)
	st := redistest.OpenAt(t, url, prefix) // deletes the test's keys afterwards
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := []string{"WXCAST_REDIS_URL=" + url, "WXCAST_REDIS_KEY_PREFIX=" + prefix}
	addr, done, logs := startServeLogged(t, ctx, env)
	c, err := wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe})
	if err != nil {
		t.Fatal(err)
	}
	ch := &chat{t: t, c: c}
	const (
		follower = "oFirstAdminLi"
		ordinary = "收到！客服会尽快回复您。工作时间：周一至周五 9:00-18:00。" // the example rules' default reply
	)

	// No admins yet: 帮助 is an ordinary text, and the log says what to do.
	if got := ch.say(ctx, follower, "帮助"); got != ordinary {
		t.Fatalf("帮助 with no admins: %q", got)
	}
	if e := logs.FilterField(zap.String("openid", follower)).All(); len(e) != 1 || !strings.Contains(e[0].Message, "wxcast admins add") {
		t.Fatalf("log entries for the follower: %+v", e)
	}

	// Ctrl-C withdraws the code: sent afterwards, it is an ordinary text.
	first := startAdminsAdd(t, url, prefix, "--name", "小李", "--roles", "owner")
	withdrawn := first.code(t)
	if err := first.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := first.exit(t); code == 0 || !strings.Contains(first.out.String(), "cancelled") {
		t.Fatalf("Ctrl-C: exit %d, output:\n%s", code, first.out.String())
	}
	if got := ch.say(ctx, follower, withdrawn); got != ordinary {
		t.Fatalf("a withdrawn code: %q", got)
	}

	p := startAdminsAdd(t, url, prefix, "--name", "小李", "--roles", "owner")
	code := p.code(t)
	if !strings.Contains(p.out.String(), "Waiting") {
		t.Fatalf("the command does not say it waits:\n%s", p.out.String())
	}
	wrong := code[:len(code)-1] + string(code[len(code)-1]^1)
	if got := ch.say(ctx, "oGuesser", wrong); got != ordinary {
		t.Fatalf("a wrong code: %q", got)
	}
	if got := ch.say(ctx, follower, code); got != adminclaim.Reply {
		t.Fatalf("the code: %q", got)
	}
	if exit := p.exit(t); exit != 0 {
		t.Fatalf("admins add exited %d:\n%s", exit, p.out.String())
	}
	out := p.out.String()
	for _, want := range []string{
		"admins:\n  - openid: \"" + follower + "\"\n    name: \"小李\"\n    roles: [owner]\n",
		`WXCAST_ADMINS='[{"openid":"` + follower + `","name":"小李","roles":["owner"]}]'`,
		"restart",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	if _, exists, err := st.AdminClaims().Claimant(ctx, code); exists || err != nil {
		t.Fatalf("the code outlived the command: %v %v", exists, err)
	}
	// Used once: sent again, it is an ordinary text.
	if got := ch.say(ctx, "oGuesser", code); got != ordinary {
		t.Fatalf("the used code: %q", got)
	}

	// Restarted with the printed admins, the follower is an admin.
	admins := regexp.MustCompile(`WXCAST_ADMINS='([^']*)'`).FindStringSubmatch(out)[1]
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	addr, _, _ = startServeLogged(t, ctx2, append(env, "WXCAST_ADMINS="+admins))
	if ch.c, err = wxsim.NewClient(wxsim.ClientConfig{URL: "http://" + addr + "/wechat", Token: tToken,
		EncodingAESKey: tAESKey, AppID: tAppID, OriginalID: "gh_cmd", Mode: wxsim.ModeSafe}); err != nil {
		t.Fatal(err)
	}
	if got := ch.say(ctx2, follower, "帮助"); !strings.Contains(got, "新建") || !strings.Contains(got, "本说明") {
		t.Fatalf("帮助 from the new admin: %q", got)
	}
}
