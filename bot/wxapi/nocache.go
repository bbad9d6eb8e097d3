package wxapi

import "time"

// noCache satisfies the SDK's cache parameter for the stable-token handle,
// whose own caching is bypassed: wxcast caches the token in Redis itself.
type noCache struct{}

func (noCache) Get(string) interface{}                       { return nil }
func (noCache) Set(string, interface{}, time.Duration) error { return nil }
func (noCache) IsExist(string) bool                          { return false }
func (noCache) Delete(string) error                          { return nil }
