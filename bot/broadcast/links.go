package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/wxcast/wxcast/store"
)

// LinkCodes keeps the codes of tracked links (store.Links): each code
// leads to one frozen target, and a code is never given twice.
type LinkCodes interface {
	Freeze(ctx context.Context, codes []string, targets []store.LinkTarget) error
}

// FrozenLink is one link of a text content that a plan rewrote into a
// tracked link: the Index-th link (0-based, in reading order) of
// variant Version's text, its URL as written, and the code of the
// tracked link <links.base_url>/l/<Code> that replaced it.
type FrozenLink struct {
	Version int    `json:"v"`
	Index   int    `json:"i"`
	URL     string `json:"u"`
	Code    string `json:"c"`
}

// PlanText is the text variant Variant sends once its links are
// rewritten: what the preview showed, what approvers approve and what
// followers receive. A text without links has none.
type PlanText struct {
	Variant int    `json:"v"`
	Text    string `json:"text"`
}

// Text is the text plan sends for variant v with its links rewritten;
// ok is false when the plan rewrote none of it.
func (p *Plan) Text(v int) (text string, ok bool) {
	if p == nil {
		return "", false
	}
	for _, t := range p.Texts {
		if t.Variant == v {
			return t.Text, true
		}
	}
	return "", false
}

// sentContent is c, content v, as plan sends it: a text with its links
// rewritten when the plan rewrote them.
func sentContent(c Content, v int, plan *Plan) Content {
	if t, ok := plan.Text(v); ok && c.Type == "text" {
		c.Text = t
	}
	return c
}

// linkCodeBytes is a code's randomness: 10 bytes, 80 bits, which base32
// writes as 16 characters.
const linkCodeBytes = 10

// linkCoding writes codes in lower-case base32 (a–z, 2–7): safe in a
// URL path, and short.
var linkCoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewLinkCode returns a new tracked link's code: 16 characters of a–z and
// 2–7 carrying 80 random bits, so nobody can guess another's.
func NewLinkCode() string {
	b := make([]byte, linkCodeBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return strings.ToLower(linkCoding.EncodeToString(b))
}

// tracking reports whether previews rewrite links.
func (s *Service) tracking() bool { return s.o.LinkBase != "" && s.o.Links != nil }

// trackLinks rewrites the http(s) links of every text content of b into
// tracked links with new codes and keeps the rewritten texts and the
// links in plan. A link that already leads to links.base_url stays as
// written. The contents themselves keep the links as the admin wrote
// them, so the next preview starts from those. A text the rewriting
// makes too long is refused.
func (s *Service) trackLinks(b *Broadcast, plan *Plan) error {
	if !s.tracking() {
		return nil
	}
	for v, c := range b.Contents() {
		if c.Type != "text" {
			continue
		}
		text, links := rewriteLinks(c.Text, s.o.LinkBase, v)
		if len(links) == 0 {
			continue
		}
		if n := len([]rune(text)); n > maxText {
			return &Refusal{Code: CodeBadContent, ID: b.ID, Detail: BadLongTracked, N: n, Need: maxText}
		}
		plan.Texts = append(plan.Texts, PlanText{Variant: v, Text: text})
		plan.Links = append(plan.Links, links...)
	}
	return nil
}

// rewriteLinks replaces each link of text that does not already lead to
// base by base/l/<a new code> and returns the new text, byte for byte the
// same elsewhere, with the links it replaced (as variant v's).
func rewriteLinks(text, base string, v int) (string, []FrozenLink) {
	var (
		sb    strings.Builder
		links []FrozenLink
		last  int
	)
	for _, sp := range findLinks(text) {
		u := text[sp.Start:sp.End]
		if ownLink(u, base) {
			continue
		}
		l := FrozenLink{Version: v, Index: len(links), URL: u, Code: NewLinkCode()}
		links = append(links, l)
		sb.WriteString(text[last:sp.Start])
		sb.WriteString(TrackedURL(base, l.Code))
		last = sp.End
	}
	if len(links) == 0 {
		return text, nil
	}
	sb.WriteString(text[last:])
	return sb.String(), links
}

// TrackedURL is the tracked link of code under base (links.base_url).
func TrackedURL(base, code string) string { return base + "/l/" + code }

// ownLink reports whether u leads to base itself: a tracked link pasted
// back, or one of the account's own pages.
func ownLink(u, base string) bool {
	if len(u) < len(base) || !strings.EqualFold(u[:len(base)], base) {
		return false
	}
	return len(u) == len(base) || strings.ContainsRune("/?#", rune(u[len(base)]))
}

// freezeLinks stores the codes of plan's links, so they lead to their
// targets from the preview on: the admin's own preview carries them. A
// code taken already (one chance in 2^80) fails the preview, which the
// admin asks for again.
func (s *Service) freezeLinks(ctx context.Context, id int64, plan *Plan) error {
	if len(plan.Links) == 0 {
		return nil
	}
	codes := make([]string, len(plan.Links))
	targets := make([]store.LinkTarget, len(plan.Links))
	for i, l := range plan.Links {
		codes[i] = l.Code
		targets[i] = store.LinkTarget{Broadcast: id, Version: l.Version, Link: l.Index, URL: l.URL}
	}
	if err := s.o.Links.Freeze(ctx, codes, targets); err != nil {
		return fmt.Errorf("broadcast %d: freeze %d tracked links: %w", id, len(codes), err)
	}
	return nil
}
