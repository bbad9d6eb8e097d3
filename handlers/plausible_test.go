package handlers_test

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// postXML signs a plaintext callback as c would, with body as the XML,
// and returns the status and answer.
func postXML(t *testing.T, c *wxsim.Client, body string) (int, string) {
	t.Helper()
	req, err := c.BuildRequest(context.Background(), wxsim.Text("oPlaceholder", "x", 1))
	if err != nil {
		t.Fatal(err)
	}
	setBody(req, body)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestFutureCreateTimeNotRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	c := e.client(wxsim.ModeSafe)
	ctx := context.Background()
	const who = "oFollower_future-1"
	ahead := wxsim.Subscribe(who, "")
	ahead.CreateTime = time.Now().AddDate(10, 0, 0).Unix()
	res, err := c.Send(ctx, ahead)
	if err != nil || !res.IsSuccess() {
		t.Fatalf("subscribe dated ten years ahead: %v %+v, want success", err, res)
	}
	if res, err := c.Send(ctx, wxsim.Unsubscribe(who)); err != nil || !res.IsSuccess() {
		t.Fatalf("unsubscribe: %v %+v", err, res)
	}
	p, err := e.followers.Profile(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subscribed || p.Counts()["subscribe"] != 0 {
		t.Fatalf("after a subscribe dated ahead and an unsubscribe: subscribed %v, subscribes %d; want neither",
			p.Subscribed, p.Counts()["subscribe"])
	}
	if got := e.counter("wxcast_callback_ignored_total", "reason", "future_create_time"); got != 1 {
		t.Errorf("ignored{future_create_time} = %v, want 1", got)
	}

	// Within the tolerance ahead, and any time in the past, is recorded.
	for _, at := range []time.Time{time.Now().Add(4 * time.Minute), time.Now().AddDate(-1, 0, 0)} {
		m := wxsim.Click(who, "MENU_"+at.Format("2006"))
		m.CreateTime = at.Unix()
		if res, err := c.Send(ctx, m); err != nil || !res.IsSuccess() {
			t.Fatalf("click at %s: %v %+v", at, err, res)
		}
	}
	if p, _ := e.followers.Profile(ctx, who); p.Counts()["click"] != 2 {
		t.Errorf("clicks %d, want 2", p.Counts()["click"])
	}
}

func TestImplausibleCoordinatesNotRecorded(t *testing.T) {
	t.Parallel()
	const who = "oFollower_coords-1"
	report := func(lat, lng, precision float64) wxsim.Message { return wxsim.LocationReport(who, lat, lng, precision) }
	shared := func(x, y float64) wxsim.Message { return wxsim.Location(who, x, y, "somewhere", 424242) }
	cases := []struct {
		name    string
		msg     wxsim.Message
		replace [2]string // in the XML, for what wxsim cannot write
	}{
		{name: "report latitude NaN", msg: report(math.NaN(), 121.47, 65)},
		{name: "report latitude +Inf", msg: report(math.Inf(1), 121.47, 65)},
		{name: "report latitude 1e308", msg: report(1e308, 121.47, 65)},
		{name: "report latitude 90.5", msg: report(90.5, 121.47, 65)},
		{name: "report longitude -Inf", msg: report(31.23, math.Inf(-1), 65)},
		{name: "report longitude 180.5", msg: report(31.23, 180.5, 65)},
		{name: "report precision NaN", msg: report(31.23, 121.47, math.NaN())},
		{name: "report precision 1e308", msg: report(31.23, 121.47, 1e308)},
		{name: "report precision negative", msg: report(31.23, 121.47, -1)},
		{name: "message Location_X NaN", msg: shared(math.NaN(), 116.4)},
		{name: "message Location_X -1e308", msg: shared(-1e308, 116.4)},
		{name: "message Location_Y +Inf", msg: shared(39.9, math.Inf(1))},
		{name: "message Location_Y 1e308", msg: shared(39.9, 1e308)},
		{name: "message Scale Inf", msg: shared(39.9, 116.4), replace: [2]string{"<Scale>20</Scale>", "<Scale>Inf</Scale>"}},
		{name: "message Scale NaN", msg: shared(39.9, 116.4), replace: [2]string{"<Scale>20</Scale>", "<Scale>NaN</Scale>"}},
	}
	edgesRecorded(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{})
			c := e.client(wxsim.ModePlain)
			body := string(c.XML(tc.msg))
			if tc.replace[0] != "" {
				if !strings.Contains(body, tc.replace[0]) {
					t.Fatalf("no %s in %s", tc.replace[0], body)
				}
				body = strings.Replace(body, tc.replace[0], tc.replace[1], 1)
			}
			status, answer := postXML(t, c, body)
			if status != http.StatusOK || answer != "success" {
				t.Fatalf("answer %d %q, want 200 success", status, answer)
			}
			if n := e.keyCount(); n != 0 {
				t.Fatalf("wrote %d keys, want none", n)
			}
			if got := e.counter("wxcast_callback_ignored_total", "reason", "bad_coordinates"); got != 1 {
				t.Errorf("ignored{bad_coordinates} = %v, want 1", got)
			}
		})
	}
}

// edgesRecorded checks that coordinates on the bounds are still recorded.
func edgesRecorded(t *testing.T) {
	t.Helper()
	e := newEnv(t, envOpts{})
	c := e.client(wxsim.ModePlain)
	const who = "oFollower_coords-2"
	for _, m := range []wxsim.Message{
		wxsim.LocationReport(who, 90, -180, 0),
		wxsim.Location(who, -90, 180, "edge", 424243),
	} {
		if res, err := c.Send(context.Background(), m); err != nil || !res.IsSuccess() {
			t.Fatalf("%s at the edges: %v %+v", m.MsgType, err, res)
		}
	}
	p, err := e.followers.Profile(context.Background(), who)
	if err != nil {
		t.Fatal(err)
	}
	if p.Location == nil || p.Location.Lat != -90 || p.Location.Lng != 180 {
		t.Fatalf("location at the edges %+v", p.Location)
	}
}
