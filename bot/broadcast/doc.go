// Package broadcast owns the broadcast record and its lifecycle: the
// record's types and how it is stored (Records: a JSON document per
// broadcast, every write a compare and set, with a schema version), and
// the admins' commands that move it along (Service): create, preview
// (which freezes a plan), approve, reject, edit, schedule or send, pause,
// resume, cancel and retract.
//
// A broadcast moves draft → planned → approved → (scheduled →) sending →
// sent | partially_failed, or leaves by rejected, cancelled or retracted;
// a guardrail or an owner may pause it while it sends. Approval binds to
// the frozen plan: any change to content, segment or rules version voids
// it.
//
// Sending the batches is bot/sender's job, notices to admins bot/notify's,
// job reports, guardrails and A/B results bot/results', frequency caps
// bot/caps'. The sender, notify and results build on this package and it
// imports none of them, nor bot/admin, handlers, cmd or anything under
// internal; it uses bot/caps, bot/segment (the audience) and bot/wxapi
// (previews and retractions).
package broadcast
