package demo

import (
	"net/http"
	"time"
)

// Refusal is a file wxcast refused to load and still holds: the page
// shows it in a banner until a good version loads.
type Refusal struct {
	What     string    `json:"what"`    // what the file is, as the page says it: "规则文件"
	File     string    `json:"file"`    // the file or directory
	Version  string    `json:"version"` // the refused version
	Live     string    `json:"live"`    // the version that stays live
	At       time.Time `json:"at"`
	Problems []string  `json:"problems"` // one a line: file:line:col: message
}

// status is what GET /api/status answers: how to reach the demo's data
// from the command line, and the refused files.
type status struct {
	CLI     []string  `json:"cli"`
	Refused []Refusal `json:"refused"`
}

func (d *Demo) handleStatus(w http.ResponseWriter, _ *http.Request) {
	s := status{CLI: d.o.CLI, Refused: []Refusal{}}
	if s.CLI == nil {
		s.CLI = []string{}
	}
	if d.o.Refusals != nil {
		s.Refused = append(s.Refused, d.o.Refusals()...)
	}
	writeJSON(w, http.StatusOK, s)
}

// FirstFollower is the openid of 粉丝0001, the first simulated follower
// of a demo with this seed, whatever the number of followers.
func FirstFollower(seed uint64) string { return newCrowd(1, seed)[0].openid }
