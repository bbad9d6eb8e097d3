package main

import (
	"context"
	"io"
)

func usersCommands() []command {
	return []command{
		{"sync", "[--dry-run] [--restart] [--workers N]  sync followers, their details and WeChat tags from WeChat", usersSync},
		{"show", "OPENID [--rules FILE] [--json]  print a follower's profile, tags, history and segments", usersShow},
	}
}

func runUsers(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return dispatch("wxcast users", usersCommands(), ctx, args, environ, stdout, stderr)
}
