// Package usersync keeps wxcast's follower profiles in step with WeChat.
//
// Sync pages through every follower of the account (user/get), reads
// their details in batches of 100 (user/info/batchget) and writes what
// WeChat knows (subscribe time and scene, language, remark, WeChat tags)
// into the profiles without touching the behaviour recorded from
// callbacks. It is resumable: a checkpoint after every page lets a run
// that crashed at page 37 continue from page 37. Followers the run did not
// list are marked unsubscribed at its end.
//
// Mirror puts wxcast tags onto WeChat tags for tag rules that name one
// (wechat_tag): changes are queued in Redis as the rules make them and
// drained by one replica at a time into batchtagging/batchuntagging calls
// of up to 50 followers.
//
// It calls WeChat through bot/wxapi and keeps its state in store; it must
// not import handlers or the broadcast packages.
package usersync
