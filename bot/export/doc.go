// Package export writes one row per follower of a broadcast's frozen
// audience: the version they were given (or the holdout), the batch that
// carried it, what became of that batch, their first click on a tracked
// link, their conversion and whether they unsubscribed within 24 h.
//
// WeChat reports delivery per batch, not per follower: a row's
// batch_outcome "accepted" says WeChat accepted the follower's batch, not
// that this follower received or read the message.
//
// It streams: the member index is read a page at a time and each page's
// clicks, conversions and unsubscribes are read in one call per store, so
// a million followers take no more memory than a thousand.
package export
