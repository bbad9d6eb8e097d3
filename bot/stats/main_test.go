package stats_test

import (
	"os"
	"testing"

	"github.com/wxcast/wxcast/internal/bctest"
	"github.com/wxcast/wxcast/internal/wxsim"
)

// sim is the package's WeChat; each test registers an app of its own.
var sim *wxsim.Server

func TestMain(m *testing.M) { os.Exit(bctest.Main(m, &sim)) }
