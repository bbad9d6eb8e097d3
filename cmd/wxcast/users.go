package main

import (
	"context"
	"io"
)

func usersCommands() []command {
	return []command{
		{"sync", "[--dry-run] [--restart] [--workers N]  sync followers, their details and WeChat tags from WeChat", usersSync},
		{"show", "OPENID [--rules FILE] [--json]  print a follower's profile, tags, history and segments", usersShow},
		{"import", "[--dry-run] [--format csv|jsonl] [--rules FILE] FILE  set business attributes from a CSV or JSON-lines file", usersImport},
	}
}

func runUsers(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	return dispatch("wxcast users", usersCommands(), ctx, args, environ, stdout, stderr)
}
