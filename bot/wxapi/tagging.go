package wxapi

import "context"

// TagRefusal is a follower WeChat refused to tag or untag by itself.
type TagRefusal struct {
	OpenID string
	Code   int // 45059: already at 20 tags; 40003, 49003: not a follower
}

// refusedForOne reports whether WeChat refused a whole batchtagging or
// batchuntagging call for one follower's sake.
func refusedForOne(code int) bool { return code == 45059 || code == 40003 || code == 49003 }

// TagIsolating tags (or untags) openids, at most MaxTagBatch, through
// call, which makes one batchtagging or batchuntagging call. When WeChat
// refuses the call for one follower's sake (45059, 40003, 49003) it
// calls again follower by follower, so that the others are still
// (un)tagged, and returns those refused. Any other refusal ends it with
// the error. calls counts the calls made. The tag mirror (bot/usersync)
// and the tag channel of broadcasts (bot/sender) share it.
func TagIsolating(ctx context.Context, openids []string, call func(ids []string) error) (refused []TagRefusal, calls int, err error) {
	calls++
	err = call(openids)
	code := ErrCode(err)
	if err == nil || !refusedForOne(code) {
		return nil, calls, err
	}
	if len(openids) == 1 {
		return []TagRefusal{{OpenID: openids[0], Code: code}}, calls, nil
	}
	for _, o := range openids {
		if err := ctx.Err(); err != nil {
			return refused, calls, err
		}
		r, n, err := TagIsolating(ctx, []string{o}, call)
		calls += n
		refused = append(refused, r...)
		if err != nil {
			return refused, calls, err
		}
	}
	return refused, calls, nil
}
