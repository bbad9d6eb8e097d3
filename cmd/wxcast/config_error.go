package main

import "fmt"

// configError wraps the problems of a configuration that does not load.
// Without --config (or WXCAST_CONFIG) only the defaults and the WXCAST_
// variables were read, which is seldom what was meant: it says so, and
// how to name the file.
func (f *configFlag) configError(err error) error {
	if f.path == "" {
		return fmt.Errorf("configuration (no file was read: give it with --config FILE or WXCAST_CONFIG):\n%w", err)
	}
	return fmt.Errorf("configuration:\n%w", err)
}
