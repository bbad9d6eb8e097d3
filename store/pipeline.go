package store

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// evalEach runs script n times through one pipeline, call i with the keys
// and arguments args(i) gives, and returns the commands in order; the
// error is the first any call met. EVALSHA in a pipeline cannot fall back
// to EVAL the way Script.Run does alone, so the calls a server refused
// with NOSCRIPT (restarted, or a cluster node that never saw the script)
// run once more after the script is loaded: only those, so a caller may
// count what the others did.
func (s *Store) evalEach(ctx context.Context, script *redis.Script, n int, args func(i int) ([]string, []any)) ([]*redis.Cmd, error) {
	cmds := make([]*redis.Cmd, n)
	todo := make([]int, n)
	for i := range todo {
		todo[i] = i
	}
	for round := 0; len(todo) > 0; round++ {
		pipe := s.rdb.Pipeline()
		for _, i := range todo {
			keys, argv := args(i)
			cmds[i] = script.EvalSha(ctx, pipe, keys, argv...)
		}
		_, _ = pipe.Exec(ctx) // errors are read per command below
		var again []int
		for _, i := range todo {
			if round == 0 && redis.HasErrorPrefix(cmds[i].Err(), "NOSCRIPT") {
				again = append(again, i)
			}
		}
		if len(again) > 0 {
			if err := script.Load(ctx, s.rdb).Err(); err != nil {
				return nil, err
			}
		}
		todo = again
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return cmds, err
		}
	}
	return cmds, nil
}
