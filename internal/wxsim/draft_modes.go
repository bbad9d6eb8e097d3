package wxsim

import "fmt"

// DraftMode is how mass/send and mass/preview treat a draft's media_id in
// mpnews. WeChat's doc says they take it; some developers get 40007 and
// are told to call media/uploadnews first; whether later batches may reuse
// the id of a draft that left the box on the first one is UNCONFIRMED
// (WeChat does not document it). The modes let tests run a sender against each
// behaviour. media/uploadnews ids and permanent news material are accepted
// in every mode.
type DraftMode int

const (
	// DraftIDsAccepted (the default): a draft id is accepted by every mass
	// send and preview, also after the draft left the box on its first
	// mass send; the id keeps the articles it had then.
	DraftIDsAccepted DraftMode = iota
	// DraftIDsOnce: a draft id is accepted until its first successful mass
	// send; afterwards sends and previews with it answer 40007.
	DraftIDsOnce
	// DraftIDsRefused: every mass send and preview with a draft id answers
	// 40007, as some developers report.
	DraftIDsRefused
)

// draftModeNames are the modes' names, in order.
func draftModeNames() [3]string { return [...]string{"accepted", "once", "refused"} }

// String is the mode's name as ParseDraftMode reads it.
func (d DraftMode) String() string {
	if names := draftModeNames(); d >= 0 && int(d) < len(names) {
		return names[d]
	}
	return fmt.Sprintf("DraftMode(%d)", int(d))
}

// ParseDraftMode reads "accepted", "once" or "refused".
func ParseDraftMode(name string) (DraftMode, error) {
	for i, n := range draftModeNames() {
		if n == name {
			return DraftMode(i), nil
		}
	}
	return 0, fmt.Errorf("wxsim: draft mode %q: want accepted, once or refused", name)
}

// WithDraftMode sets the DraftMode of every app that SetDraftMode has not
// given its own (default DraftIDsAccepted).
func WithDraftMode(mode DraftMode) Option {
	return func(s *Server) { s.draftMode = mode }
}

// SetDraftMode gives appID its own DraftMode, overriding WithDraftMode.
func (s *Server) SetDraftMode(appID string, mode DraftMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.appMsgs(appID).box()
	b.mode, b.modeSet = mode, true
}

// draftModeOf is m's mode. Callers hold s.mu.
func (s *Server) draftModeOf(m *appMessages) DraftMode {
	if b := m.box(); b.modeSet {
		return b.mode
	}
	return s.draftMode
}

// checkMass validates the payload of a mass send or preview like check,
// except that mpnews may also carry a draft id (as the mode allows) or a
// media/uploadnews id. It returns p with the articles the message
// delivers, copies as they are now, for the records. Callers hold s.mu.
func (s *Server) checkMass(m *appMessages, p payload) (payload, *apiError) {
	if p.msgType != SendMPNews || len(p.mediaIDs) != 1 {
		return p, m.check(p, SendText, SendMPNews, SendImage)
	}
	id, b := p.mediaIDs[0], m.box()
	if u, ok := b.uploads[id]; ok {
		p.articles = cloneArticles(u.articles)
		return p, nil
	}
	d, inBox := b.drafts[id]
	left, wasDraft := b.left[id]
	if inBox || wasDraft {
		mode := s.draftModeOf(m)
		if mode == DraftIDsRefused || (mode == DraftIDsOnce && wasDraft) {
			return p, errInvalidMediaID()
		}
		if inBox {
			p.articles = cloneArticles(d.articles)
		} else {
			p.articles = cloneArticles(left.articles)
		}
		return p, nil
	}
	if e := m.check(p, SendMPNews); e != nil {
		return p, e
	}
	p.articles = m.news[id].draftArticles()
	return p, nil
}

// massSent is what a successful mass send (mass/send, and mass/sendall
// when it carries mpnews) does to the draft box: a draft it carried leaves
// the box, keeping its articles as they were for later sends, as the mode
// allows. Callers hold s.mu.
func (m *appMessages) massSent(p payload) {
	if p.msgType != SendMPNews || len(p.mediaIDs) != 1 {
		return
	}
	id, b := p.mediaIDs[0], m.box()
	if d, ok := b.drafts[id]; ok {
		delete(b.drafts, id)
		b.left[id] = &mediaNews{articles: d.articles, created: d.created}
	}
}

// draftArticles are n's articles in the records' form; material
// registered without articles has one empty article, as get_material
// answers it.
func (n *newsMaterial) draftArticles() []DraftArticle {
	if len(n.articles) == 0 {
		return []DraftArticle{{ArticleType: ArticleNews}}
	}
	out := make([]DraftArticle, len(n.articles))
	for i, a := range n.articles {
		out[i] = DraftArticle{ArticleType: ArticleNews, Title: a.Title, Author: a.Author,
			Digest: a.Digest, Content: a.Content, URL: a.URL}
	}
	return out
}
