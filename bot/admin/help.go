package admin

import (
	"slices"
	"strings"

	"github.com/wxcast/wxcast/bot/broadcast"
	"github.com/wxcast/wxcast/rules"
)

// helpGroups are the groups in the order help shows them.
func helpGroups() []string { return []string{groupCreate, groupFollow, groupAccount} }

// commonCommands are the commands help shows first with their usage,
// most used first; help shows the first three the admin may run.
func commonCommands() []string {
	return []string{"new", "preview", "approve", "send", "status", "list"}
}

// commonShown is how many common commands help shows.
const commonShown = 3

// Help returns the help text for a's roles, short enough for a phone
// screen: the three most common commands a may run with their usage,
// then the others by group, then how to ask about one command.
func (b *Bot) Help(a broadcast.Admin) string {
	var lines []string
	var shown []string
	for _, name := range commonCommands() {
		if c := b.byName[name]; c != nil && c.allows(a) && len(shown) < commonShown {
			shown = append(shown, name)
			lines = append(lines, "· "+b.shortUsage(c))
		}
	}
	if len(shown) == 0 && !b.anyAllowed(a) {
		return b.t(kHelpNone)
	}
	if len(lines) > 0 {
		lines = append([]string{b.t(kHelpCommon)}, lines...)
	}
	for _, g := range helpGroups() {
		var words []string
		for i := range b.cmds {
			c := &b.cmds[i]
			if c.group == g && c.allows(a) {
				words = append(words, b.label(c))
			}
		}
		if len(words) > 0 {
			lines = append(lines, b.t(kHelpGroup, b.t(kGroup+key(g)), strings.Join(words, b.t(kHelpSep))))
		}
	}
	return strings.Join(append(lines, b.t(kHelpTail)), "\n")
}

// anyAllowed reports whether a may run any command besides help.
func (b *Bot) anyAllowed(a broadcast.Admin) bool {
	return slices.ContainsFunc(b.cmds, func(c command) bool { return c.group != groupNone && c.allows(a) })
}

// shortUsage is the first form of c's usage without its optional parts:
// "新建 <分群> 文本 <内容>" of the three forms of 新建.
func (b *Bot) shortUsage(c *command) string {
	u := c.usageZH
	if b.lang == "en" {
		u = c.usageEN
	}
	u, _, _ = strings.Cut(u, " | ")
	u, _, _ = strings.Cut(u, " [")
	return u
}

// helpOn explains one command: its usage, what it does, an example and
// who may run it. A word that is no command gets the closest commands,
// or the list.
func (b *Bot) helpOn(a broadcast.Admin, topic string) string {
	c, ok := b.byName[strings.ToLower(topic)]
	if !ok {
		var names []string
		for i := range b.cmds {
			names = append(names, b.label(&b.cmds[i]))
		}
		if close := rules.Suggest(topic, names); len(close) > 0 {
			quoted := make([]string, len(close))
			for i, s := range close {
				quoted[i] = b.t(kQuoted, b.t(kHelpOf, s))
			}
			return b.t(kHelpUnknownNear, topic, b.join(quoted))
		}
		return b.t(kHelpUnknown, topic) + "\n" + b.Help(a)
	}
	usage, what, example := c.usageZH, c.helpZH, c.exampleZH
	if b.lang == "en" {
		usage, what, example = c.usageEN, c.helpEN, c.exampleEN
	}
	roles := make([]string, len(c.roles))
	for i, r := range c.roles {
		roles[i] = b.word(kRole, string(r))
	}
	lines := []string{usage, what, b.t(kHelpExample, example)}
	if !c.allows(a) {
		lines = append(lines, b.t(kHelpNeeds, b.join(roles)))
	}
	return strings.Join(lines, "\n")
}
