// Package wxapi is wxcast's one adapter to the WeChat API, as store is to
// Redis: nothing else in wxcast calls WeChat. It wraps the SDK's
// official-account client, pointed at the configured API base URL, with
// one access token shared by every replica through Redis and one retry
// after WeChat says the token is stale, and calls endpoints itself where
// the SDK falls short (mass send's clientmsgid, errcodes the SDK ignores).
//
// It speaks in WeChat's terms (Content, Article, APIError) and knows
// nothing of broadcasts or rules: it imports store (the token) and no
// other wxcast package.
package wxapi
