package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/broadcast"
)

// sendArgs reads "<id> [now | HH:MM | YYYY-MM-DD HH:MM]" in the bot's
// location. "HH:MM" is the next such time: today, or tomorrow once it has
// passed. A full date in the past is refused here, as the service would.
func sendArgs(b *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) == 0 {
		return args{}, errUsage
	}
	id, err := parseID(f[0])
	if err != nil {
		return args{}, err
	}
	x := args{id: id}
	now := b.now().In(b.loc)
	switch {
	case len(f) == 1:
	case len(f) == 2 && isNow(f[1]):
	case len(f) == 2:
		h, m, ok := clock(f[1])
		if !ok {
			return args{}, errUsage
		}
		x.at = time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, b.loc)
		if !x.at.After(now) {
			x.at = time.Date(now.Year(), now.Month(), now.Day()+1, h, m, 0, 0, b.loc)
		}
	case len(f) == 3:
		d, err := time.ParseInLocation("2006-1-2", f[1], b.loc)
		h, m, ok := clock(f[2])
		if err != nil || !ok {
			return args{}, errUsage
		}
		x.at = time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, b.loc)
		if !x.at.After(now) {
			return x, &broadcast.Refusal{Code: broadcast.CodePastTime, ID: id, At: x.at}
		}
	default:
		return args{}, errUsage
	}
	return x, nil
}

func isNow(s string) bool {
	return strings.EqualFold(s, "now") || s == "现在"
}

// clock reads "HH:MM" (or "H:MM"), also with a full-width colon.
func clock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(strings.Replace(s, "：", ":", 1), ":")
	if !found || !digits(hs) || !digits(ms) || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}
