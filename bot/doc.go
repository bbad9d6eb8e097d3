// Package bot decides what wxcast does with each message or event WeChat
// delivers (handle.go): it turns the callback into a profile update, makes
// sure a retried delivery changes nothing and gets the first delivery's
// answer (dedup.go), runs the tag and reply rules on the updated profile
// (rules.go), hands an admin's text to the admin bot and WeChat's job
// reports and unsubscribes to the broadcasts' results (admin_route.go).
//
// The packages under bot hold the rest of wxcast's domain: bot/broadcast
// and around it bot/sender, bot/notify, bot/results, bot/caps, bot/audit
// and bot/admin for broadcasts; bot/segment, bot/attrs, bot/attrimport and
// bot/usersync for followers; bot/wxapi, the one adapter to WeChat's API.
//
// bot knows nothing about HTTP or XML: handlers decode callbacks into a
// Message and render the Reply. No package under bot imports handlers or
// cmd, or the simulator and the demo under internal.
package bot
