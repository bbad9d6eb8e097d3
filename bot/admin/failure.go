package admin

import "github.com/wxcast/wxcast/bot/broadcast"

// failure words why a broadcast stopped (its Failure) for admins, in the
// bot's language (see broadcast.FailureText).
func (b *Bot) failure(why string) string {
	return clip(broadcast.FailureText(why, b.lang), 80)
}
