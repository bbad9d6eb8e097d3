package wxsim

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Article types of a draft article (article_type).
const (
	ArticleNews    = "news"    // 图文消息: a cover (thumb_media_id) and HTML
	ArticleNewsPic = "newspic" // 图片消息 (贴图): pictures (image_info), no cover
)

// DraftArticle is one article of a draft or of an uploadnews id, as an
// editor writes it. On the wire its fields have WeChat's names
// (article_type, title, …, image_info.image_list[].image_media_id).
type DraftArticle struct {
	// ArticleType is ArticleNews ("" on input means news) or
	// ArticleNewsPic.
	ArticleType        string
	Title              string
	Author             string
	Digest             string
	Content            string // HTML (plain text for newspic)
	ContentSourceURL   string
	ThumbMediaID       string // the cover, an image material; news only
	NeedOpenComment    bool
	OnlyFansCanComment bool
	// ImageMediaIDs are a newspic article's pictures (image_info), the
	// first one its cover.
	ImageMediaIDs []string
	// URL is the article's page as draft/get shows it; the simulator
	// answers what it was given.
	URL string
}

func (a DraftArticle) clone() DraftArticle {
	a.ImageMediaIDs = slices.Clone(a.ImageMediaIDs)
	return a
}

func cloneArticles(arts []DraftArticle) []DraftArticle {
	if arts == nil {
		return nil
	}
	out := make([]DraftArticle, len(arts))
	for i, a := range arts {
		out[i] = a.clone()
	}
	return out
}

// draft is one draft of the box.
type draft struct {
	id               string
	articles         []DraftArticle
	created, updated time.Time
	seq              int // creation order, for a stable newest-first order
}

// mediaNews is a mass-send news id that is not in the draft box: an
// uploadnews id, or a draft that left the box on its first mass send.
// Its articles are frozen.
type mediaNews struct {
	articles []DraftArticle
	created  time.Time
}

// draftBox is an app's draft box and the news ids mass sends may carry
// besides permanent material. Its maps are made on first use.
type draftBox struct {
	drafts map[string]*draft
	// left are drafts that left the box on a mass send, by media_id.
	left map[string]*mediaNews
	// uploads are media/uploadnews ids.
	uploads map[string]*mediaNews
	// seq numbers drafts, uploads and covers; ids derive from it, so a
	// fresh app's ids are the same on every run (the demo prints one).
	seq int
	// mode overrides the Server's DraftMode when modeSet.
	mode    DraftMode
	modeSet bool
}

// box returns m's draft box, ready for use. Callers hold s.mu.
func (m *appMessages) box() *draftBox {
	b := &m.drafts
	if b.drafts == nil {
		b.drafts = make(map[string]*draft)
		b.left = make(map[string]*mediaNews)
		b.uploads = make(map[string]*mediaNews)
	}
	return b
}

// newID returns a media_id no media, draft or upload of m uses, made of
// prefix and the box's counter. Callers hold s.mu.
func (m *appMessages) newID(prefix string) string {
	b := m.box()
	for {
		b.seq++
		id := fmt.Sprintf("%s_%04d", prefix, b.seq)
		if !m.idTaken(id) {
			return id
		}
	}
}

func (m *appMessages) idTaken(id string) bool {
	b := m.box()
	_, media := m.media[id]
	_, d := b.drafts[id]
	_, l := b.left[id]
	_, u := b.uploads[id]
	return media || d || l || u
}

// addDraft puts articles into the box as a new draft. Callers hold s.mu.
func (m *appMessages) addDraft(articles []DraftArticle, now time.Time) *draft {
	b := m.box()
	d := &draft{id: m.newID("DRAFT"), articles: cloneArticles(articles), created: now, updated: now}
	d.seq = b.seq
	b.drafts[d.id] = d
	return d
}

// newestFirst returns the box's drafts, most recently updated first.
func (b *draftBox) newestFirst() []*draft {
	out := make([]*draft, 0, len(b.drafts))
	for _, d := range b.drafts {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].updated.Equal(out[j].updated) {
			return out[i].updated.After(out[j].updated)
		}
		return out[i].seq > out[j].seq
	})
	return out
}

// AddDraft puts a draft into appID's draft box, as an editor saving one in
// the console, and returns its media_id. The articles are not validated,
// except that a news article without a cover gets one: a fresh image
// material is registered as its ThumbMediaID, so the articles read back
// from draft/get pass media/uploadnews. An ArticleType of "" is news.
// Ids are DRAFT_0001, DRAFT_0002, … per app, skipping ids in use.
func (s *Server) AddDraft(appID string, articles ...DraftArticle) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(articles) == 0 {
		panic("wxsim: AddDraft without articles")
	}
	m := s.appMsgs(appID)
	now := s.nowFor(appID)
	arts := cloneArticles(articles)
	for i := range arts {
		if arts[i].ArticleType == "" {
			arts[i].ArticleType = ArticleNews
		}
		if arts[i].ArticleType == ArticleNews && arts[i].ThumbMediaID == "" {
			cover := m.newID("COVER")
			m.setMedia(cover, MediaImage, now)
			arts[i].ThumbMediaID = cover
		}
	}
	return m.addDraft(arts, now).id
}

// EditDraft changes article index (0-based) of the draft mediaID in
// appID's box, as an editor does in the console: update_time becomes now
// and nothing tells the API. It fails when the box does not hold the draft
// or the index is out of range.
func (s *Server) EditDraft(appID, mediaID string, index int, edit func(*DraftArticle)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.appMsgs(appID).box().drafts[mediaID]
	if !ok {
		return fmt.Errorf("wxsim: EditDraft: app %q has no draft %q in its box", appID, mediaID)
	}
	if index < 0 || index >= len(d.articles) {
		return fmt.Errorf("wxsim: EditDraft: draft %q has %d articles, no index %d", mediaID, len(d.articles), index)
	}
	edit(&d.articles[index])
	d.updated = s.nowFor(appID)
	return nil
}

// DeleteDraft removes the draft mediaID from appID's box, as an editor
// deleting it in the console does; it fails when the box does not hold it.
func (s *Server) DeleteDraft(appID, mediaID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.appMsgs(appID).box()
	if _, ok := b.drafts[mediaID]; !ok {
		return fmt.Errorf("wxsim: DeleteDraft: app %q has no draft %q in its box", appID, mediaID)
	}
	delete(b.drafts, mediaID)
	return nil
}

// Draft returns copies of the articles of the draft mediaID while appID's
// box holds it; false once it was deleted or left the box on a mass send.
func (s *Server) Draft(appID, mediaID string) ([]DraftArticle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.appMsgs(appID).box().drafts[mediaID]
	if !ok {
		return nil, false
	}
	return cloneArticles(d.articles), true
}

// UploadedNews returns copies of the articles of appID's media/uploadnews
// id mediaID; false for any other id.
func (s *Server) UploadedNews(appID, mediaID string) ([]DraftArticle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.appMsgs(appID).box().uploads[mediaID]
	if !ok {
		return nil, false
	}
	return cloneArticles(u.articles), true
}
