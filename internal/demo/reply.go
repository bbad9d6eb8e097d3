package demo

import (
	"encoding/xml"
	"strings"
)

// passiveReply is the part of a passive reply the page shows.
type passiveReply struct {
	MsgType string `xml:"MsgType"`
	Content string `xml:"Content"`
	Image   struct {
		MediaID string `xml:"MediaId"`
	} `xml:"Image"`
	Voice struct {
		MediaID string `xml:"MediaId"`
	} `xml:"Voice"`
	Video struct {
		MediaID     string `xml:"MediaId"`
		Title       string `xml:"Title"`
		Description string `xml:"Description"`
	} `xml:"Video"`
	Articles []struct {
		Title       string `xml:"Title"`
		Description string `xml:"Description"`
		URL         string `xml:"Url"`
	} `xml:"Articles>item"`
}

// replyMessage turns a decrypted passive reply into what the follower's
// chat shows; ok is false for "success", an empty body or anything that is
// not a reply.
func replyMessage(plain []byte) (Message, bool) {
	body := strings.TrimSpace(string(plain))
	if body == "" || body == "success" {
		return Message{}, false
	}
	var r passiveReply
	if err := xml.Unmarshal([]byte(body), &r); err != nil {
		return Message{}, false
	}
	m := Message{From: fromAccount, Kind: r.MsgType}
	switch r.MsgType {
	case "text":
		m.Text = r.Content
	case "image":
		m.Text = "[图片] " + r.Image.MediaID
	case "voice":
		m.Text = "[语音] " + r.Voice.MediaID
	case "video":
		m.Title, m.Text = r.Video.Title, r.Video.Description
	case "news":
		if len(r.Articles) == 0 {
			return Message{}, false
		}
		m.Title, m.Text, m.URL = r.Articles[0].Title, r.Articles[0].Description, r.Articles[0].URL
	default:
		return Message{}, false
	}
	return m, true
}
