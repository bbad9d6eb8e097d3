package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/wxcast/wxcast/internal/wxsim"
)

// maxAnswer caps how much of an answer is read; wxcast's answers to the
// generated callbacks are "success" or a short passive reply.
const maxAnswer = 1 << 20

// conn is one worker's kept-alive connection to the server. The worker
// writes a request and reads the answer in its own goroutine, as wrk-style
// tools do. net/http's Transport would hand every request to two goroutines
// of its own (a write loop and a read loop per connection); on a 2-core
// machine shared with the server and Redis, those hand-offs are CPU the
// generator takes from the server it is measuring.
type conn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

func newConn(addr string) *conn { return &conn{addr: addr} }

// do sends req and reads the whole answer within callbackTimeout, as
// WeChat does. On any error the connection is closed and redialled by the
// next call.
func (k *conn) do(req *http.Request) (*wxsim.Response, error) {
	if k.c == nil {
		c, err := net.DialTimeout("tcp", k.addr, callbackTimeout)
		if err != nil {
			return nil, fmt.Errorf("dial: %w", err)
		}
		k.c, k.br, k.bw = c, bufio.NewReaderSize(c, 4096), bufio.NewWriterSize(c, 4096)
	}
	r, err := k.roundTrip(req)
	if err != nil {
		k.close()
		return nil, err
	}
	return r, nil
}

func (k *conn) roundTrip(req *http.Request) (*wxsim.Response, error) {
	if err := k.c.SetDeadline(time.Now().Add(callbackTimeout)); err != nil {
		return nil, err
	}
	if err := req.Write(k.bw); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := k.bw.Flush(); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	resp, err := http.ReadResponse(k.br, req)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if resp.Close {
		k.close()
	}
	return &wxsim.Response{Status: resp.StatusCode, Raw: raw, Plain: raw}, nil
}

func (k *conn) close() {
	if k.c != nil {
		_ = k.c.Close()
		k.c = nil
	}
}
