package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// simExampleConfig is the example configuration the printed serve command
// uses when it is there (in a checkout): it brings the example rules.
const simExampleConfig = "configs/wxcast.example.yaml"

// simServeCommand is the shell command that runs wxcast against the
// simulator: the account's identity and the API base URL as WXCAST_
// variables (they win over any configuration file), and --listen where
// the simulator sends callbacks. It runs as printed from the directory
// the simulator was started in.
func simServeCommand(f simFlags, apiBase, prog string) (string, error) {
	u, err := url.Parse(f.callback)
	if err != nil || u.Host == "" {
		return "", usagef("--callback %q: want an absolute http(s) URL", f.callback)
	}
	listen := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		listen = net.JoinHostPort(u.Hostname(), port)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	env := []string{
		"WXCAST_WECHAT_API_BASE_URL=" + shellWord(apiBase),
		"WXCAST_WECHAT_APP_ID=" + shellWord(f.appID),
		"WXCAST_WECHAT_APP_SECRET=" + shellWord(f.secret),
		"WXCAST_WECHAT_TOKEN=" + shellWord(f.token),
		"WXCAST_WECHAT_ENCODING_AES_KEY=" + shellWord(f.aesKey),
		"WXCAST_CALLBACK_PATH=" + shellWord(path),
		"WXCAST_BOT_NOTIFY_TEMPLATE_ID=" + shellWord(demoTemplate),
	}
	if f.mode == "plain" {
		env = append(env, "WXCAST_CALLBACK_ALLOW_PLAINTEXT=true")
	}
	args := []string{prog, "serve"}
	if _, err := os.Stat(simExampleConfig); err == nil {
		args = append(args, "--config", simExampleConfig)
	}
	args = append(args, "--listen", shellWord(listen))
	var b strings.Builder
	for i, kv := range env {
		if i > 0 && i%2 == 0 {
			b.WriteString(" \\\n   ")
		}
		b.WriteString(" " + kv)
	}
	b.WriteString(" \\\n    " + strings.Join(args, " "))
	return "  " + strings.TrimSpace(b.String()), nil
}

// simBannerCommand is the banner's "run wxcast against it" part.
func simBannerCommand(f simFlags, apiBase string) (string, error) {
	cmd, err := simServeCommand(f, apiBase, cliProgram(os.Args[0]))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Run wxcast against it (from this directory):\n%s\n", cmd), nil
}
