package wxsim

import (
	"slices"
	"time"
)

// Article is one article of a news (图文) material, as get_material
// returns it.
type Article struct {
	Title, Author, Digest, Content, URL string
}

// newsMaterial is what the simulator keeps of an uploaded news material.
type newsMaterial struct {
	articles []Article
	created  time.Time
}

// AddNews registers mediaID as a news material uploaded by appID, as
// AddMedia(appID, mediaID, MediaNews) does, with the articles
// get_material returns for it.
func (s *Server) AddNews(appID, mediaID string, articles ...Article) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.appMsgs(appID)
	m.setMedia(mediaID, MediaNews, s.now())
	m.news[mediaID].articles = slices.Clone(articles)
}

// setMedia registers mediaID as kind; an earlier registration, articles
// included, is replaced. Callers hold s.mu and have called init.
func (m *appMessages) setMedia(mediaID, kind string, now time.Time) {
	m.media[mediaID] = kind
	delete(m.news, mediaID)
	if kind == MediaNews {
		m.news[mediaID] = &newsMaterial{created: now}
	}
}

type getMaterialRequest struct {
	MediaID string `json:"media_id"`
}

type newsItem struct {
	Title            string `json:"title"`
	ThumbMediaID     string `json:"thumb_media_id"`
	ShowCoverPic     int    `json:"show_cover_pic"`
	Author           string `json:"author"`
	Digest           string `json:"digest"`
	Content          string `json:"content"`
	URL              string `json:"url"`
	ContentSourceURL string `json:"content_source_url"`
}

// newsReply is get_material's answer for a news material. Like WeChat's,
// it carries no errcode.
type newsReply struct {
	NewsItem   []newsItem `json:"news_item"`
	CreateTime int64      `json:"create_time"`
	UpdateTime int64      `json:"update_time"`
}

// placeholderGIF is a 1×1 transparent GIF: the simulator keeps no image
// bytes, so every image material downloads as this picture.
const placeholderGIF = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff" +
	"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"

// handleGetMaterial serves POST /cgi-bin/material/get_material. A news
// material answers its articles as JSON; any other material answers its
// file, not JSON, as WeChat does (video, which answers JSON with a
// down_url, is not simulated). A media_id the app never uploaded is 40007.
func (s *Server) handleGetMaterial(c *apiCall) any {
	var req getMaterialRequest
	m, e := s.messageCall(c, &req)
	if e != nil {
		return e
	}
	switch m.media[req.MediaID] {
	case MediaNews:
		return m.news[req.MediaID].reply()
	case MediaImage:
		return &rawReply{contentType: "image/gif", body: []byte(placeholderGIF)}
	default:
		// Unknown ids, and kinds AddMedia was given that the simulator
		// does not model.
		return errInvalidMediaID()
	}
}

// reply is n as get_material answers it. News registered without articles
// (AddMedia) answers one article with every field empty.
func (n *newsMaterial) reply() *newsReply {
	arts := n.articles
	if len(arts) == 0 {
		arts = []Article{{}}
	}
	r := &newsReply{CreateTime: n.created.Unix(), UpdateTime: n.created.Unix()}
	for _, a := range arts {
		r.NewsItem = append(r.NewsItem, newsItem{
			Title: a.Title, Author: a.Author, Digest: a.Digest, Content: a.Content, URL: a.URL,
		})
	}
	return r
}

// rawReply is an answer that is a file, not JSON: ServeHTTP writes body
// as is.
type rawReply struct {
	contentType string
	body        []byte
}
