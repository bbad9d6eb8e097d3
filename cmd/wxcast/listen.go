package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// listenError explains why a listener could not bind addr; change says
// how to choose another address ("--listen"). An address in use is most
// often another wxcast: a demo left running holds its page's port, a
// serve its listen address.
func listenError(addr string, err error, change string) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is already in use, perhaps by another wxcast (demo, serve or sim) still running: stop it, or choose another address with %s", addr, change)
	}
	return fmt.Errorf("cannot listen on %s: %w (choose another address with %s)", addr, err, change)
}

// bindFailure is listenError for an error from listenAndServe, when it is
// the listener's; other errors are returned as they are.
func bindFailure(err error, addr, change string) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "listen" {
		return listenError(addr, op, change)
	}
	return err
}

// checkAddr refuses a --listen that is not host:port.
func checkAddr(flag, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		return usagef("%s %q: want host:port, e.g. 127.0.0.1:8080 or :8080", flag, addr)
	}
	return nil
}
