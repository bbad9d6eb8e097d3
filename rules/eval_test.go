package rules

import (
	"strings"
	"sync"
	"testing"
)

// TestExampleRules runs the example file on a menu click, checking that
// its rules mean what their descriptions say.
func TestExampleRules(t *testing.T) {
	t.Parallel()
	o, now := shanghaiOptions(t)
	rs, err := Load("../configs/rules.example.yaml", o)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{
		User: User{
			OpenID: "oX1a2B3c4D5e6F7g8H9i0J", Subscribed: true, FirstSeen: now.AddDate(0, -3, 0),
			LastActive: now, ActiveDays7d: 3, ActiveDays30d: 9, Tags: []string{"vip"},
			Attrs: map[string]any{"vip_level": 4},
		},
		Event: Event{Type: "click", Key: "MENU_PROMO", Time: now},
	}
	e := NewEvaluator()
	var tags []string
	for _, r := range rs.Tags {
		if !r.Triggers(env.Event.Type) {
			continue
		}
		if ok, err := e.Eval(r.When, env); ok && err == nil {
			tags = append(tags, r.Name)
		}
	}
	want := "clicked_promo engaged vip"
	if got := strings.Join(tags, " "); got != want {
		t.Errorf("tags %q, want %q", got, want)
	}
	var reply string
	for _, r := range rs.Replies {
		if ok, _ := e.Eval(r.When, env); ok {
			reply = r.Name
			break
		}
	}
	if reply != "promo_menu" {
		t.Errorf("reply %q, want promo_menu", reply)
	}
}

// TestEvaluatorsInParallel shares one Ruleset between goroutines, each
// with its own Evaluator, as the server does; run with -race.
func TestEvaluatorsInParallel(t *testing.T) {
	t.Parallel()
	rs, err := Load("../configs/rules.example.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			e := NewEvaluator()
			env := &Env{User: User{Subscribed: g%2 == 0, Tags: []string{"vip"}, DaysSinceActive: g}}
			for range 200 {
				for _, s := range rs.Segments {
					if _, err := e.Eval(s.Rule, env); err != nil {
						t.Error(err)
						return
					}
				}
				e.Explain(rs.Segments[1].Rule, env)
			}
		})
	}
	wg.Wait()
}
