package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestQuotaFlag(t *testing.T) {
	q := quotaFlag{}
	fs := pflag.NewFlagSet("sim", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(q, "quota", "")
	err := fs.Parse([]string{"--quota", "/cgi-bin/message/mass/send=3", "--quota", "/cgi-bin/user/get=-1",
		"--quota", "/cgi-bin/message/mass/send=4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q["/cgi-bin/message/mass/send"] != 4 || q["/cgi-bin/user/get"] != -1 {
		t.Errorf("quotas = %v", q)
	}
	for _, bad := range []string{"3", "mass/send=3", "/cgi-bin/=3", "/cgi-bin/user/get=", "/cgi-bin/user/get=x", "/cgi-bin/user/get=-2"} {
		fs := pflag.NewFlagSet("sim", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(quotaFlag{}, "quota", "")
		err := fs.Parse([]string{"--quota", bad})
		if err == nil || !strings.Contains(err.Error(), `"--quota"`) || !strings.Contains(err.Error(), bad) {
			t.Errorf("--quota %q: err = %v, want one naming the flag and the value", bad, err)
		}
	}
}
