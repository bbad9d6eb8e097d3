// Package simtest runs a test package against the WeChat simulator. The
// SDK sends every API call through one process-global HTTP client, so a
// package shares one simulator, and each test registers an app of its
// own in it.
package simtest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// Run starts a simulator with opts, routes the SDK to it with route
// (wxapi.RouteSDK), stores it in *sim, runs the package's tests and stops
// the simulator. A TestMain is then one line:
//
//	func TestMain(m *testing.M) { os.Exit(simtest.Run(m, wxapi.RouteSDK, &sim)) }
func Run(m *testing.M, route func(url string) error, sim **wxsim.Server, opts ...wxsim.Option) int {
	return RunURL(m, route, sim, nil, opts...)
}

// RunURL is Run that also stores the simulator's base URL in *url.
func RunURL(m *testing.M, route func(url string) error, sim **wxsim.Server, url *string, opts ...wxsim.Option) int {
	s := wxsim.NewServer(opts...)
	hs := httptest.NewServer(s)
	defer hs.Close()
	defer s.Close()
	if err := route(hs.URL); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*sim = s
	if url != nil {
		*url = hs.URL
	}
	return m.Run()
}
