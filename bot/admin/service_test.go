package admin

import "github.com/wxcast/wxcast/bot/broadcast"

// The real service is what the commands run on in production.
var (
	_ Service  = (*broadcast.Service)(nil)
	_ Notifier = (*broadcast.Service)(nil)
)
