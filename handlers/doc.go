// Package handlers is wxcast's HTTP surface: the WeChat callback endpoint
// (URL verification, signature and AES checks, decoding, passive replies),
// health checks and metrics. It is the only package that speaks HTTP.
package handlers
