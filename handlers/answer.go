package handlers

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"go.uber.org/zap"

	"github.com/wxcast/wxcast/bot"
)

// renderReply builds the passive reply XML with the SDK's message types:
// To and From swapped, CreateTime now.
func renderReply(m bot.Message, r bot.Reply, now time.Time) ([]byte, error) {
	var msg interface {
		SetToUserName(message.CDATA)
		SetFromUserName(message.CDATA)
		SetCreateTime(int64)
		SetMsgType(message.MsgType)
	}
	switch r.Type {
	case "text":
		msg = message.NewText(r.Content)
	case "image":
		msg = message.NewImage(r.MediaID)
	case "voice":
		msg = message.NewVoice(r.MediaID)
	case "video":
		msg = message.NewVideo(r.MediaID, r.Title, r.Desc)
	case "news":
		arts := make([]*message.Article, len(r.Articles))
		for i, a := range r.Articles {
			arts[i] = message.NewArticle(a.Title, a.Description, a.PicURL, a.URL)
		}
		msg = message.NewNews(arts)
	default:
		return nil, fmt.Errorf("handlers: unknown reply type %q", r.Type)
	}
	msg.SetToUserName(message.CDATA(m.OpenID))
	msg.SetFromUserName(message.CDATA(m.ToUser))
	msg.SetCreateTime(now.Unix())
	msg.SetMsgType(message.MsgType(r.Type))
	return xml.Marshal(msg)
}

// sealReply wraps a reply for safe mode: encrypted with the key that opened
// the request, signed with the request's timestamp and nonce.
func (s *Server) sealReply(plain []byte, key int, timestamp, nonce string) ([]byte, error) {
	enc := s.keys.encrypt(key, plain)
	ts, _ := parseUnix(timestamp)
	return xml.Marshal(message.ResponseEncryptedXMLMsg{
		EncryptedMsg: enc,
		MsgSignature: signature(s.cfg.Token, timestamp, nonce, enc),
		Timestamp:    ts,
		Nonce:        nonce,
	})
}

func (s *Server) answer(w http.ResponseWriter, m bot.Message, rep bot.Reply, encrypted bool, key int, ts, nonce string) {
	if rep.Empty() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
		return
	}
	out, err := renderReply(m, rep, s.cfg.Now())
	if err == nil && encrypted {
		out, err = s.sealReply(out, key, ts, nonce)
	}
	if err != nil {
		// The callback is recorded; answering nothing beats an error page.
		s.log.Error("render reply", zap.String("openid", m.OpenID), zap.Error(err))
		_, _ = io.WriteString(w, "success")
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(out)
}
