package main

import (
	"github.com/wxcast/wxcast/configs"
)

// loadOffline loads the configuration for a command that neither takes
// WeChat's callbacks nor calls its API: the WeChat keys may be empty
// (configs.LoadWithoutWeChat). Without --config (or WXCAST_CONFIG) it
// runs on the defaults and the WXCAST_ variables, so a rule author can
// check a file without the server's secrets.
func (f *configFlag) loadOffline() (*configs.Config, error) {
	if err := f.checkFile(); err != nil {
		return nil, err
	}
	cfg, err := configs.LoadWithoutWeChat(f.path, f.environ)
	if err != nil {
		return nil, f.configError(err)
	}
	return cfg, nil
}
