package redisconn

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wxcast/wxcast/configs"
)

// TestOpenEmbedded checks the empty redis.url: a working store on an
// embedded server, the warning operators rely on, and a closeAll that
// stops the server too.
func TestOpenEmbedded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	core, logs := observer.New(zap.WarnLevel)
	st, closeAll, err := Open(ctx, configs.RedisConfig{KeyPrefix: "embedded:"}, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Redis().Set(ctx, "embedded:k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	warned := logs.FilterMessage("redis.url is empty: using the embedded in-memory store; all data is lost when wxcast exits").All()
	if len(warned) != 1 {
		t.Fatalf("warnings: %v", logs.All())
	}
	addr, _ := warned[0].ContextMap()["addr"].(string)
	if addr == "" {
		t.Fatalf("the warning names no addr: %v", warned[0].ContextMap())
	}
	if err := closeAll(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.Close()
		t.Fatalf("the embedded server at %q still listens after closeAll", addr)
	}
}
