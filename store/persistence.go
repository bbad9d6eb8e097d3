package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Persistence is what one Redis master keeps on disk, as it reports it.
type Persistence struct {
	Addr string
	// AOF is on: every write is appended to a file (appendonly yes).
	AOF bool
	// RDB snapshots are configured (a non-empty save), or were seen
	// being taken when CONFIG is refused.
	RDB bool
	// RDBKnown is false when the server refuses CONFIG GET (managed
	// services often do) and INFO showed no snapshot since it started:
	// then RDB may still be configured.
	RDBKnown bool
}

// Lossy reports whether a restart of this server, as far as it says,
// loses everything: neither AOF nor RDB is on.
func (p Persistence) Lossy() bool { return !p.AOF && !p.RDB }

// Persistence reads each master's persistence settings: INFO persistence
// for AOF, CONFIG GET save for RDB snapshots (INFO's snapshot counters
// when CONFIG is refused). A Cluster reports one entry per master.
func (s *Store) Persistence(ctx context.Context) ([]Persistence, error) {
	var (
		mu  sync.Mutex // ForEachMaster calls read concurrently
		out []Persistence
	)
	read := func(ctx context.Context, c *redis.Client) error {
		p, err := nodePersistence(ctx, c)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		out = append(out, p)
		return nil
	}
	var err error
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, read)
	case *redis.Client:
		err = read(ctx, c)
	default:
		return nil, fmt.Errorf("store: persistence: unsupported client %T", s.rdb)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func nodePersistence(ctx context.Context, c *redis.Client) (Persistence, error) {
	p := Persistence{Addr: c.Options().Addr}
	info, err := c.Info(ctx, "persistence").Result()
	if err != nil {
		return p, fmt.Errorf("store: INFO persistence on %s: %w", p.Addr, err)
	}
	f := infoFields(info)
	p.AOF = f["aof_enabled"] == "1"
	if save, err := c.ConfigGet(ctx, "save").Result(); err == nil {
		p.RDB, p.RDBKnown = strings.TrimSpace(save["save"]) != "", true
		return p, nil
	}
	// CONFIG is refused: a snapshot taken or under way since the server
	// started shows that RDB is in use; none proves nothing.
	saves, _ := strconv.Atoi(f["rdb_saves"])
	p.RDB = saves > 0 || f["rdb_bgsave_in_progress"] == "1"
	p.RDBKnown = p.RDB
	return p, nil
}

// infoFields parses INFO's "name:value" lines.
func infoFields(info string) map[string]string {
	f := map[string]string{}
	for _, line := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			f[k] = v
		}
	}
	return f
}
