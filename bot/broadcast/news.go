package broadcast

import (
	"context"
	"time"

	"github.com/wxcast/wxcast/bot/wxapi"
)

// NewsAPI reads and uploads news (图文) articles (wxapi.Client): drafts
// from the draft box, where articles live on today's WeChat, and an old
// account's permanent news material.
type NewsAPI interface {
	GetDraft(ctx context.Context, mediaID string) (wxapi.Draft, error)
	ListDrafts(ctx context.Context, offset, count int) ([]wxapi.DraftSummary, int, error)
	NewsArticles(ctx context.Context, mediaID string) ([]wxapi.DraftArticle, error)
	UploadNews(ctx context.Context, articles []wxapi.DraftArticle) (string, error)
}

// readNews reads the articles of every news content of b as they are now,
// to freeze them in the plan: from the draft box, or, for an id the box
// does not hold, from the account's permanent news material. An id that
// is neither is refused (CodeNoDraft), as is any other error of WeChat's.
func (s *Service) readNews(ctx context.Context, b *Broadcast) ([]News, error) {
	var out []News
	for v, c := range b.Contents() {
		if c.Type != "news" {
			continue
		}
		if s.o.News == nil {
			return nil, refuse(CodeNoAPI, b.ID)
		}
		n, err := s.readOne(ctx, b.ID, c.MediaID)
		if err != nil {
			return nil, err
		}
		n.Variant = v
		out = append(out, n)
	}
	return out, nil
}

func (s *Service) readOne(ctx context.Context, id int64, mediaID string) (News, error) {
	d, err := s.o.News.GetDraft(ctx, mediaID)
	if err == nil {
		n := News{Draft: mediaID, Updated: d.Updated}
		for _, a := range d.Articles {
			n.Articles = append(n.Articles, ArticleOf(a))
		}
		return n, nil
	}
	if wxapi.ErrCode(err) != wxapi.CodeInvalidMediaID {
		return News{}, wechatRefusal(id, err)
	}
	arts, merr := s.o.News.NewsArticles(ctx, mediaID)
	if wxapi.ErrCode(merr) == wxapi.CodeInvalidMediaID {
		return News{}, &Refusal{Code: CodeNoDraft, ID: id, Detail: mediaID}
	}
	if merr != nil {
		return News{}, wechatRefusal(id, merr)
	}
	n := News{Draft: mediaID, Permanent: true}
	for _, a := range arts {
		n.Articles = append(n.Articles, ArticleOf(a))
	}
	return n, nil
}

// wechatArticles is n's frozen articles as media/uploadnews takes them.
func (n *News) wechatArticles() []wxapi.DraftArticle {
	out := make([]wxapi.DraftArticle, len(n.Articles))
	for i, a := range n.Articles {
		out[i] = a.WeChat()
	}
	return out
}

// previewContent is what a preview of content v of b carries: a text
// with its links rewritten as plan rewrote them, a news item's draft id, or the id its frozen articles were uploaded as for
// previews when WeChat refused the draft's.
func previewContent(b *Broadcast, v int, plan *Plan) Content {
	c := sentContent(b.ContentOf(v), v, plan)
	if n := plan.NewsOf(v); n != nil && n.Preview != "" {
		c.MediaID = n.Preview
	}
	return c
}

// sendPreview sends content v of b to openid's chat, by the plan's
// articles. When WeChat refuses a draft's id (40007: some accounts must
// upload articles first), the frozen articles are uploaded once with
// media/uploadnews and the preview goes out with that id, which the plan
// keeps for the next previews.
func (s *Service) sendPreview(ctx context.Context, openid string, b *Broadcast, v int, plan *Plan) error {
	c := previewContent(b, v, plan)
	_, err := s.o.API.MassPreview(ctx, openid, c.WeChat())
	n := plan.NewsOf(v)
	if err == nil || n == nil || n.Preview != "" || n.Permanent || wxapi.ErrCode(err) != wxapi.CodeInvalidMediaID {
		return err
	}
	id, uerr := s.o.News.UploadNews(ctx, n.wechatArticles())
	if uerr != nil {
		return uerr
	}
	n.Preview = id
	c.MediaID = id
	_, err = s.o.API.MassPreview(ctx, openid, c.WeChat())
	return err
}

// DraftsShown is how many drafts a listing shows.
const DraftsShown = 10

// Drafts lists the newest drafts of the draft box, for an editor to pick
// one on a phone, and how many the box holds.
func (s *Service) Drafts(ctx context.Context, a Admin) ([]DraftInfo, int, error) {
	if !a.Has(RoleEditor) && !a.Has(RoleOwner) {
		return nil, 0, refuse(CodeNotYours, 0)
	}
	if s.o.News == nil {
		return nil, 0, refuse(CodeNoAPI, 0)
	}
	list, total, err := s.o.News.ListDrafts(ctx, 0, DraftsShown)
	if err != nil {
		return nil, 0, wechatRefusal(0, err)
	}
	out := make([]DraftInfo, len(list))
	for i, d := range list {
		out[i] = DraftInfo{MediaID: d.MediaID, Updated: d.Updated, Titles: d.Titles}
	}
	return out, total, nil
}

// draftChanges is n.Changes, WeChat's refusals worded for an admin.
func (s *Service) draftChanges(ctx context.Context, id int64, n *News) ([]string, error) {
	changed, err := n.Changes(ctx, s.o.News)
	if err != nil {
		return nil, wechatRefusal(id, err)
	}
	return changed, nil
}

// DraftReader reads a draft from the draft box (wxapi.Client).
type DraftReader interface {
	GetDraft(ctx context.Context, mediaID string) (wxapi.Draft, error)
}

// Changes names the fields of the draft's articles that differ now from
// those frozen in n (see Changed), or is ["draft"] when the draft has left
// the box. Permanent material cannot change: nil, without a call.
func (n *News) Changes(ctx context.Context, api DraftReader) ([]string, error) {
	if n.Permanent {
		return nil, nil
	}
	d, err := api.GetDraft(ctx, n.Draft)
	if wxapi.ErrCode(err) == wxapi.CodeInvalidMediaID {
		return []string{"draft"}, nil
	}
	if err != nil {
		return nil, err
	}
	now := make([]Article, len(d.Articles))
	for i, a := range d.Articles {
		now[i] = ArticleOf(a)
	}
	return Changed(n.Articles, now), nil
}

// DraftInfo is one draft of the box, as a listing shows it.
type DraftInfo struct {
	MediaID string
	Updated time.Time
	Titles  []string // its articles' titles, in order
}
