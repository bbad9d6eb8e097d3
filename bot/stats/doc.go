// Package stats fetches and reads WeChat's per-article statistics of
// article broadcasts: reads, shares, likes (点赞), 在看 and comments, by
// day, from datacube/getarticletotaldetail.
//
// WeChat names an article in its figures "<msg_data_id>_<index>", where
// msg_data_id is what mass/send and mass/sendall answered for the mpnews
// batch (kept on each batch of the record). From the day after a batch
// went out, one replica at a time (a lease in store.Broadcasts) asks once
// a day for that send date, for FetchDays days, keeps the rows of the
// broadcast's own msg_data_ids as WeChat sent them (bounded) with the
// figures read from them leniently, and the admin bot's status shows
// them. Nothing else depends on these figures. The answer's shape is not
// settled (see internal/wxsim/datacube.go and docs/statistics.md): the
// reader takes numbers or strings, missing and unknown fields, and the
// older calls' shapes.
package stats
