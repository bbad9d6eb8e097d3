package adminclaim

import (
	"context"

	"github.com/wxcast/wxcast/store"
)

// Reply is what the sender of a waiting code is told: the code arrived,
// and the rest happens in the terminal that printed it.
const Reply = "已收到验证码，请回到终端继续操作。"

// Store is what claims need from the store (store.AdminClaims).
type Store interface {
	Claim(ctx context.Context, code, openid string) (store.ClaimResult, error)
}

// Claims claims the codes followers send (bot.AdminClaims). It is safe
// for concurrent use.
type Claims struct{ st Store }

// New returns the claims kept in st.
func New(st Store) *Claims { return &Claims{st: st} }

// Take claims the code text holds for openid and returns Reply when it
// did, now (taken) or in an earlier delivery from the same openid (WeChat
// retried it, or the person sent it twice). A text without a code's shape
// costs no call to the store; a code that no one waits for, or that
// someone else claimed, returns "": the message is an ordinary
// follower's, with no hint that codes exist.
func (c *Claims) Take(ctx context.Context, openid, text string) (reply string, taken bool, err error) {
	code, ok := Parse(text)
	if !ok {
		return "", false, nil
	}
	r, err := c.st.Claim(ctx, code, openid)
	switch {
	case err != nil:
		return "", false, err
	case r == store.ClaimTaken:
		return Reply, true, nil
	case r == store.ClaimRepeated:
		return Reply, false, nil
	}
	return "", false, nil
}
