// Package wxapi is wxcast's client for the WeChat API: the SDK's
// official-account client, pointed at the configured API base URL, with
// one access token shared by every replica through Redis, and one retry
// after WeChat says the token is stale.
package wxapi
