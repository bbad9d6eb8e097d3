package broadcast

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// seal sets p.Hash, the digest approvals bind to. It covers everything
// approvers approve: b's segment and contents (spec), the rules version,
// the audience, the channel the plan sends by, and the words of every
// article it sends, so an approval binds what followers will read, not a
// media_id whose draft an editor may change.
func (p *Plan) seal(b *Broadcast) {
	h := sha256.New()
	part := func(s string) { _, _ = h.Write([]byte(strconv.Itoa(len(s)) + ":" + s)) }
	part(spec(b))
	part(p.RulesVersion)
	_, _ = h.Write(p.audience[:])
	part(p.Channel)
	for _, n := range p.News {
		part(strconv.Itoa(n.Variant))
		for _, a := range n.Articles {
			a.hash(part)
		}
	}
	for _, t := range p.Texts {
		part(strconv.Itoa(t.Variant))
		part(t.Text)
	}
	p.Hash = hex.EncodeToString(h.Sum(nil)[:4])
}
