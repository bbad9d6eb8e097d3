package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/wxcast/wxcast/bot/results"
)

// isOverride reports whether word asks for an owner's override.
func isOverride(word string) bool {
	return strings.EqualFold(word, "override") || word == "强制"
}

// cutOverride splits "… override <reason…>" into what comes before and
// the reason; found is false without the word. A bare "override" without
// a reason is a usage error: overrides are audited with their reason.
func cutOverride(rest string) (before, reason string, found bool, err error) {
	var words []string
	for s := rest; ; {
		w, r := cut(s)
		if w == "" {
			return rest, "", false, nil
		}
		if isOverride(w) {
			if reason = strings.TrimSpace(r); reason == "" {
				return "", "", true, errUsage
			}
			return strings.Join(words, " "), reason, true, nil
		}
		words = append(words, w)
		s = r
	}
}

// approveOverrideArgs reads "<id> [plan hash] [override <reason…>]".
func approveOverrideArgs(b *Bot, rest string) (args, error) {
	before, reason, _, err := cutOverride(rest)
	if err != nil {
		return args{}, err
	}
	x, err := approveArgs(b, before)
	x.override = reason
	return x, err
}

// sendOverrideArgs reads "<id> [now | best | HH:MM | YYYY-MM-DD HH:MM]
// [override <reason…>]".
func sendOverrideArgs(b *Bot, rest string) (args, error) {
	before, reason, _, err := cutOverride(rest)
	if err != nil {
		return args{}, err
	}
	f := strings.Fields(before)
	if len(f) == 2 && isBest(f[1]) {
		id, err := parseID(f[0])
		return args{id: id, best: true, override: reason}, err
	}
	x, err := sendArgs(b, before)
	x.override = reason
	return x, err
}

func isBest(s string) bool {
	return strings.EqualFold(s, "best") || s == "最佳" || s == "推荐"
}

// variantArgs reads "<id> <type> <content…>", as new reads its content.
func variantArgs(b *Bot, rest string) (args, error) {
	word, body := cut(rest)
	id, err := parseID(word)
	if err != nil {
		return args{}, err
	}
	x, err := newArgs(b, "-"+" "+body)
	x.id, x.segment = id, ""
	return x, err
}

// holdoutArgs reads "<id> <N>%" (the % is optional).
func holdoutArgs(_ *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) != 2 {
		return args{}, errUsage
	}
	id, err := parseID(f[0])
	if err != nil {
		return args{}, err
	}
	p := strings.TrimRight(f[1], "%％")
	if !digits(p) {
		return args{}, errUsage
	}
	n, err := strconv.Atoi(p)
	if err != nil || n > 100 {
		return args{}, errUsage
	}
	return args{id: id, n: n, shown: f[0] + " " + f[1]}, nil
}

// remindArgs reads "<id> <deadline> <offsets> [tag]": the deadline as
// send takes a time ("HH:MM" is the next such time), the offsets as
// "3h,1h,10m" (also 小时/分钟), and the tag whose holders are left out of
// later reminders.
func remindArgs(b *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) < 3 {
		return args{}, errUsage
	}
	// "<id> YYYY-MM-DD HH:MM …" or "<id> HH:MM …".
	n := 2
	if len(f) >= 4 && strings.Count(f[1], "-") == 2 {
		n = 3
	}
	x, err := sendArgs(b, strings.Join(f[:n], " "))
	if err != nil {
		return x, err
	}
	if x.at.IsZero() || len(f) < n+1 || len(f) > n+2 {
		return args{}, errUsage
	}
	offs, ok := parseOffsets(f[n])
	if !ok {
		return args{}, errUsage
	}
	x.offsets = offs
	if len(f) == n+2 {
		if isClicked(f[n+1]) {
			x.clicked = true
		} else {
			x.tag = f[n+1]
		}
	}
	return x, nil
}

// isClicked reports whether word stands for "clicked a link" in place of
// a tag (提醒 … 点击): a tag of that name cannot be named there.
func isClicked(word string) bool {
	return word == "点击" || strings.EqualFold(word, "click")
}

// metricWords are the words that name a results metric.
var metricWords = map[string]string{
	"点击": results.MetricClick, "click": results.MetricClick, "clicks": results.MetricClick,
	"转化": results.MetricConversion, "conversion": results.MetricConversion, "conversions": results.MetricConversion,
	"回调": results.MetricCallback, "callback": results.MetricCallback, "callbacks": results.MetricCallback,
}

// parseOffsets reads "3h,1h,10m", "3小时，1小时，10分钟" or "1h30m".
func parseOffsets(s string) ([]time.Duration, bool) {
	s = strings.NewReplacer("，", ",", "小时", "h", "分钟", "m", "分", "m", "天", "d").Replace(s)
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		mult := time.Duration(1)
		if d, ok := strings.CutSuffix(part, "d"); ok && digits(d) {
			part, mult = d+"h", 24
		}
		d, err := time.ParseDuration(part)
		if err != nil || d <= 0 {
			return nil, false
		}
		out = append(out, d*mult)
	}
	return out, len(out) > 0
}

// resumeArgs reads "[id] [override <reason…>]".
func resumeArgs(b *Bot, rest string) (args, error) {
	before, reason, _, err := cutOverride(rest)
	if err != nil {
		return args{}, err
	}
	x, err := optionalID(b, before)
	if reason != "" && x.id == 0 {
		return args{}, errUsage
	}
	x.override = reason
	return x, err
}

// optionalID reads "[id]": none for every broadcast.
func optionalID(b *Bot, rest string) (args, error) {
	if strings.TrimSpace(rest) == "" {
		return args{}, nil
	}
	return idArg(b, rest)
}

// statusArgs reads "<id> [window] [tag] [metric]": the window as "12h"
// or "12小时", over which holdout and variant results count; the metric
// as 点击, 转化 or 回调 (click, conversion, callback), in any order after
// the id. A tag narrows callbacks, so it goes with no other metric.
func statusArgs(b *Bot, rest string) (args, error) {
	f := strings.Fields(rest)
	if len(f) == 0 || len(f) > 4 {
		return args{}, errUsage
	}
	x, err := idArg(b, f[0])
	if err != nil {
		return x, err
	}
	for _, w := range f[1:] {
		// Tag names start with a letter: a word starting with a digit is a
		// window, and one that is not a window from 1 to 168 hours is a
		// mistake, not a tag.
		if w[0] >= '0' && w[0] <= '9' {
			d, ok := parseOffsets(w)
			if !ok || len(d) != 1 || x.window != 0 || d[0] < time.Hour || d[0] > 168*time.Hour {
				return args{}, errUsage
			}
			x.window = d[0]
			continue
		}
		if m, ok := metricWords[strings.ToLower(w)]; ok {
			if x.metric != "" {
				return args{}, errUsage
			}
			x.metric = m
			continue
		}
		if x.tag != "" {
			return args{}, errUsage
		}
		x.tag = w
	}
	if x.tag != "" && x.metric != "" && x.metric != results.MetricCallback {
		return args{}, errUsage
	}
	return x, nil
}
