package main

import (
	"fmt"

	"github.com/wxcast/wxcast/configs"
)

// loadOffline loads the configuration the flags name for a command that
// neither takes WeChat's callbacks nor calls its API: the WeChat keys may
// be empty (configs.LoadWithoutWeChat). Without --config (or
// WXCAST_CONFIG) it runs on the defaults and the WXCAST_ variables.
func (c cliFlags) loadOffline(environ []string) (*configs.Config, error) {
	cfg, err := configs.LoadWithoutWeChat(*c.config, environ)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}
