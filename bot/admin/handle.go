package admin

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/audit"
	"github.com/wxcast/wxcast/bot/broadcast"
)

// Audit outcomes besides "ok" and the refusal codes.
const (
	outcomeOK     = "ok"
	outcomeDenied = "denied"
	outcomeUsage  = "usage"
	outcomeError  = "error"
)

// auditTimeout bounds recording one audit entry, which runs even when the
// request's context is already done.
const auditTimeout = 5 * time.Second

// invocation is one admin's command on its way through Handle.
type invocation struct {
	admin broadcast.Admin
	text  string // as typed, trimmed
	cmd   *command
	args  args
}

// outcome is what became of an invocation: the reply and what the audit
// log keeps.
type outcome struct {
	reply  string
	id     int64
	plan   string
	code   string
	detail string
}

// Handle runs one command text from admin a and returns the reply text.
func (b *Bot) Handle(ctx context.Context, a broadcast.Admin, text string) string {
	in := invocation{admin: a, text: strings.TrimSpace(text)}
	if o, done := b.prepare(&in); done {
		b.record(ctx, in, o)
		return o.reply
	}
	if in.cmd.slow {
		return b.runSlow(ctx, in)
	}
	o := b.execute(ctx, in)
	b.record(ctx, in, o)
	return o.reply
}

// prepare finds the command, checks a's roles and parses the arguments.
// done is true when that already settled the reply.
func (b *Bot) prepare(in *invocation) (o outcome, done bool) {
	c, _, rest := b.split(in.text)
	if c == nil {
		return outcome{reply: b.t(kUnknown), code: outcomeUsage}, true
	}
	in.cmd = c
	if !c.allows(in.admin) {
		roles := make([]string, len(c.roles))
		for i, r := range c.roles {
			roles[i] = b.word(kRole, string(r))
		}
		return outcome{reply: b.t(kDenied, b.label(c), b.join(roles)), code: outcomeDenied}, true
	}
	x, err := c.parse(b, rest)
	in.args = x
	var r *broadcast.Refusal
	switch {
	case errors.As(err, &r):
		return outcome{reply: b.refusal(r, c, x), id: x.id, code: string(r.Code), detail: r.Detail}, true
	case err != nil:
		return outcome{reply: b.usage(c), id: x.id, code: outcomeUsage}, true
	}
	return outcome{}, false
}

// execute runs a parsed command and words its result or its error.
func (b *Bot) execute(ctx context.Context, in invocation) outcome {
	reply, bc, err := in.cmd.run(ctx, b, in.admin, in.args)
	o := outcome{reply: reply, id: in.args.id, code: outcomeOK}
	if bc != nil {
		o.id = bc.ID
		if bc.Plan != nil {
			o.plan = bc.Plan.Hash
		}
	}
	if in.args.override != "" {
		// Overrides are what an audit is for: keep the reason with the entry.
		o.detail = "override: " + truncate(in.args.override, 200)
	}
	var r *broadcast.Refusal
	switch {
	case errors.As(err, &r):
		o.reply, o.code, o.detail = b.refusal(r, in.cmd, in.args), string(r.Code), r.Detail
	case err != nil:
		b.log.Error("admin: command failed", zap.String("command", in.cmd.name),
			zap.String("openid", in.admin.OpenID), zap.Int64("broadcast", in.args.id), zap.Error(err))
		o.reply, o.code = b.t(kError), outcomeError
	}
	return o
}

// outcomeZH is an audit outcome in Chinese.
func (b *Bot) outcomeZH(code string) string {
	if s, ok := b.zh[kOutcome+key(code)]; ok {
		return s
	}
	return code
}

// record writes the audit entry for in. A failure is logged: the admin's
// reply does not depend on it.
func (b *Bot) record(ctx context.Context, in invocation, o outcome) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	e := audit.Entry{
		At:      b.now(),
		By:      in.admin.OpenID,
		Name:    in.admin.Name,
		Command: truncate(in.text, 200),
		ID:      o.id,
		Plan:    o.plan,
		Outcome: o.code,
		Detail:  o.detail,
		// Chinese whatever the bot's language: the export's readers are
		// the account's admins.
		OutcomeZH: b.outcomeZH(o.code),
	}
	if err := b.svc.audit.Record(ctx, e); err != nil {
		b.log.Error("admin: record audit", zap.String("openid", e.By),
			zap.String("outcome", e.Outcome), zap.Error(err))
	}
}
