package wxsim

import "time"

// interactTrigger maps what a push says the follower did to the
// customer-service trigger it opens; pushes not listed open nothing.
func interactTrigger(m *Message) string {
	switch m.MsgType {
	case MsgTypeText, MsgTypeImage, MsgTypeVoice, MsgTypeVideo, MsgTypeShortVideo,
		MsgTypeLocation, MsgTypeLink:
		return TriggerMessage
	case MsgTypeEvent:
		switch m.Event {
		case EventClick:
			return TriggerClick
		case EventSubscribe:
			return TriggerSubscribe
		case EventScan:
			return TriggerScan
		}
	}
	return ""
}

// interact tells the configured Platform what m's sender did, before the
// push goes out: on WeChat the window opens when the follower acts, so a
// server answering the push through the customer-service API finds it open.
func (c *Client) interact(m Message) {
	if c.platform == nil || m.FromUserName == "" {
		return
	}
	if m.MsgType == MsgTypeEvent && m.Event == EventUnsubscribe {
		c.platform.Unfollow(c.appID, m.FromUserName)
		return
	}
	if t := interactTrigger(&m); t != "" {
		// The zero time means the Platform's clock: the window is
		// enforced there, whatever clock this Client stamps pushes with.
		c.platform.Interact(c.appID, m.FromUserName, t, time.Time{})
	}
}
