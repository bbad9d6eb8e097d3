package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// demoProcessEnv turns a re-executed test binary into `wxcast demo` with
// the variable's value as arguments. The demo points the process's WeChat
// SDK at its own simulator, so it cannot share a process with the tests
// that use the package's shared one.
const demoProcessEnv = "WXCASTTEST_DEMO_ARGS"

// demoProcess is the demo's main; it stops when its stdin closes.
func demoProcess(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	if err := run(ctx, append([]string{"demo"}, args...), nil, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wxcast:", err)
		return 1
	}
	return 0
}

// startDemo runs the demo in a process of its own and returns the page's
// URL.
func startDemo(t *testing.T, args ...string) string {
	t.Helper()
	banner, stderr := launchDemo(t, args...)
	m := regexp.MustCompile(`open (http://\S+/)`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("the demo's banner names no page:\n%s\nstderr:\n%s", banner, stderr.String())
	}
	return m[1]
}

// launchDemo runs the demo in a process of its own, which stops when the
// test ends, and returns its banner (stdout up to "Ctrl-C stops the
// demo") once printed, and its stderr so far and to come.
func launchDemo(t *testing.T, args ...string) (string, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), demoProcessEnv+"="+strings.Join(args, " "))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	return demoBanner(t, cmd, "its stdin closing", func() { _ = stdin.Close() })
}

// demoBanner starts cmd, a demo, and returns its banner (stdout up to
// "Ctrl-C stops the demo") once printed, and its stderr so far and to
// come. When the test ends, stop (described by how) asks the demo to
// stop; one that has not stopped 15 s later fails the test.
func demoBanner(t *testing.T, cmd *exec.Cmd, how string, stop func()) (string, *lockedBuffer) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("the demo did not stop within 15 s of %s", how)
		}
		if t.Failed() {
			t.Logf("demo output:\n%s", stderr.String())
		}
	})
	banner := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "Ctrl-C stops the demo") {
				banner <- b.String()
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		close(banner)
	}()
	select {
	case out, ok := <-banner:
		if !ok {
			t.Fatalf("the demo exited before it served:\n%s", stderr.String())
		}
		return out, stderr
	case <-time.After(60 * time.Second):
		t.Fatalf("the demo did not start:\n%s", stderr.String())
	}
	return "", nil
}

// chromePath finds Chromium; without it the browser test is skipped, and
// under CI (which installs it) it fails.
func chromePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("WXCAST_TEST_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found: CI must install it (Debian package chromium)")
	}
	t.Skip("no Chromium found (install Debian's chromium, or set WXCAST_TEST_CHROME)")
	return ""
}

// TestDemoInBrowser opens the demo page in headless Chromium and runs a
// broadcast through it as a person would: the editor creates and
// previews, the page switches to the second admin who approves, the editor
// sends, and the page shows the batches delivered and the status. Each
// step is checked on the page itself.
func TestDemoInBrowser(t *testing.T) {
	chrome := chromePath(t)
	// A copy of the example rules, which the test breaks and mends.
	example, err := os.ReadFile("../../configs/rules.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(rulesFile, example, 0o644); err != nil {
		t.Fatal(err)
	}
	// The crowd waits an hour on average before tapping a link: the one
	// tap the test looks for is the browser's.
	banner, _ := launchDemo(t, "--listen", "127.0.0.1:0", "--followers", "60", "--join-in", "3s", "--rate", "0.5",
		"--batch-interval", "1s", "--click-delay", "1h", "--rules", rulesFile)
	page := regexp.MustCompile(`open (http://\S+/)`).FindStringSubmatch(banner)[1]
	simURL := regexp.MustCompile(`simulated WeChat API +(http://\S+)`).FindStringSubmatch(banner)[1]
	// The broadcast's link leads to a page on this machine: the browser
	// follows it to the end, and nothing may leave the machine.
	target := simURL + "/shop/sale?from=wx"

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	b := &browser{t: t, ctx: ctx}
	b.run("open the page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#composer")))
	b.waitJS("the admins in the identity menu", `document.querySelectorAll("#who option").length >= 3`)
	b.waitJS("the promo segment to fill up", `(() => {
		const c = document.querySelector('#segtable tr[data-name="promo_clickers"] td.count');
		return c && parseInt(c.textContent.replace(/,/g, ""), 10) >= 2; })()`)
	b.waitJS("followers and their tags in the event stream", `document.querySelectorAll("#feed li").length > 10 &&
		[...document.querySelectorAll("#feed .chip")].some(c => c.textContent === "+new_follower")`)

	b.say("新建 promo_clickers 文本 周末特惠：满199减30 " + target)
	b.waitReply("已创建 #1")
	b.say("预览 1")
	reply := b.waitReply("计划 ")
	plan := regexp.MustCompile(`计划 ([0-9a-f]{8})`).FindStringSubmatch(reply)
	if plan == nil {
		t.Fatalf("the preview reply names no plan: %q", reply)
	}
	b.waitJS("the preview as WeChat shows it", `[...document.querySelectorAll('#messages .msg[data-kind="preview"]')]
		.some(m => m.textContent.includes("周末特惠：满199减30"))`)
	b.waitJS("the broadcast card, previewed", `document.querySelector('#bclist .bc[data-id="1"][data-state="planned"]') !== null`)

	b.switchTo(demoApprover)
	b.waitJS("the approver's own chat", `(() => { const m = document.querySelector("#messages").textContent;
		return m.includes("你是管理员 老王") && !m.includes("已创建 #1"); })()`)
	b.say("批准 1 " + plan[1])
	b.waitReply("1/1")
	b.waitJS("the card, approved by 老王", `(() => { const c = document.querySelector('#bclist .bc[data-id="1"]');
		return c && c.dataset.state === "approved" && c.textContent.includes("老王"); })()`)

	b.switchTo(demoEditor)
	b.waitJS("the editor's chat again", `document.querySelector("#messages").textContent.includes("已创建 #1")`)
	b.say("发送 1")
	b.waitReply("开始发送")
	b.waitJS("every batch accepted and reported", `(() => {
		const c = document.querySelector('#bclist .bc[data-id="1"]');
		if (!c || c.dataset.state !== "sent") return false;
		const bs = [...c.querySelectorAll(".batch")];
		return bs.length >= 1 && bs.every(x => x.dataset.state === "sent" && x.textContent.includes("送达"));
	})()`)
	b.waitJS("the finish notice in the editor's chat", `[...document.querySelectorAll('#messages .msg[data-from="account"]')]
		.some(m => m.textContent.includes("发送完成"))`)
	b.say("状态 1")
	status := b.waitReply("#1 已发送")
	if !strings.Contains(status, "批准 1/1：老王") {
		t.Errorf("status reply %q does not name the approval", status)
	}

	// An article written in the draft box: listed from chat, created from
	// its id, previewed with its title and digest, approved and sent.
	b.say("新建 promo_clickers 草稿")
	draft := regexp.MustCompile(`DRAFT_\d+`).FindString(b.waitReply("草稿箱最新"))
	if draft == "" {
		t.Fatal("the draft list names no draft")
	}
	b.say("新建 promo_clickers 图文 " + draft)
	b.waitReply("已创建 #2")
	b.say("预览 2")
	plan2 := regexp.MustCompile(`计划 ([0-9a-f]{8})`).FindStringSubmatch(b.waitReply("《城南新店本周六开业》"))
	if plan2 == nil {
		t.Fatal("the article's preview reply names no plan")
	}
	b.waitJS("the article's preview as WeChat shows it", `[...document.querySelectorAll('#messages .msg[data-kind="preview"]')]
		.some(m => m.textContent.includes("[图文消息] 城南新店本周六开业"))`)
	b.switchTo(demoApprover)
	b.waitJS("the approver's chat", `document.querySelector("#messages").textContent.includes("批准 1 ")`)
	b.say("批准 2 " + plan2[1])
	b.waitReply("#2（计划 " + plan2[1])
	b.switchTo(demoEditor)
	b.waitJS("the editor's chat again", `document.querySelector("#messages").textContent.includes("已创建 #2")`)
	b.say("发送 2")
	b.waitJS("the article sent", `(() => { const c = document.querySelector('#bclist .bc[data-id="2"]');
		return c && c.dataset.state === "sent"; })()`)
	b.screenshot("demo-desktop.png")

	// A follower the broadcast reached, opened from the event stream:
	// their chat shows it as WeChat delivered it, and their tags.
	ctxPick, cancelPick := context.WithTimeout(ctx, 20*time.Second)
	defer cancelPick()
	picked, err := chromedp.Run(ctxPick, chromedp.Evaluate[[]string](`(async () => {
		for (const n of document.querySelectorAll("#feed .who")) {
			const l = await (await fetch("/api/chat?after=0&openid=" + encodeURIComponent(n.title))).json();
			const text = l.find(m => m.kind === "broadcast" && m.text.includes("周末特惠"));
			if (text && l.some(m => m.kind === "broadcast" && m.text.includes("城南新店本周六开业"))) {
				n.click();
				return [n.textContent, n.title, (text.text.match(/http:\/\/\S+\/l\/[A-Za-z0-9_-]+/) || [""])[0]];
			}
		}
		return ["", "", ""]; })()`, chromedp.EvalAwaitPromise))
	if err != nil || len(picked) != 3 || picked[0] == "" {
		t.Fatalf("no follower in the event stream got the broadcast (%v)", err)
	}
	name, openid, link := picked[0], picked[1], picked[2]
	if !strings.HasPrefix(link, page+"l/") {
		t.Fatalf("%s's broadcast carries no tracked link of the page's origin: %q", name, link)
	}
	b.waitJS("the broadcast in "+name+"'s chat", `[...document.querySelectorAll('#messages .msg[data-kind="broadcast"]')]
		.some(m => m.textContent.includes("周末特惠：满199减30"))`)
	b.waitJS("the article in "+name+"'s chat", `[...document.querySelectorAll('#messages .msg[data-kind="broadcast"]')]
		.some(m => m.textContent.includes("[图文消息] 城南新店本周六开业"))`)
	b.waitJS(name+"'s tags", `document.querySelector('#profile .chip[data-tag="clicked_promo"]') !== null`)
	b.screenshot("demo-follower.png")

	// The follower taps the link in WeChat, on a phone of their own: it
	// leads through wxcast and the simulator's authorization page (which
	// knows them by its cookie, as WeChat knows its user) to the target,
	// and the card counts the click, which tags them.
	tab, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	phone := device.Info{Name: "WeChat on an iPhone", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) " +
		"AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN",
		Width: 390, Height: 844, Scale: 2, Mobile: true, Touch: true}
	tb := &browser{t: t, ctx: tab}
	tb.run("sign "+name+" in to the simulated WeChat", chromedp.Emulate(phone),
		chromedp.Navigate(simURL+"/connect/oauth2/authorize?wxsim_openid="+openid))
	tb.run("tap the link", chromedp.Navigate(link))
	// A browser keeps the fragment of the authorization URL
	// (#wechat_redirect) across redirects whose Location has none.
	if href, err := chromedp.Run(tab, chromedp.Location()); err != nil || strings.TrimSuffix(href, "#wechat_redirect") != target {
		t.Fatalf("the tap ended at %q (%v), want the link's target %q", href, err, target)
	}
	b.waitJS("the click on the card", `(() => { const o = document.querySelector('#bclist .bc[data-id="1"] .outcome');
		return o !== null && parseInt(o.dataset.clickers, 10) >= 1 && o.textContent.includes("点击"); })()`)
	b.waitJS(name+"'s clicked_link tag", `document.querySelector('#profile .chip[data-tag="clicked_link"]') !== null`)
	b.screenshot("demo-click.png")

	// The command lines the demo printed are on the page too.
	_, printed, _ := strings.Cut(banner, "the CLI on the demo's data")
	var cli []string
	for _, l := range strings.Split(printed, "\n")[1:] {
		if strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "    (") {
			cli = append(cli, strings.TrimSpace(l))
		}
	}
	if len(cli) < 5 {
		t.Fatalf("the banner prints %d command lines:\n%s", len(cli), banner)
	}
	for _, l := range cli {
		b.waitJS("the page's command line "+l, fmt.Sprintf(`document.querySelector("#cli-lines").textContent.split("\n").includes(%q)`, l))
	}

	// A broken save of the rules file: wxcast keeps the live rules, and the
	// page says why in a banner, by file:line:col, until the file is mended.
	broken := strings.Replace(string(example), `when: event.key == "MENU_PROMO"`, `when: event.key ==`, 1)
	if broken == string(example) {
		t.Fatal("the example rules changed: no clicked_promo rule to break")
	}
	if err := os.WriteFile(rulesFile, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitJS("the banner of the refused rules file", fmt.Sprintf(`(() => { const r = document.querySelector("#refused");
		return !r.hidden && getComputedStyle(r).display !== "none" && r.textContent.includes("规则文件")
			&& [...r.querySelectorAll("li")].some(li => li.textContent.startsWith(%q)); })()`, rulesFile+":34:"))
	b.screenshot("demo-refused.png")
	if err := os.WriteFile(rulesFile, example, 0o644); err != nil {
		t.Fatal(err)
	}
	b.waitJS("the banner to go once the file is mended", `(() => { const r = document.querySelector("#refused");
		return r.hidden && getComputedStyle(r).display === "none"; })()`)

	// On a phone the panes become tabs.
	b.run("resize to a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.waitJS("the tab bar", `getComputedStyle(document.querySelector("#tabs")).display !== "none"`)
	b.run("open the broadcasts tab", chromedp.Click(chromedp.CSS(`#tabs button[data-pane="broadcasts"]`)))
	b.waitJS("the broadcast on the phone", `(() => { const p = document.querySelector("#pane-broadcasts");
		return getComputedStyle(p).display !== "none" && getComputedStyle(document.querySelector("#pane-chat")).display === "none"
			&& p.textContent.includes("#1 promo_clickers"); })()`)
	b.screenshot("demo-phone.png")
}

// browser drives one page and fails the test with what it waited for.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// waitJS waits until expr is true on the page.
func (b *browser) waitJS(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		text, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
		b.t.Fatalf("waiting for %s: %v\npage text:\n%s", what, err, text)
	}
}

// say types text into the chat and sends it.
func (b *browser) say(text string) {
	b.t.Helper()
	b.run("type "+text, chromedp.SetValue(chromedp.ID("text"), text), chromedp.Click(chromedp.ID("send")))
}

// waitReply waits for an account message containing want and returns
// the text of the newest such message.
func (b *browser) waitReply(want string) string {
	b.t.Helper()
	find := fmt.Sprintf(`[...document.querySelectorAll('#messages .msg[data-from="account"]')].map(m => m.textContent).findLast(s => s.includes(%q))`, want)
	b.waitJS("a reply with "+want, find+" !== undefined")
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](find))
	if err != nil {
		b.t.Fatalf("read the reply with %s: %v", want, err)
	}
	return got
}

// switchTo picks an admin in the identity menu, as a person would.
func (b *browser) switchTo(openid string) {
	b.t.Helper()
	b.run("switch to "+openid, chromedp.SetValue(chromedp.ID("who"), openid),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.querySelector("#who").dispatchEvent(new Event("change"))`)(ctx, t)
			return err
		}))
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(b.t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// TestDemoWarnsWhenExposed runs the demo with its page on every interface
// and on loopback only: the first prints and logs a warning, the second
// neither.
func TestDemoWarnsWhenExposed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		listen string
		warn   bool
	}{{"0.0.0.0:0", true}, {"127.0.0.1:0", false}} {
		t.Run(tc.listen, func(t *testing.T) {
			t.Parallel()
			out, stderr := launchDemo(t, "--listen", tc.listen, "--followers", "0")
			printed := strings.Contains(out, "WARNING: the demo page listens on")
			logged := strings.Contains(stderr.String(), "the demo page listens on")
			if printed != tc.warn || logged != tc.warn {
				t.Fatalf("--listen %s: warning printed %v, logged %v, want %v\nstdout:\n%s\nstderr:\n%s",
					tc.listen, printed, logged, tc.warn, out, stderr.String())
			}
		})
	}
}
