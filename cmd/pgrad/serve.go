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
		summary: "serve the interactive explainer: pgrad serve [-addr ip:port]",
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
		"Serves the policy-gradient explainer, with its WebAssembly engine, from this binary.\nA client gets 10 s for its headers, 30 s for a request and 60 s to read a response;\nat most 1,024 connections are open at once; request bodies are never read (405/413).\nStop it with Ctrl-C.")
	addr := fl.String("addr", "127.0.0.1:8080", "the `host:port` to listen on: host an IP address or localhost (no name is looked up); 127.0.0.1 is this machine only, 0.0.0.0 or an empty host every interface (with a warning); port 0 picks a free one")
	if status, ok := parseFlags(fl, args, stdout, stderr); !ok {
		return status
	}
	if err := checkAddr(*addr); err != nil {
		fmt.Fprintf(stderr, "pgrad serve: %v\n", err)
		return 2
	}
	listenAddr := *addr
	if host, port, _ := net.SplitHostPort(listenAddr); host == "localhost" {
		// localhost is this machine's loopback: no resolver is asked.
		listenAddr = net.JoinHostPort("127.0.0.1", port)
	}
	ln, err := net.Listen("tcp", listenAddr)
	if err != nil {
		fmt.Fprintf(stderr, "pgrad serve: cannot listen on %s: %v\n", *addr, listenCause(err))
		return 1
	}
	if !web.WasmBuilt() {
		fmt.Fprintf(stderr, "pgrad: warning: this binary has no WebAssembly engine embedded; the page will only say how to build it. Run 'make run', or 'go generate ./web/...' before 'go run ./cmd/pgrad serve'.\n")
	}
	srv := web.NewServer(web.Handler(), serveLimits, log.New(stderr, "pgrad serve: ", 0))
	scope, public := listenScope(ln.Addr())
	fmt.Fprintf(stdout, "pgrad: serving the explainer at %s\n", pageURL(ln.Addr()))
	fmt.Fprintf(stdout, "pgrad: listening on %s: %s\n", ln.Addr(), scope)
	if public {
		fmt.Fprintf(stderr, "pgrad serve: warning: listening on %s, so other machines that can reach it can open the page; use -addr 127.0.0.1:PORT for this machine only\n", ln.Addr())
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(web.LimitListener(ln, serveLimits.MaxConns)) }()
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

// serveLimits are the server's timeouts and caps (tests shorten them).
var serveLimits = web.DefaultLimits

// listenScope says who can reach a listener bound to a, and whether that
// is more than this machine.
func listenScope(a net.Addr) (scope string, public bool) {
	tcp, ok := a.(*net.TCPAddr)
	switch {
	case !ok:
		return "address " + a.String(), true
	case tcp.IP.IsLoopback():
		return "this machine only", false
	case tcp.IP.IsUnspecified():
		return "every network interface of this machine", true
	}
	return "the network interface with address " + tcp.IP.String(), true
}

// checkAddr rejects addresses that no host could listen on, so that a typo
// is reported as bad usage rather than as a run-time failure. The host
// must be an IP address or "localhost": no name is looked up, so that
// -addr never depends on DNS (and 999.1.1.1 is refused, not resolved).
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
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return fmt.Errorf("bad -addr %q: %s is not an IP address or localhost (host names are not looked up; use 127.0.0.1 for this machine, 0.0.0.0 for every interface)", addr, quoteHost(host))
	}
	return nil
}

// quoteHost quotes the user's host, at most 64 bytes of it.
func quoteHost(h string) string {
	if len(h) > 64 {
		return strconv.Quote(h[:64]) + "…"
	}
	return strconv.Quote(h)
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
