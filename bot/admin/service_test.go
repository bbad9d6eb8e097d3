package admin

import (
	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/bot/notify"
	"github.com/wxcast/wxcast/bot/results"
)

// The real services are what the commands run on in production
// (cmd/wxcast wires them).
var (
	_ Drafts      = (*broadcast.Service)(nil)
	_ Approvals   = (*broadcast.Service)(nil)
	_ SendControl = (*broadcast.Service)(nil)
	_ Segments    = (*broadcast.Service)(nil)
	_ Results     = (*results.Service)(nil)
	_ Audit       = (*audit.Log)(nil)
	_ Notices     = (*notify.Notifier)(nil)
	_ Notifier    = (*notify.Notifier)(nil)
)
