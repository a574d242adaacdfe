package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/pgrad/pgrad/web"
)

// shutdownGrace bounds how long a stopping server waits for requests in
// flight, such as a wasm download, before it closes their connections.
const shutdownGrace = 5 * time.Second

func init() {
	commands["serve"] = command{
		summary: "serve the interactive explainer: pgrad serve [-addr host:port]",
		run:     runServe,
	}
}

func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, stop, args, stdout, stderr)
}

// serve runs the server until ctx is done. It calls onStop, if not nil,
// once shutdown begins, so that a second Ctrl-C kills the process the usual
// way instead of waiting for the grace period.
func serve(ctx context.Context, onStop func(), args []string, stdout, stderr io.Writer) int {
	fl := newFlagSet("pgrad serve", "[-addr host:port]",
		"Serves the policy-gradient explainer, with its WebAssembly engine, from this binary.\nStop it with Ctrl-C.")
	addr := fl.String("addr", "127.0.0.1:8080", "the `host:port` to listen on; port 0 picks a free one")
	if status, ok := parseFlags(fl, args, stdout, stderr); !ok {
		return status
	}
	if err := checkAddr(*addr); err != nil {
		fmt.Fprintf(stderr, "pgrad serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "pgrad serve: cannot listen on %s: %v\n", *addr, listenCause(err))
		return 1
	}
	if !web.WasmBuilt() {
		fmt.Fprintf(stderr, "pgrad: warning: this binary has no WebAssembly engine embedded; the page will only say how to build it. Run 'make run', or 'go generate ./web/...' before 'go run ./cmd/pgrad serve'.\n")
	}
	srv := &http.Server{
		Handler:           web.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(stderr, "pgrad serve: ", 0),
	}
	fmt.Fprintf(stdout, "pgrad: serving the explainer at %s\n", pageURL(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		// Serve returns before any shutdown only when accepting fails.
		fmt.Fprintf(stderr, "pgrad serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	if onStop != nil {
		onStop()
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	status := 0
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "pgrad serve: requests still running after %v were cut off: %v\n", shutdownGrace, err)
		srv.Close()
		status = 1
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "pgrad serve: %v\n", err)
		status = 1
	}
	fmt.Fprintln(stderr, "pgrad: server stopped")
	return status
}

// checkAddr rejects addresses that no host could listen on, so that a typo
// is reported as bad usage rather than as a run-time failure.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if _, nerr := strconv.Atoi(addr); err != nil && nerr == nil {
		return fmt.Errorf("malformed -addr %q: a port alone needs a colon, as in 127.0.0.1:%s (this machine only) or :%s (every interface)", addr, addr, addr)
	}
	if err != nil {
		return fmt.Errorf("malformed -addr %q: want host:port, such as 127.0.0.1:8080, :8080 or [::1]:8080", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("malformed -addr %q: port %q is not a number from 0 to 65535", addr, port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("malformed -addr %q: %q is neither an IP address nor a host name", addr, host)
	}
	return nil
}

// validHostname reports whether h has the syntax of a DNS name: dot-separated
// labels of letters, digits and inner hyphens.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if label == 0 || h[i-1] == '-' {
				return false
			}
			label = 0
			continue
		case c == '-':
			if label == 0 {
				return false
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			return false
		}
		label++
		if label > 63 {
			return false
		}
	}
	return label > 0 && h[len(h)-1] != '-'
}

// listenCause strips net.OpError's repetition of the address, leaving the
// cause ("address already in use").
func listenCause(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// pageURL returns the URL a browser on this machine opens for a listener
// bound to a. An unspecified host (":8080", "0.0.0.0") listens on every
// interface, and "localhost" reaches it.
func pageURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := "localhost"
	if !tcp.IP.IsUnspecified() {
		host = tcp.IP.String()
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}
