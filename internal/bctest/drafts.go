package bctest

import (
	"github.com/wxcast/wxcast/internal/wxsim"
)

// NewsDraft puts a one-article news draft into the account's draft box,
// as an editor saving it in the console, and returns its media_id: what an
// mpnews broadcast names now that permanent news is gone. The article has
// a cover, so its words pass media/uploadnews.
func (w *World) NewsDraft(title, digest, content string) string {
	return w.Sim.AddDraft(w.AppID, wxsim.DraftArticle{Title: title, Digest: digest, Content: content})
}

// EditDraft changes article index of the draft mediaID as an editor in the
// console does: nothing tells wxcast. The test fails if the draft is not
// in the box (deleted, or gone with its first mass send).
func (w *World) EditDraft(mediaID string, index int, edit func(*wxsim.DraftArticle)) {
	w.T.Helper()
	if err := w.Sim.EditDraft(w.AppID, mediaID, index, edit); err != nil {
		w.T.Fatal(err)
	}
}
