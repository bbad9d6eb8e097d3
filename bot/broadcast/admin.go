package broadcast

import "slices"

// Role is what an admin may do.
type Role string

// The roles. An owner may do everything.
const (
	RoleEditor   Role = "editor"   // create, preview, send and cancel their own broadcasts
	RoleApprover Role = "approver" // approve, reject, send approved broadcasts
	RoleOwner    Role = "owner"    // everything, including pause/resume, retract and audit
)

// Admin is a person allowed to run broadcasts.
type Admin struct {
	OpenID string
	Name   string
	Roles  []Role
}

// Has reports whether a holds role r; owners hold every role.
func (a Admin) Has(r Role) bool {
	return slices.Contains(a.Roles, r) || slices.Contains(a.Roles, RoleOwner)
}
