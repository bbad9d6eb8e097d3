// Package bot decides what wxcast does with each message or event WeChat
// delivers: it turns the callback into a profile update, makes sure a
// retried delivery changes nothing and gets the first delivery's answer,
// and asks the reply rules (when configured) what to answer.
//
// bot knows nothing about HTTP or XML: handlers decode callbacks into a
// Message and render the Reply.
package bot
