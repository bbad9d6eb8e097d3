package admin_test

import (
	"os"
	"testing"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// sim is the package's WeChat simulator (see internal/simtest); each
// world registers an app of its own in it.
var sim *wxsim.Server

func TestMain(m *testing.M) { os.Exit(simtest.Run(m, wxapi.RouteSDK, &sim)) }
