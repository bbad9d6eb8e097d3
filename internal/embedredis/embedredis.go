// Package embedredis runs the in-memory Redis that wxcast falls back to
// when redis.url is empty (the demo, a first try of serve) and that tests
// use when no real Redis is configured.
//
// It owns the embedded server and the clock that makes its TTLs run out;
// store never sees it, and only connects to its address like any other.
// It imports no wxcast package.
package embedredis

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Server is an in-memory Redis listening on 127.0.0.1, whose keys expire
// as time passes. Close stops it.
//
// It requires a password, random per start: the port is open to every
// user of the host, and without one anyone there could read followers or
// change a broadcast's state. Only the process that started it knows the
// password; keep it out of logs.
type Server struct {
	mini     *miniredis.Miniredis
	password string
	// stop ends the clock (see run); done closes when it has stopped.
	stop, done chan struct{}
}

// Start starts a server on a free port of 127.0.0.1.
func Start() (*Server, error) {
	var pw [16]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return nil, fmt.Errorf("embedredis: password: %w", err)
	}
	mini := miniredis.NewMiniRedis()
	password := hex.EncodeToString(pw[:])
	mini.RequireAuth(password)
	if err := mini.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedredis: start: %w", err)
	}
	s := &Server{mini: mini, password: password, stop: make(chan struct{}), done: make(chan struct{})}
	go s.run(time.Second)
	return s, nil
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.mini.Addr() }

// Password is what clients must AUTH with (as the default user).
func (s *Server) Password() string { return s.password }

// URL is the redis:// URL of the server's database 0, password included:
// a secret.
func (s *Server) URL() string {
	u := url.URL{Scheme: "redis", User: url.UserPassword("", s.password), Host: s.mini.Addr(), Path: "/0"}
	return u.String()
}

// run counts the server's TTLs down as time passes. The embedded server
// only expires keys when told how much time went by, so without this every
// dedup key, lease and expiring list would live until exit: a long-running
// demo would grow by about 2 KB a callback. Once a tick keeps the cost (a
// walk over every key) small.
func (s *Server) run(tick time.Duration) {
	defer close(s.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.mini.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Close stops the clock, then the server; clients still connected see
// their connections closed. Close the clients first.
func (s *Server) Close() {
	close(s.stop)
	<-s.done
	s.mini.Close()
}
