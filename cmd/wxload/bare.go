package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// bareMaxBody matches wxcast's default callback.max_body_bytes.
const bareMaxBody = 64 << 10

// cmdBare serves the baseline handler until interrupted or --duration
// has passed.
func cmdBare(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on")
	token := fs.String("token", os.Getenv("WXCAST_WECHAT_TOKEN"), "callback Token (default $WXCAST_WECHAT_TOKEN)")
	path := fs.String("path", "/wechat", "callback path")
	duration := fs.Duration("duration", 0, "stop after this long; 0 runs until interrupted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		return errors.New("bare: --token is required")
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+*path, bareHandler(*token))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("bare: listen: %w", err)
	}
	fmt.Fprintf(stderr, "wxload bare: listening on http://%s%s\n", ln.Addr(), *path)
	return serveUntil(ctx, ln, newBareServer(mux, stderr))
}

// newBareServer has the timeouts of cmd/wxcast's server, so the baseline
// differs from wxcast only by what the handler does.
func newBareServer(h http.Handler, stderr io.Writer) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(stderr, "wxload bare: ", 0),
	}
}

// bareHandler only verifies the callback signature, as wxcast does first,
// and answers "success". It reads the body (which any real handler must
// take off the wire) but does not look at it.
func bareHandler(token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		want := util.Signature(token, q.Get("timestamp"), q.Get("nonce"))
		if subtle.ConstantTimeCompare([]byte(q.Get("signature")), []byte(want)) != 1 {
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, bareMaxBody)); err != nil {
			http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
	})
}

// serveUntil serves on ln until ctx ends, then shuts down gracefully.
func serveUntil(ctx context.Context, ln net.Listener, hs *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
