// Package configs holds wxcast's one typed configuration, its loader and
// its validation.
//
// A configuration is built in three steps, each overriding the previous:
//
//  1. [Default] gives every key its default value;
//  2. an optional YAML file (see wxcast.example.yaml) sets any subset of
//     keys; unknown keys are errors, reported with file, line and the full
//     dotted key;
//  3. environment variables named [EnvPrefix] + the dotted key upper-cased
//     with "." replaced by "_" (WXCAST_WECHAT_APP_SECRET for
//     wechat.app_secret) override single keys; a list key such as admins
//     takes its whole list as JSON (WXCAST_ADMINS). A WXCAST_ variable that
//     names no key is an error, except [EnvConfig].
//
// [Load] runs the three steps and then [Config.Validate], and reports every
// problem at once. Values of type [Secret] never print themselves, so a
// Config can be logged or dumped safely.
//
// docs/configuration.md is the reference for every key; its key table is
// generated from this package by TestConfigurationDoc.
//
// configs owns what the keys mean, including the grammar of redis.url
// ([ParseRedisURL]), but not what is built from them: the wiring (cmd,
// and internal/redisconn for redis.url) maps parsed values to each
// component's own options, such as a store.Conn, so that store need not
// import configs. configs itself imports no other wxcast package, only
// leaves under internal (yamlnode, openid) that import nothing of wxcast.
package configs
