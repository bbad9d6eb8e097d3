// Package demo is wxcast's local sandbox: simulated followers act on a
// running wxcast through the simulated WeChat (internal/wxsim), and a web
// page shows it all as a person would see it in WeChat.
//
// The page is a view onto the production code paths, not a second
// implementation: everything typed in the page's chat is pushed to
// wxcast's real callback endpoint by the simulator's client, exactly as
// WeChat would push it, and every message the account sends back (passive
// replies, customer-service messages, previews, template notices and mass
// sends) is read from what wxcast sent to the simulator. Segment counts,
// broadcasts and profiles are read through the same services the admin
// bot uses.
//
// The package also serves the page of `wxcast sim` (SimPage), for sending
// callbacks by hand to a server under test. Only cmd and other packages
// under internal may import it.
package demo
