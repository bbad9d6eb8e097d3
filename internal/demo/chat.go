package demo

import (
	"sync"
	"time"
)

// Who sent a chat message.
const (
	fromPerson  = "me"      // the follower or admin typed or did it
	fromAccount = "account" // the Official Account (wxcast) sent it
)

// Message is one line of a person's chat with the account. Kind is the
// WeChat message type (text, news, image, voice, video), or what the line
// is in the page: event (something the person did that is not a message),
// preview, broadcast or template.
type Message struct {
	Seq   int64     `json:"seq"`
	At    time.Time `json:"at"`
	From  string    `json:"from"`
	Kind  string    `json:"kind"`
	Title string    `json:"title,omitempty"`
	Text  string    `json:"text"`
	URL   string    `json:"url,omitempty"`
}

// chatKeep is how many messages a chat keeps; the page shows the newest.
const chatKeep = 200

// chats keeps every person's chat. Seq numbers are shared by all chats,
// so the page asks for what came after the last one it has.
type chats struct {
	mu  sync.Mutex
	seq int64
	by  map[string][]Message
}

func newChats() *chats { return &chats{by: make(map[string][]Message)} }

// add appends m to openid's chat, stamping its sequence number.
func (c *chats) add(openid string, m Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	m.Seq = c.seq
	l := append(c.by[openid], m)
	if len(l) > chatKeep {
		l = append(l[:0:0], l[len(l)-chatKeep:]...)
	}
	c.by[openid] = l
}

// after returns openid's messages with a sequence number above seq.
func (c *chats) after(openid string, seq int64) []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.by[openid]
	i := len(l)
	for i > 0 && l[i-1].Seq > seq {
		i--
	}
	return append([]Message{}, l[i:]...)
}
