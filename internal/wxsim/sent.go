package wxsim

import (
	"maps"
	"slices"
)

// Sent is what an app's server sent through the message endpoints, newest
// last in each list: what a follower's phone would show.
type Sent struct {
	Custom    []CustomMessage
	Previews  []Preview
	Templates []TemplateMessage
	Jobs      []Job
}

// SentCursor marks how much of an app's messages a reader has seen; the
// zero value is the start.
type SentCursor struct {
	custom, previews, templates, jobs int
}

// SentSince returns appID's messages after cur and the cursor after them.
// It copies only what is new, so a page that follows a busy simulator
// several times a second does not copy its whole history each time.
func (s *Server) SentSince(appID string, cur SentCursor) (Sent, SentCursor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appMsgs(appID)
	var out Sent
	out.Custom = slices.Clone(after(a.custom, &cur.custom))
	for _, pv := range after(a.previews, &cur.previews) {
		pv.Articles = cloneArticles(pv.Articles)
		out.Previews = append(out.Previews, pv)
	}
	for _, tm := range after(a.template, &cur.templates) {
		tm.Data = maps.Clone(tm.Data)
		out.Templates = append(out.Templates, tm)
	}
	for _, j := range after(a.jobs, &cur.jobs) {
		c := *j
		c.ToUser, c.Skipped = slices.Clone(j.ToUser), slices.Clone(j.Skipped)
		c.Articles = cloneArticles(j.Articles)
		out.Jobs = append(out.Jobs, c)
	}
	return out, cur
}

// after returns the records past *seen and moves *seen to the end.
func after[T any](all []T, seen *int) []T {
	if *seen > len(all) {
		*seen = len(all)
	}
	out := all[*seen:]
	*seen = len(all)
	return out
}
