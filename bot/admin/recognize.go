package admin

import "strings"

// Recognizes reports whether text starts with a command word. The caller
// uses it for people who are not admins: their text is an ordinary
// follower message, but logging that someone typed a command tells a new
// admin's openid to whoever configures wxcast.
func (b *Bot) Recognizes(text string) bool {
	c, _, _ := b.split(strings.TrimSpace(text))
	return c != nil
}
