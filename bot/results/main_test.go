package results_test

import (
	"os"
	"testing"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/internal/simtest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// sim is the package's WeChat; each test registers an app of its own.
var sim *wxsim.Server

func TestMain(m *testing.M) {
	os.Exit(simtest.Run(m, wxapi.RouteSDK, &sim, wxsim.WithMassRetryGap(300*time.Millisecond)))
}
