package admin

import "github.com/wxcast/wxcast/bot/broadcast"

// failure words why bc stopped for admins, in the bot's language (see
// broadcast.FailureText).
func (b *Bot) failure(bc *broadcast.Broadcast) string {
	return clip(broadcast.FailureText(bc.FailureKind, bc.Failure, b.lang), 80)
}
