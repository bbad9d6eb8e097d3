package broadcast

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot/wxapi"
	"github.com/wxcast/wxcast/store"
)

// NotifyAPI reaches an admin outside a reply: customer-service messages,
// and template messages as the fallback (wxapi.Client).
type NotifyAPI interface {
	CustomText(ctx context.Context, openid, text string) error
	TemplateSend(ctx context.Context, openid, templateID string, data map[string]string, url string) (int64, error)
}

// noticesKept bounds the notices kept on one broadcast.
const noticesKept = 10

// Notify delivers text to admin to, about broadcast id (0 for none). A
// customer-service message reaches only an admin who wrote to the account
// recently, a few times per message they sent; when WeChat refuses it
// (45015 out of the window, 45047 over quota, or any other error) a
// template message is tried if one is configured. Whatever happens the
// notice is kept, on the broadcast or in the general notices, so list and
// status show it.
func (s *Service) Notify(ctx context.Context, to Admin, id int64, text string) {
	via := "kept"
	if s.o.NotifyAPI != nil {
		err := s.o.NotifyAPI.CustomText(ctx, to.OpenID, text)
		if err == nil {
			via = "custom"
		} else {
			s.o.Log.Info("customer-service message refused; trying the template", zap.String("to", to.OpenID),
				zap.Int("errcode", wxapi.ErrCode(err)), zap.Error(err))
			if s.o.TemplateID != "" {
				_, terr := s.o.NotifyAPI.TemplateSend(ctx, to.OpenID, s.o.TemplateID, map[string]string{"content": text}, "")
				if terr == nil {
					via = "template"
				} else {
					s.o.Log.Warn("template message refused; the notice is kept for list and status",
						zap.String("to", to.OpenID), zap.Error(terr))
				}
			}
		}
	}
	s.metrics.notices.WithLabelValues(via).Inc()
	n := Notice{At: s.o.Now(), To: to.OpenID, Text: text, Via: via}
	if id == 0 {
		rec, _ := json.Marshal(n)
		if err := s.o.Store.AppendNotice(ctx, rec); err != nil {
			s.o.Log.Error("keep notice", zap.Error(err))
		}
		return
	}
	_, err := s.update(ctx, id, func(b *Broadcast) (store.Change, error) {
		b.Notices = append(b.Notices, n)
		if len(b.Notices) > noticesKept {
			b.Notices = b.Notices[len(b.Notices)-noticesKept:]
		}
		return store.Change{}, nil
	})
	if err != nil {
		s.o.Log.Error("keep notice", zap.Int64("id", id), zap.Error(err))
	}
}

// tell notifies b's creator.
func (s *Service) tell(ctx context.Context, b *Broadcast, text string) {
	s.Notify(ctx, s.admin(b.Creator), b.ID, text)
}

// alertOwners notifies every owner about b (nil for none).
func (s *Service) alertOwners(ctx context.Context, b *Broadcast, text string) {
	var id int64
	if b != nil {
		id = b.ID
	}
	for _, a := range s.o.Admins {
		if a.Has(RoleOwner) {
			s.Notify(ctx, a, id, text)
		}
	}
}

// admin finds the admin with openid; someone no longer configured is
// still reached by openid.
func (s *Service) admin(openid string) Admin {
	for _, a := range s.o.Admins {
		if a.OpenID == openid {
			return a
		}
	}
	return Admin{OpenID: openid}
}

// RulesRejected alerts the owners that a new version of the rules file
// was refused (the live rules stay). Every replica sees the file; only
// the first to get here sends the alert.
func (s *Service) RulesRejected(ctx context.Context, version string, err error) {
	first, ferr := s.o.Store.Once(ctx, "rules-rejected:"+version, 24*time.Hour)
	if ferr != nil || !first {
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		lines := strings.Count(msg, "\n") + 1
		msg = msg[:i] + "…" + moreProblems(s.lang(), lines-1)
	}
	s.alertOwners(ctx, nil, msgRulesRejected(s.lang(), version, msg))
}

// WordsRejected alerts the owners that a new version of the content-check
// word lists was refused (the lists in use stay), once across replicas.
func (s *Service) WordsRejected(ctx context.Context, version string, err error) {
	first, ferr := s.o.Store.Once(ctx, "words-rejected:"+version, 24*time.Hour)
	if ferr != nil || !first {
		return
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + "…" + moreProblems(s.lang(), strings.Count(msg, "\n"))
	}
	s.alertOwners(ctx, nil, msgWordsRejected(s.lang(), version, msg))
}

// RecordAudit appends e to the audit log.
func (s *Service) RecordAudit(ctx context.Context, e AuditEntry) error {
	rec, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.o.Store.AppendAudit(ctx, rec)
}

// Audit returns the newest n audit entries, newest first.
func (s *Service) Audit(ctx context.Context, n int) ([]AuditEntry, error) {
	recs, err := s.o.Store.Audit(ctx, n)
	return decodeAll[AuditEntry](recs), err
}

// Notices returns the newest n general notices, newest first.
func (s *Service) Notices(ctx context.Context, n int) ([]Notice, error) {
	recs, err := s.o.Store.Notices(ctx, n)
	return decodeAll[Notice](recs), err
}

// decodeAll decodes JSON records, skipping any that do not decode.
func decodeAll[T any](recs [][]byte) []T {
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		var x T
		if json.Unmarshal(r, &x) == nil {
			out = append(out, x)
		}
	}
	return out
}

func (s *Service) lang() string {
	if s.o.Language == "en" {
		return "en"
	}
	return "zh"
}
