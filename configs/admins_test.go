package configs

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func admin(openid, name string, roles ...string) Admin {
	return Admin{OpenID: openid, Name: name, Roles: roles}
}

func TestValidateAdmins(t *testing.T) {
	owner := admin("oOwner1", "Li", "owner")
	tests := []struct {
		name      string
		admins    []Admin
		approvals int // broadcast.approvals_required; 0 keeps the default
		want      string
	}{
		{"none", nil, 0, ""},
		{"one owner", []Admin{owner}, 0, ""},
		{"every role", []Admin{admin("o_A-1", "Wang", "editor", "approver", "owner")}, 0, ""},
		{"upper-case role", []Admin{admin("o1", "Li", "Owner")}, 0, ""},
		{"openid empty", []Admin{owner, admin("", "Li", "editor")}, 0, "admins[1].openid: must not be empty"},
		{"openid space", []Admin{admin("o 1", "Li", "owner")}, 0, `admins[0].openid: must contain only [A-Za-z0-9_-], got "o 1"`},
		{"openid symbol", []Admin{admin("o1@x", "Li", "owner")}, 0, "admins[0].openid: must contain only"},
		{"openid non-ASCII", []Admin{admin("o李", "Li", "owner")}, 0, "admins[0].openid: must contain only"},
		{"openid 64", []Admin{admin(strings.Repeat("o", 64), "Li", "owner")}, 0, ""},
		{"openid 65", []Admin{admin(strings.Repeat("o", 65), "Li", "owner")}, 0, "admins[0].openid: must be at most 64 characters, got 65"},
		{"openid twice", []Admin{owner, admin("oEd", "Wang", "editor"), admin("oOwner1", "Zhang", "approver")}, 0,
			`admins[2].openid: "oOwner1" is already the openid of admins[0]`},
		{"name empty", []Admin{admin("o1", "", "owner")}, 0, "admins[0].name: must not be empty"},
		{"name blank", []Admin{admin("o1", "  ", "owner")}, 0, "admins[0].name: must not be empty"},
		{"name 32 runes", []Admin{admin("o1", strings.Repeat("李", 32), "owner")}, 0, ""},
		{"name 33 runes", []Admin{admin("o1", strings.Repeat("李", 33), "owner")}, 0, "admins[0].name: must be at most 32 characters, got 33"},
		{"roles empty", []Admin{admin("o1", "Li")}, 0, "admins[0].roles: must list at least one of editor, approver and owner"},
		{"role unknown", []Admin{owner, admin("o2", "Wang", "editor", "admin")}, 0,
			`admins[1].roles: unknown role "admin", want editor, approver or owner`},
		{"role twice", []Admin{admin("o1", "Li", "owner", "OWNER")}, 0, `admins[0].roles: lists "owner" twice`},
		{"approvals 2, two approvers", []Admin{owner, admin("o2", "Wang", "approver")}, 2, ""},
		{"approvals 2, one approver", []Admin{owner, admin("o2", "Wang", "editor")}, 2,
			"broadcast.approvals_required: is 2, but only 1 admin can approve (role approver or owner): no broadcast could ever be approved"},
		{"approvals 1, editors only", []Admin{admin("o1", "Li", "editor")}, 0,
			"broadcast.approvals_required: is 1, but only 0 admins can approve"},
		{"approvals 2, one approver twice", []Admin{owner, admin("oOwner1", "Li", "owner")}, 2, "only 1 admin can approve"},
		{"approvals 5, no admins", nil, 5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			c.Admins = tt.admins
			if tt.approvals != 0 {
				c.Broadcast.ApprovalsRequired = tt.approvals
			}
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			wantErrs(t, err, tt.want)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key == "" {
				t.Errorf("error is not a *FieldError with a key: %#v", err)
			}
		})
	}
}

func TestValidateLowerCasesBotKeys(t *testing.T) {
	c := validConfig()
	c.Bot.Language = "EN"
	c.Admins = []Admin{admin("o1", "Li", "Owner", "EDITOR")}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Bot.Language != "en" {
		t.Errorf("bot.language = %q, want en", c.Bot.Language)
	}
	if got := c.Admins[0].Roles; !slices.Equal(got, []string{"owner", "editor"}) {
		t.Errorf("roles = %q, want [owner editor]", got)
	}
}

func TestLoadAdminsAndBroadcast(t *testing.T) {
	path := writeYAML(t, `
admins:
  - openid: oOwner1
    name: Li
    roles: [Owner]
  - openid: oEd_2
    name: "王"
    roles:
      - editor
      - approver
bot:
  language: EN
  notify_template_id: tpl_1
  admins_as_followers: true
broadcast:
  allow_self_approval: true
  approvals_required: 2
  approval_ttl: 2h
  batch_interval: 0s
  alert_failure_rate: 0.1
  alert_unsubscribe_rate: 0.02
  monthly_cap: 0
  daily_cap: 1
  quiet_hours: "23:00-06:00"
  best_windows: ["06:30-07:00", "18:00-19:30"]
  measure_window: 12h
  tag_send_above: 200000
`)
	c, err := Load(path, requiredEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []Admin{admin("oOwner1", "Li", "owner"), admin("oEd_2", "王", "editor", "approver")}
	if !slices.EqualFunc(c.Admins, want, equalAdmin) {
		t.Errorf("admins = %+v, want %+v", c.Admins, want)
	}
	wantBot := BotConfig{Language: "en", NotifyTemplateID: "tpl_1", AdminsAsFollowers: true}
	if c.Bot != wantBot {
		t.Errorf("bot = %+v, want %+v", c.Bot, wantBot)
	}
	wantBroadcast := BroadcastConfig{AllowSelfApproval: true, ApprovalsRequired: 2,
		ApprovalTTL: Duration{2 * time.Hour}, BatchSize: 10000, AlertFailureRate: 0.1,
		AlertUnsubscribeRate: 0.02, DailyCap: 1, QuietHours: ClockRange{23 * 60, 6 * 60},
		BestWindows:   ClockRanges{{6*60 + 30, 7 * 60}, {18 * 60, 19*60 + 30}},
		MeasureWindow: Duration{12 * time.Hour}, TagSendAbove: 200000}
	if !reflect.DeepEqual(c.Broadcast, wantBroadcast) {
		t.Errorf("broadcast = %+v, want %+v", c.Broadcast, wantBroadcast)
	}
}

func equalAdmin(a, b Admin) bool {
	return a.OpenID == b.OpenID && a.Name == b.Name && slices.Equal(a.Roles, b.Roles)
}

func TestLoadAdminsFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"not a list", "admins: oOwner1\n", []string{`:1: admins: must be a list, got a single value`}},
		{"item not a mapping", "admins:\n  - oOwner1\n", []string{`:2: "admins[0]" must be a mapping of keys, got a single value`}},
		{"unknown item key", "admins:\n  - openid: o1\n    nmae: Li\n    roles: [owner]\n",
			[]string{`:3: unknown key "admins[0].nmae" (did you mean "admins[0].name"?)`}},
		{"duplicate item key", "admins:\n  - openid: o1\n    openid: o2\n", []string{`:3: duplicate key "admins[0].openid"`}},
		{"roles not a list", "admins:\n  - openid: o1\n    name: Li\n    roles: owner\n",
			[]string{`:4: admins[0].roles: must be a list, got a single value`}},
		{"role not a string", "admins:\n  - openid: o1\n    name: Li\n    roles: [[owner]]\n",
			[]string{`:4: admins[0].roles[0]: must be a single value, got a list`}},
		{"bad role names line", "admins:\n  - openid: o1\n    name: Li\n    roles: [owner]\n  - openid: o2\n    name: Wang\n    roles: [admin]\n",
			[]string{`wxcast.yaml:7: admins[1].roles: unknown role "admin"`}},
		{"missing roles names item line", "admins:\n  - openid: o1\n    name: Li\n    roles: [owner]\n  - openid: o2\n    name: Wang\n",
			[]string{`wxcast.yaml:5: admins[1].roles: must list at least one`}},
		{"duplicate openid names line", "admins:\n  - {openid: o1, name: Li, roles: [owner]}\n  - {openid: o1, name: Wang, roles: [editor]}\n",
			[]string{`wxcast.yaml:3: admins[1].openid: "o1" is already the openid of admins[0]`}},
		{"too few approvers names line", "admins:\n  - {openid: o1, name: Li, roles: [owner]}\nbroadcast:\n  approvals_required: 2\n",
			[]string{`wxcast.yaml:4: broadcast.approvals_required: is 2, but only 1 admin can approve`}},
		{"bad float", "broadcast:\n  alert_failure_rate: 5%\n", []string{`:2: broadcast.alert_failure_rate: not a number: "5%"`}},
		{"float out of range", "broadcast:\n  alert_failure_rate: 1.5\n",
			[]string{`wxcast.yaml:2: broadcast.alert_failure_rate: must be between 0 and 1, got 1.5`}},
		{"bad language", "bot:\n  language: fr\n", []string{`wxcast.yaml:2: bot.language: must be one of zh, en, got "fr"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeYAML(t, tt.content), requiredEnv())
			wantErrs(t, err, tt.want...)
		})
	}
}

func TestLoadAdminsFromEnv(t *testing.T) {
	path := writeYAML(t, "admins:\n  - {openid: oFile, name: File, roles: [editor]}\n")
	c, err := Load(path, requiredEnv(
		`WXCAST_ADMINS=[{"openid":"o1","name":"Li","roles":["OWNER"]},{"openid":"o2","name":"Wang","roles":["editor","approver"]}]`,
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []Admin{admin("o1", "Li", "owner"), admin("o2", "Wang", "editor", "approver")}
	if !slices.EqualFunc(c.Admins, want, equalAdmin) {
		t.Errorf("admins = %+v, want %+v", c.Admins, want)
	}
	for _, empty := range []string{"[]", "null"} {
		c, err := Load(path, requiredEnv("WXCAST_ADMINS="+empty))
		if err != nil {
			t.Fatalf("%s: %v", empty, err)
		}
		if len(c.Admins) != 0 {
			t.Errorf("%s: admins = %+v, want none", empty, c.Admins)
		}
	}
}

func TestLoadAdminsEnvErrors(t *testing.T) {
	// The file's admin is valid; the variable replaces the whole list, so
	// errors in it must name the variable, never the file's lines.
	path := writeYAML(t, "admins:\n  - {openid: oFile, name: File, roles: [owner]}\n  - {openid: oFile2, name: File2, roles: [owner]}\n")
	tests := []struct {
		name string
		env  string
		want []string
	}{
		{"not JSON", "WXCAST_ADMINS=o1,o2", []string{"admins: not a JSON list such as [{", "(from WXCAST_ADMINS)"}},
		{"empty", "WXCAST_ADMINS=", []string{"admins: not a JSON list", "(from WXCAST_ADMINS)"}},
		{"object", `WXCAST_ADMINS={"openid":"o1"}`, []string{"admins: not a JSON list", "(from WXCAST_ADMINS)"}},
		{"unknown field", `WXCAST_ADMINS=[{"openid":"o1","nmae":"Li","roles":["owner"]}]`,
			[]string{`admins: not a JSON list`, `unknown field "nmae"`, "(from WXCAST_ADMINS)"}},
		{"trailing data", `WXCAST_ADMINS=[{"openid":"o1","name":"Li","roles":["owner"]}] []`,
			[]string{"admins: not a JSON list", "data after the list", "(from WXCAST_ADMINS)"}},
		{"bad item", `WXCAST_ADMINS=[{"openid":"o1","name":"Li","roles":["owner"]},{"openid":"o2","name":"Wang","roles":["boss"]}]`,
			[]string{`admins[1].roles: unknown role "boss", want editor, approver or owner (from WXCAST_ADMINS)`}},
		{"missing name", `WXCAST_ADMINS=[{"openid":"o1","roles":["owner"]}]`,
			[]string{"admins[0].name: must not be empty", "(from WXCAST_ADMINS)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(path, requiredEnv(tt.env))
			wantErrs(t, err, tt.want...)
			if strings.Contains(err.Error(), "wxcast.yaml:") {
				t.Errorf("error points at the file the variable overrode:\n%v", err)
			}
		})
	}
}
