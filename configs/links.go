package configs

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// checkLinksBaseURL accepts "" (links stay as written) or an origin: an
// absolute https URL without path, query or fragment. WeChat's web
// authorization only returns to the console's domain, so a path would
// only break the redirect; plain http is allowed for a loopback host (the
// demo, tests), never on the internet, where WeChat refuses it anyway.
func checkLinksBaseURL(s string) error {
	if s == "" {
		return nil
	}
	if err := checkBaseURL(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	switch {
	case u.Path != "" && u.Path != "/":
		return fmt.Errorf("must be an origin without a path, such as \"https://wx.example.com\", got %q", s)
	case u.User != nil:
		return fmt.Errorf("must not carry a user or password, got %q", s)
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		return fmt.Errorf("must be https (WeChat's web authorization needs it); plain http only for a loopback host, got %q", s)
	}
	return nil
}

// loopbackHost reports whether host names this machine.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// verifyFileName is the name WeChat gives the web authorization domain's
// check file (MP_verify_ and some letters and digits).
var verifyFileName = regexp.MustCompile(`^MP_verify_[A-Za-z0-9]{1,64}\.txt$`)

// checkVerifyFile accepts "" or a small readable file named as WeChat
// names the domain-check file; it needs links.base_url, the origin it is
// served at.
func checkVerifyFile(p, base string) error {
	if p == "" {
		return nil
	}
	if base == "" {
		return fmt.Errorf("needs links.base_url, the origin it is served at")
	}
	if name := filepath.Base(p); !verifyFileName.MatchString(name) {
		return fmt.Errorf("must be the file the WeChat console gives, named like MP_verify_AbC123.txt, got %q", name)
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return fmt.Errorf("cannot read %q: %w", p, unwrapPathError(err))
	case st.IsDir():
		return fmt.Errorf("%q is a directory", p)
	case st.Size() > 4096:
		return fmt.Errorf("%q has %d bytes; the console's file holds a few dozen", p, st.Size())
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkAttributeNames accepts attribute names as the rules file declares
// them ([a-z][a-z0-9_]*, at most 64 bytes), each once. Whether the rules
// file declares them is checked against the rules the server runs.
func checkAttributeNames(names []string) error {
	seen := map[string]bool{}
	for i, n := range names {
		if !validAttributeName(n) {
			return fmt.Errorf("[%d] %q is not an attribute name: [a-z][a-z0-9_]*, at most 64 bytes", i, n)
		}
		if seen[n] {
			return fmt.Errorf("[%d] %q is listed twice", i, n)
		}
		seen[n] = true
	}
	return nil
}

func validAttributeName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}
