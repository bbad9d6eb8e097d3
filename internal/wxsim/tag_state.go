package wxsim

import (
	"math/bits"
	"slices"
)

const (
	// starTagID is 星标组, the system tag every account has and tags/get
	// lists. Ids 0 and 1 are reserved too but are not tags one can use.
	starTagID   = 2
	starTagName = "星标组"
	// firstTagID is the id of an account's first tag of its own; WeChat
	// hands out ids from 100 and never reuses one.
	firstTagID = 100
	// maxOwnTags is the documented "≤100 tags per account" (45056). It
	// counts tags the account created: 星标组 is the platform's, exists in
	// every account and does not use up one of the hundred (our choice;
	// the documentation does not say).
	maxOwnTags = 100
	// maxTagNameBytes is the documented 30-byte limit (45158).
	maxTagNameBytes = 30
	// maxTagsPerFan is how many tags one follower may hold (45059).
	maxTagsPerFan = 20
	// maxFansToDelete is the most followers a tag may have and still be
	// deleted (45057).
	maxFansToDelete = 100000

	// tagSlots is how many tags can exist at once: 星标组 plus the hundred.
	tagSlots = 1 + maxOwnTags
)

// tagSet is the set of tags one follower holds, as bits over the slots of
// its app's tagTable: 16 bytes and no pointer per follower, so a
// million-follower roster costs no allocation for tags.
type tagSet [(tagSlots + 63) / 64]uint64

func (t *tagSet) has(slot int) bool { return t[slot/64]&(1<<(slot%64)) != 0 }
func (t *tagSet) add(slot int)      { t[slot/64] |= 1 << (slot % 64) }
func (t *tagSet) remove(slot int)   { t[slot/64] &^= 1 << (slot % 64) }

func (t *tagSet) len() int {
	n := 0
	for _, w := range t {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f with every slot in t.
func (t *tagSet) each(f func(slot int)) {
	for i, w := range t {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(i*64 + b)
			w &^= 1 << b
		}
	}
}

// tagSlot is one existing tag. count is how many following fans hold it.
type tagSlot struct {
	id    int
	name  string
	count int
}

// tagTable is an app's tags. Slot 0 is always 星标组; a deleted tag frees
// its slot for the next create, but its id is never handed out again.
type tagTable struct {
	slots  [tagSlots]tagSlot // id 0 means free
	nextID int
}

func (t *tagTable) init() {
	if t.nextID != 0 {
		return
	}
	t.nextID = firstTagID
	t.slots[0] = tagSlot{id: starTagID, name: starTagName}
}

// slotOf finds the slot of tag id, or -1. Linear: there are at most 101.
func (t *tagTable) slotOf(id int) int {
	if id == 0 {
		return -1
	}
	for i := range t.slots {
		if t.slots[i].id == id {
			return i
		}
	}
	return -1
}

// own counts the tags the account created (everything but 星标组).
func (t *tagTable) own() int {
	n := 0
	for i := 1; i < len(t.slots); i++ {
		if t.slots[i].id != 0 {
			n++
		}
	}
	return n
}

// checkName applies tags/create's and tags/update's rules to name; self
// is the slot being renamed (it may keep its own name), or -1.
func (t *tagTable) checkName(name string, self int) *apiError {
	if len(name) > maxTagNameBytes {
		return errTagNameTooLong()
	}
	if name == "" {
		// UNCONFIRMED: no source gives the code for an empty name; 45157 is
		// WeChat's "invalid tag name".
		return errInvalidTagName()
	}
	for i := range t.slots {
		if i != self && t.slots[i].id != 0 && t.slots[i].name == name {
			return errInvalidTagName()
		}
	}
	return nil
}

// create adds a tag, or says why WeChat would refuse it.
func (t *tagTable) create(name string) (int, *apiError) {
	if e := t.checkName(name, -1); e != nil {
		return 0, e
	}
	if t.own() >= maxOwnTags {
		return 0, errTooManyTags()
	}
	for i := 1; i < len(t.slots); i++ {
		if t.slots[i].id == 0 {
			t.slots[i] = tagSlot{id: t.nextID, name: name}
			t.nextID++
			return t.slots[i].id, nil
		}
	}
	panic("wxsim: tag table full below its limit") // own() said there is room
}

// mutable finds the slot of a tag tags/update or tags/delete may change.
func (t *tagTable) mutable(id int) (int, *apiError) {
	if id >= 0 && id <= starTagID {
		return 0, errSystemTag()
	}
	slot := t.slotOf(id)
	if slot < 0 {
		return 0, errInvalidTagID()
	}
	return slot, nil
}

// ids lists the tag ids in set, ascending, as WeChat lists tagid_list.
func (t *tagTable) ids(set tagSet) []int {
	out := make([]int, 0, set.len())
	set.each(func(slot int) { out = append(out, t.slots[slot].id) })
	slices.Sort(out)
	return out
}

// TagInfo is one of an app's tags as tags/get lists it.
type TagInfo struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// list returns the existing tags by id, 星标组 first.
func (t *tagTable) list() []TagInfo {
	out := make([]TagInfo, 0, tagSlots)
	for _, s := range t.slots {
		if s.id != 0 {
			out = append(out, TagInfo{ID: s.id, Name: s.name, Count: s.count})
		}
	}
	slices.SortFunc(out, func(a, b TagInfo) int { return a.ID - b.ID })
	return out
}

// ownSlots lists the slots of the tags the account created.
func (t *tagTable) ownSlots() []int {
	var out []int
	for i := 1; i < len(t.slots); i++ {
		if t.slots[i].id != 0 {
			out = append(out, i)
		}
	}
	return out
}
