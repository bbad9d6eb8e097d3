package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// errUsage means the arguments do not fit the command: the admin gets its
// usage line.
var errUsage = errors.New("admin: bad arguments")

// Content types, as the broadcast service names them.
const (
	typeText  = "text"
	typeNews  = "news"
	typeImage = "image"
)

// args are a command's parsed arguments; each command fills what it
// takes.
type args struct {
	id      int64
	segment string
	content broadcast.Content
	reason  string
	plan    string    // a plan hash, for approve
	at      time.Time // zero: now
	n       int
	// Send safety: an owner's override reason, "send best", a reminder
	// series' offsets, a tag, a results window.
	override string
	best     bool
	offsets  []time.Duration
	tag      string
	window   time.Duration
	// metric is the results metric status shows (results.Metric*; ""
	// lets status choose); clicked makes a reminder series skip clickers.
	metric  string
	clicked bool
	// drafts: list the draft box instead of creating (新建 <分群> 草稿).
	drafts bool
	// topic is the command help explains (帮助 <命令>).
	topic string
	// again: preview freezes a new plan whoever asks (预览 <编号> 重新).
	again bool
	// shown is the arguments as the admin typed them, spaces collapsed,
	// for the "working on it" reply.
	shown string
}

// split finds the command word in text and returns it with the rest, the
// rest starting at its first non-space. A Chinese word glued to an id
// ("预览12") is split too, as phone keyboards make that easy to type.
func (b *Bot) split(text string) (*command, string, string) {
	word, rest := cut(text)
	if c, ok := b.byName[strings.ToLower(word)]; ok {
		return c, word, rest
	}
	for i, r := range word {
		if i > 0 && (unicode.IsDigit(r) || r == '#' || r == '＃') {
			if c, ok := b.byName[strings.ToLower(word[:i])]; ok {
				return c, word[:i], strings.TrimSpace(word[i:] + " " + rest)
			}
			break
		}
	}
	return nil, word, rest
}

// cut returns the first word of s and what follows it, without the
// spaces between. Anything after keeps its inner spaces and newlines.
func cut(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace)
}

// parseID reads a broadcast id, with or without a leading '#'.
func parseID(s string) (int64, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "#"), "＃")
	if !digits(s) {
		return 0, errUsage
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errUsage
	}
	return id, nil
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

func noArgs(_ *Bot, rest string) (args, error) {
	if rest != "" {
		return args{}, errUsage
	}
	return args{}, nil
}

func idArg(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) != 1 {
		return args{}, errUsage
	}
	id, err := parseID(f[0])
	return args{id: id, shown: strconv.FormatInt(id, 10)}, err
}

// helpArgs reads "[command]".
func helpArgs(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	switch len(f) {
	case 0:
		return args{}, nil
	case 1:
		return args{topic: f[0], shown: f[0]}, nil
	}
	return args{}, errUsage
}

// previewArgs reads "<id> [重新|again]".
func previewArgs(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 {
		return args{}, errUsage
	}
	id, err := parseID(f[0])
	x := args{id: id, shown: strconv.FormatInt(id, 10)}
	if err != nil || len(f) == 1 {
		return x, err
	}
	switch strings.ToLower(f[1]) {
	case "重新", "again":
		x.again, x.shown = true, x.shown+" "+f[1]
		return x, nil
	}
	return x, errUsage
}

// approveArgs reads "<id> [plan hash]": with the hash the approval counts
// only for the plan the approver saw.
func approveArgs(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 {
		return args{}, errUsage
	}
	id, err := parseID(f[0])
	x := args{id: id, shown: strconv.FormatInt(id, 10)}
	if err != nil {
		return x, err
	}
	if len(f) == 2 {
		h := strings.ToLower(f[1])
		if len(h) != 8 || strings.Trim(h, "0123456789abcdef") != "" {
			return x, errUsage
		}
		x.plan, x.shown = h, x.shown+" "+h
	}
	return x, nil
}

func segmentArg(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) != 1 {
		return args{}, errUsage
	}
	return args{segment: f[0], shown: f[0]}, nil
}

// contentType maps the words for a content type to the type.
func contentType(word string) string {
	switch strings.ToLower(word) {
	case "text", "文本":
		return typeText
	case "news", "mpnews", "图文", "草稿", "draft", "drafts":
		return typeNews
	case "image", "图片":
		return typeImage
	}
	return ""
}

// newArgs reads "<segment> <type> <content…>". Text content is kept as
// typed (inner spaces and newlines included); a media id is one word.
func newArgs(_ *Bot, rest string) (args, error) {
	seg, rest := cut(rest)
	word, body := cut(rest)
	typ := contentType(word)
	if seg != "" && typ == typeNews && body == "" {
		// No id: list the newest drafts to pick one from.
		return args{segment: seg, drafts: true, shown: seg}, nil
	}
	switch {
	case seg == "" || typ == "" || body == "":
		return args{}, errUsage
	case typ != typeText && len(strings.Fields(body)) != 1:
		return args{}, errUsage
	}
	c := broadcast.Content{Type: typ}
	if typ == typeText {
		c.Text = body
	} else {
		c.MediaID = body
	}
	return args{segment: seg, content: c}, nil
}

// rejectArgs reads "<id> [reason…]"; the reason keeps its spaces.
func rejectArgs(_ *Bot, rest string) (args, error) {
	word, reason := cut(rest)
	id, err := parseID(word)
	return args{id: id, reason: reason}, err
}

// auditArgs reads "[n]": 10 by default, at most 50.
func auditArgs(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	switch len(f) {
	case 0:
		return args{n: 10}, nil
	case 1:
		n, err := strconv.Atoi(f[0])
		if !digits(f[0]) || err != nil || n < 1 {
			return args{}, errUsage
		}
		return args{n: min(n, 50)}, nil
	}
	return args{}, errUsage
}
