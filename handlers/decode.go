package handlers

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/wxcast/wxcast/bot"
)

// decodeMessage parses callback XML and converts it to the bot's Message:
// the flat common case directly (decodeFlat), anything else with the SDK's
// MixMessage.
func decodeMessage(raw []byte) (bot.Message, error) {
	if m, ok := decodeFlat(raw); ok {
		return m, nil
	}
	return decodeMixMessage(raw)
}

// decodeMixMessage parses callback XML with the SDK's MixMessage.
func decodeMixMessage(raw []byte) (bot.Message, error) {
	var mm message.MixMessage
	if err := xml.Unmarshal(raw, &mm); err != nil {
		return bot.Message{}, err
	}
	return bot.Message{
		ToUser:      string(mm.ToUserName),
		OpenID:      string(mm.FromUserName),
		CreateTime:  mm.CreateTime,
		MsgType:     string(mm.MsgType),
		MsgID:       mm.MsgID,
		Event:       string(mm.Event),
		EventKey:    mm.EventKey,
		Ticket:      mm.Ticket,
		Content:     firstNonEmpty(mm.Content, mm.Recognition),
		MediaID:     mm.MediaID,
		PicURL:      mm.PicURL,
		Title:       mm.Title,
		Description: mm.Description,
		URL:         mm.URL,
		Label:       mm.Label,
		LocationX:   mm.LocationX,
		LocationY:   mm.LocationY,
		Scale:       mm.Scale,
		Latitude:    parseFloat(mm.Latitude),
		Longitude:   parseFloat(mm.Longitude),
		Precision:   parseFloat(mm.Precision),
		JobMsgID:    mm.TemplateMsgID, // the SDK maps MsgID (capital D) here
		Status:      mm.Status,
		TotalCount:  mm.TotalCount,
		FilterCount: mm.FilterCount,
		SentCount:   mm.SentCount,
		Errors:      mm.ErrorCount,
	}, nil
}

func parseFloat(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
