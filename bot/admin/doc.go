// Package admin runs the commands admins (运营) type into the Official
// Account's chat: it parses one message, checks the admin's roles, calls
// the broadcast services and words the passive reply for a phone screen.
//
// It declares one small interface per service it uses (service.go:
// drafts, approvals, send control, segments, results, audit, notices) and
// knows the broadcasts only through them and bot/broadcast's types; it
// must not import store, bot/sender or handlers.
//
// One command table (table.go) drives parsing, permissions and help, so
// the list of commands and the list of who may run them cannot drift
// apart. Commands that can take longer than WeChat's 5-second reply window
// (preview, segments, count) answer at once when they are slow and deliver
// their result later through a Notifier.
package admin
