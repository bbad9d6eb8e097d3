package configs

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wxcast/wxcast/internal/openid"
)

// checkAdmins checks every admin, lower-cases their roles, and checks that
// enough of them can approve for broadcast.approvals_required. Problems are
// keyed by the admin's index, e.g. "admins[1].roles".
func (c *Config) checkAdmins() []check {
	var checks []check
	first := make(map[string]int) // openid -> index of the first admin with it
	approvers := 0
	for i := range c.Admins {
		a := &c.Admins[i]
		for j, r := range a.Roles {
			a.Roles[j] = strings.ToLower(r)
		}
		key := fmt.Sprintf("admins[%d]", i)
		openIDErr := checkAdminOpenID(a.OpenID)
		if j, dup := first[a.OpenID]; dup && openIDErr == nil {
			openIDErr = fmt.Errorf("%q is already the openid of admins[%d]", a.OpenID, j)
		} else if !dup {
			first[a.OpenID] = i
			if slices.Contains(a.Roles, "approver") || slices.Contains(a.Roles, "owner") {
				approvers++
			}
		}
		checks = append(checks,
			check{key + ".openid", openIDErr},
			check{key + ".name", checkAdminName(a.Name)},
			check{key + ".roles", checkRoles(a.Roles)},
		)
	}
	return append(checks, check{"broadcast.approvals_required", c.checkApprovers(approvers)})
}

// checkAdminOpenID accepts what the bot accepts from any sender, worded
// for the admins list: the message says how to find the right value.
func checkAdminOpenID(s string) error {
	err := openid.Check(s)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, openid.ErrEmpty):
		return errors.New("must not be empty: `wxcast admins add` finds the admin's openid")
	case errors.Is(err, openid.ErrTooLong):
		return fmt.Errorf("must be at most %d characters, got %d", openid.Max, len(s))
	}
	return fmt.Errorf("must contain only [A-Za-z0-9_-], got %q", s)
}

func checkAdminName(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return errors.New("must not be empty: it is shown in replies and the audit log")
	case n > 32:
		return fmt.Errorf("must be at most 32 characters, got %d", n)
	}
	return nil
}

// checkRoles wants one or more known roles, each once; roles are already
// lower-cased.
func checkRoles(roles []string) error {
	if len(roles) == 0 {
		return errors.New("must list at least one of editor, approver and owner")
	}
	for i, r := range roles {
		switch {
		case r != "editor" && r != "approver" && r != "owner":
			return fmt.Errorf("unknown role %q, want editor, approver or owner", r)
		case slices.Contains(roles[:i], r):
			return fmt.Errorf("lists %q twice", r)
		}
	}
	return nil
}

// checkApprovers refuses an approval rule that no broadcast could meet. No
// admins means the admin bot is off, so nothing needs approving; a value
// out of range is reported by its own check.
func (c *Config) checkApprovers(approvers int) error {
	n := c.Broadcast.ApprovalsRequired
	if len(c.Admins) == 0 || n < 1 || n > 5 || n <= approvers {
		return nil
	}
	noun := "admins"
	if approvers == 1 {
		noun = "admin"
	}
	return fmt.Errorf("is %d, but only %d %s can approve (role approver or owner): no broadcast could ever be approved", n, approvers, noun)
}
