package broadcast

import (
	"html"
	"strings"
)

// TextOf is the text a reader sees in an article's HTML body, for the
// content check: tags dropped (a word split by inline markup such as
// <b>最</b>佳 reads as one), a line break for each block element so words
// of two paragraphs do not run together (one break however many blocks
// end there, none at the ends), the content of <script> and <style>
// dropped, and entities decoded. Hit positions are counted in this text.
func TextOf(body string) string {
	return tidyBreaks(textOf(body))
}

// tidyBreaks trims line breaks at both ends of s and makes each run of
// them one.
func tidyBreaks(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(line)
	}
	return sb.String()
}

func textOf(body string) string {
	var sb strings.Builder
	sb.Grow(len(body))
	for len(body) > 0 {
		i := strings.IndexByte(body, '<')
		if i < 0 {
			sb.WriteString(html.UnescapeString(body))
			break
		}
		sb.WriteString(html.UnescapeString(body[:i]))
		body = body[i:]
		j := strings.IndexByte(body, '>')
		if j < 0 {
			break // an unclosed tag hides the rest, as a browser would
		}
		name := tagName(body[1:j])
		body = body[j+1:]
		switch name {
		case "script", "style":
			end := strings.Index(strings.ToLower(body), "</"+name)
			if end < 0 {
				return sb.String()
			}
			body = body[end:]
		case "p", "/p", "br", "div", "/div", "section", "/section", "li", "/li", "tr", "/tr",
			"h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "blockquote", "/blockquote":
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// tagName is the lower-case name of the tag whose inside is in, with a
// leading / for an end tag ("br/" and "br /" are "br").
func tagName(in string) string {
	in = strings.TrimSpace(in)
	if end := strings.IndexAny(in, " \t\r\n"); end >= 0 {
		in = in[:end]
	}
	return strings.ToLower(strings.TrimSuffix(in, "/"))
}
