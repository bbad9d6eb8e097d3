package wxsim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The per-article statistics of datacube/getarticletotaldetail (获取发表内容
// 发表详细数据), the current replacement of getarticletotal, which WeChat
// marks 已停止维护 (DOC api_getarticletotal, api_getarticletotaldetail).
//
// What the doc says: POST {begin_date, end_date} ("YYYY-MM-DD", end_date
// at most yesterday); the answer lists every article published in
// [begin_date, end_date], each with ref_date (its publish date), msgid
// ("<msg_data_id>_<index>", index from 1), publish_type (0 notified, 1
// not), title, content_url and detail_list: one entry per stat_date whose
// figures are the totals from the publish date to that stat_date, over at
// most 30 days; is_delay (top level) says the data is not final yet.
//
// UNCONFIRMED, where reports disagree with the doc:
//   - A 2026-01 community report (developers.weixin.qq.com/community/
//     develop/doc/000c06949140c0546984fa31760000) got data only with
//     begin_date == end_date (the publish date), its detail_list running
//     over the days after, and "date range error" for a six-day window.
//     The doc gives no window limit; StatsShapeDoc allows 30 days (the
//     doc's 30-day statistics period, read as a window), StatsShapeReported
//     one day.
//   - A 2026-03 report (…/doc/0004a6804f8f884694c4e452369400) shows rows
//     without title or content_url and publish_type 2, which the doc does
//     not list; third-party fixtures put is_delay on each row as 0/1.
//     StatsShapeReported answers that way.
//   - The errcodes: 61500 "date format error" and 61501 "date range error"
//     are WeChat's datacube codes (errcode tables in public SDKs); which one
//     an end_date after yesterday gets is not documented: 61501 here.
//   - Whether openid-list and tag sends (is_to_all false) appear: the doc
//     says 群发 without distinguishing; here every accepted mpnews job does.
//   - That figures are user counts (read_user, share_user…) that grow
//     day by day; the default figures below are made up.
const (
	// CodeDateFormat: begin_date or end_date is not YYYY-MM-DD.
	CodeDateFormat = 61500
	// CodeDateRange: end_date before begin_date, after yesterday, or a
	// window wider than the API takes.
	CodeDateRange = 61501
)

// statsDays is how many days (publish day included) an article's
// detail_list runs: the doc's 30-day statistics period.
const statsDays = 30

// docWindowDays is the widest window StatsShapeDoc takes (UNCONFIRMED).
const docWindowDays = 30

// StatsShape is how getarticletotaldetail answers, as the doc describes it
// or as developers report it (see above).
type StatsShape int

const (
	// StatsShapeDoc (the default): windows up to 30 days, top-level
	// is_delay, rows with title and content_url.
	StatsShapeDoc StatsShape = iota
	// StatsShapeReported: begin_date must equal end_date; rows without
	// title or content_url, is_delay 0/1 on each row, none at the top.
	StatsShapeReported
)

// String is the shape's name as ParseStatsShape reads it.
func (sh StatsShape) String() string {
	switch sh {
	case StatsShapeDoc:
		return "doc"
	case StatsShapeReported:
		return "reported"
	}
	return fmt.Sprintf("StatsShape(%d)", int(sh))
}

// ParseStatsShape reads "doc" or "reported".
func ParseStatsShape(name string) (StatsShape, error) {
	for _, sh := range []StatsShape{StatsShapeDoc, StatsShapeReported} {
		if sh.String() == name {
			return sh, nil
		}
	}
	return 0, fmt.Errorf("wxsim: statistics shape %q: want doc or reported", name)
}

// ArticleDay is what one article gained on one day: readers, sharers,
// 点赞 (like_user), 在看 (zaikan_user), comments and favourites.
type ArticleDay struct {
	Read, Share, Like, Zaikan, Comment, Collect int
}

// statsState is one app's statistics settings. Guarded by Server.mu.
type statsState struct {
	shape StatsShape
	// delayed: answers say is_delay and leave out the last day.
	delayed bool
	// set are the figures tests gave, by msgid and Beijing yyyymmdd; an
	// msgid listed here gets only these figures, not the default ones.
	set map[string]map[int]ArticleDay
}

// SetStatsShape makes appID's getarticletotaldetail answer in shape.
func (s *Server) SetStatsShape(appID string, shape StatsShape) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustApp(appID).stats.shape = shape
}

// SetStatsDelayed makes appID's statistics answers say is_delay (the data
// is not final) and leave out yesterday, until called with false.
func (s *Server) SetStatsDelayed(appID string, delayed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustApp(appID).stats.delayed = delayed
}

// SetArticleStats sets what the article msgid ("<msg_data_id>_<index>")
// gained on the Beijing date day ("2006-01-02"). Once an msgid has figures
// set, it reports only those; the others report the default figures, which
// grow from the followers the job reached.
func (s *Server) SetArticleStats(appID, msgid, day string, d ArticleDay) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(fmt.Sprintf("wxsim: SetArticleStats: day %q: %v", day, err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.mustApp(appID).stats
	if st.set == nil {
		st.set = map[string]map[int]ArticleDay{}
	}
	if st.set[msgid] == nil {
		st.set[msgid] = map[int]ArticleDay{}
	}
	st.set[msgid][dayNumber(t)] = d
}

// dayNumber is t's calendar date as yyyymmdd.
func dayNumber(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// readShare is the share of a job's recipients who read an article on the
// k-th day after it was sent (the first article; later ones fewer): the
// default figures, made up to look like an account's.
var readShare = []float64{0.25, 0.08, 0.04, 0.02, 0.01, 0.01, 0.005}

// defaultDay is what article index (from 1) of a job that reached sent
// followers gained k days after it was sent.
func defaultDay(sent, index, k int) ArticleDay {
	if k < 0 || k >= len(readShare) {
		return ArticleDay{}
	}
	r := int(float64(sent)*readShare[k]+0.5) / index
	return ArticleDay{Read: r, Share: r / 8, Like: r / 15, Zaikan: r / 30, Comment: r / 40, Collect: r / 25}
}

type dateRequest struct {
	BeginDate string `json:"begin_date"`
	EndDate   string `json:"end_date"`
}

// handleArticleTotalDetail serves POST /datacube/getarticletotaldetail.
func (s *Server) handleArticleTotalDetail(c *apiCall) any {
	a, e := s.authorize(c)
	if e != nil {
		return e
	}
	a.msg.init()
	var req dateRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return errDataFormat()
	}
	begin, err1 := time.Parse(time.DateOnly, req.BeginDate)
	end, err2 := time.Parse(time.DateOnly, req.EndDate)
	if err1 != nil || err2 != nil {
		return &apiError{CodeDateFormat, "date format error"}
	}
	y, m, d := beijingDate(c.now)
	yesterday := time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC)
	st := &a.stats
	span := int(end.Sub(begin).Hours()/24) + 1
	switch {
	case end.Before(begin), end.After(yesterday):
		return &apiError{CodeDateRange, "date range error"}
	case st.shape == StatsShapeDoc && span > docWindowDays, st.shape == StatsShapeReported && span != 1:
		return &apiError{CodeDateRange, "date range error"}
	}
	last := yesterday
	if st.delayed {
		last = last.AddDate(0, 0, -1)
	}
	var rows []map[string]any
	for _, j := range a.msg.jobs {
		if j.MsgType != SendMPNews || j.MsgDataID == 0 {
			continue
		}
		jy, jm, jd := beijingDate(j.At)
		ref := time.Date(jy, jm, jd, 0, 0, 0, 0, time.UTC)
		if ref.Before(begin) || ref.After(end) {
			continue
		}
		for idx := 1; idx <= max(1, len(j.Articles)); idx++ {
			rows = append(rows, s.articleRow(st, j, idx, ref, last))
		}
	}
	if rows == nil {
		rows = []map[string]any{}
	}
	out := map[string]any{"list": rows}
	if st.shape == StatsShapeDoc {
		out["is_delay"] = st.delayed
	}
	return &statsReply{out}
}

// articleRow is the row of article idx of job j, published on ref, with
// one detail_list entry per day up to last. Callers hold s.mu.
func (s *Server) articleRow(st *statsState, j *Job, idx int, ref, last time.Time) map[string]any {
	msgid := strconv.FormatInt(j.MsgDataID, 10) + "_" + strconv.Itoa(idx)
	set, explicit := st.set[msgid]
	var sum ArticleDay
	details := []map[string]any{}
	for k := 0; k < statsDays; k++ {
		day := ref.AddDate(0, 0, k)
		if day.After(last) {
			break
		}
		g := defaultDay(j.Sent, idx, k)
		if explicit {
			g = set[dayNumber(day)]
		}
		sum.Read += g.Read
		sum.Share += g.Share
		sum.Like += g.Like
		sum.Zaikan += g.Zaikan
		sum.Comment += g.Comment
		sum.Collect += g.Collect
		details = append(details, map[string]any{
			"stat_date": day.Format(time.DateOnly), "read_user": sum.Read, "share_user": sum.Share,
			"like_user": sum.Like, "zaikan_user": sum.Zaikan, "comment_count": sum.Comment,
			"collection_user":  sum.Collect,
			"read_user_source": []map[string]any{{"user_count": sum.Read, "scene_desc": "全部"}},
		})
	}
	row := map[string]any{"ref_date": ref.Format(time.DateOnly), "msgid": msgid, "publish_type": 0, "detail_list": details}
	switch st.shape {
	case StatsShapeDoc:
		title := ""
		if idx <= len(j.Articles) {
			title = j.Articles[idx-1].Title
		}
		row["title"] = title
		row["content_url"] = fmt.Sprintf("https://mp.weixin.qq.com/s?mid=%d&idx=%d", j.MsgDataID, idx)
	case StatsShapeReported:
		row["is_delay"] = 0
		if st.delayed {
			row["is_delay"] = 1
		}
	}
	return row
}

// statsReply is a datacube answer: no errcode, as WeChat sends it.
type statsReply struct{ body map[string]any }

func (r *statsReply) MarshalJSON() ([]byte, error) { return json.Marshal(r.body) }
