package main

import (
	"github.com/spf13/cobra"
)

func usersCmd(c *cli) *cobra.Command {
	g := group("users", "sync followers from WeChat, import attributes, show one follower",
		usersSyncCmd(c), usersShowCmd(c), usersImportCmd(c))
	c.addConfigFlag(g)
	return g
}
