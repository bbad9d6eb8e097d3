package broadcast

import (
	"context"
	"hash/fnv"
	"strconv"

	"github.com/wxcast/wxcast/store"
)

// maxVariants bounds the contents of one broadcast (A plus three more):
// each variant needs its own preview and its own batches.
const maxVariants = 4

// armOf puts openid into broadcast id's holdout (-1) or one of n
// variants, deterministically: the same follower lands in the same arm of
// the same broadcast on every replica, in every step and after a crash,
// and in unrelated arms of different broadcasts. holdout is in per cent.
func armOf(openid string, id int64, holdout, n int) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(openid))
	_, _ = h.Write([]byte{':'})
	_, _ = h.Write([]byte(strconv.FormatInt(id, 10)))
	v := mix(h.Sum64())
	if int(v%10000) < holdout*100 {
		return -1
	}
	return int((v / 10000) % uint64(n))
}

// mix spreads the bits of an FNV hash, whose low bits depend little on the
// last bytes written.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// AddVariant adds content c as another variant of broadcast id (B, C…).
// Like any change to what approvers approve, it voids the plan: the
// creator previews again.
func (s *Service) AddVariant(ctx context.Context, a Admin, id int64, c Content) (*Broadcast, error) {
	if err := checkContent(c); err != nil {
		return nil, err
	}
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		if len(b.Variants)+1 >= maxVariants {
			return &Refusal{Code: CodeTooManyVariants, ID: b.ID, N: maxVariants}
		}
		b.Variants = append(b.Variants, c)
		return nil
	})
}

// SetHoldout sets the share of broadcast id's audience, in per cent (0 to
// 50), that receives nothing and is measured against the recipients.
func (s *Service) SetHoldout(ctx context.Context, a Admin, id int64, percent int) (*Broadcast, error) {
	if percent < 0 || percent > 50 {
		return nil, &Refusal{Code: CodeBadHoldout, ID: id, N: percent}
	}
	return s.edit(ctx, a, id, func(b *Broadcast) error {
		b.Holdout = percent
		return nil
	})
}

// edit changes what approvers approve of broadcast id (its creator's, or
// any for an owner) before it is sent; a plan frozen before is void.
func (s *Service) edit(ctx context.Context, a Admin, id int64, fn func(b *Broadcast) error) (*Broadcast, error) {
	return s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		if !previewable(b.State) {
			return store.Change{}, wrongState(b)
		}
		if !a.Has(RoleOwner) && b.Creator != a.OpenID {
			return store.Change{}, refuse(CodeNotYours, b.ID)
		}
		if err := fn(b); err != nil {
			return store.Change{}, err
		}
		b.Plan, b.Approvals, b.Override, b.State = nil, nil, nil, StateDraft
		return store.Change{}, nil
	})
}
