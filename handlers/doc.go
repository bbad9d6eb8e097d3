// Package handlers is wxcast's HTTP surface: the WeChat callback endpoint
// (URL verification, signature and AES checks, decoding, passive replies),
// the attributes API, health checks and metrics. It is the only package
// that speaks HTTP.
//
// It holds HTTP only: what a callback or an API call does is decided in
// package bot and below (bot/attrs for the attributes API). It must not
// import package store.
package handlers
