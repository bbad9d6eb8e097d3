package bot

import (
	"context"

	"go.uber.org/zap"
)

// AdminClaims takes the one-time codes `wxcast admins add` prints, which a
// person sends to the account to show wxcast their openid
// (adminclaim.Claims).
type AdminClaims interface {
	// Take claims the code text holds for openid. reply is the answer
	// when the text claimed a waiting code, now (taken) or in an earlier
	// delivery of the same sender; "" for any other text. A text without
	// a code's shape must cost nothing.
	Take(ctx context.Context, openid, text string) (reply string, taken bool, err error)
}

// claim answers a text that claims a waiting admin code. ok is false for
// any other text, which goes on as usual: a code no one waits for is an
// ordinary message, and its sender learns nothing from it. A claim is not
// follower behaviour and stays out of the profile.
func (b *Bot) claim(ctx context.Context, m *Message, k kind) (res Result, ok bool, err error) {
	reply, taken, err := b.o.Claims.Take(ctx, m.OpenID, m.Content)
	if err != nil {
		return Result{Kind: k.label()}, true, err
	}
	if reply == "" {
		return Result{}, false, nil
	}
	if taken {
		b.o.Log.Info("a one-time admin code was claimed; the waiting `wxcast admins add` prints the admin entry",
			zap.String("openid", m.OpenID))
	}
	return Result{Kind: k.label(), Reply: Reply{Type: "text", Content: reply}}, true, nil
}
