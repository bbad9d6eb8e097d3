package demo

import (
	"os"
	"testing"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// sim is the package's simulated WeChat, at simURL; tests add apps of
// their own.
var (
	sim    *wxsim.Server
	simURL string
)

func TestMain(m *testing.M) { os.Exit(simtest.RunURL(m, wxapi.RouteSDK, &sim, &simURL)) }
