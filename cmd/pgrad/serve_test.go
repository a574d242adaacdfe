package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/pgrad/pgrad/web"
)

// lockedBuffer is a bytes.Buffer that the server's goroutines and the test
// may use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "foo"},
		{"-addr", "8080"},
		{"-addr", "127.0.0.1"},
		{"-addr", "127.0.0.1:"},
		{"-addr", ":"},
		{"-addr", ""},
		{"-addr", "127.0.0.1:http"},
		{"-addr", "127.0.0.1:-1"},
		{"-addr", ":65536"},
		{"-addr", "[::1:8080"},
		{"-addr", "::1:8080"},
		{"-addr", "bad host:8080"},
		{"-addr", "-leading.example:8080"},
		{"-addr", "a..b:8080"},
		{"-addr", "127.0.0.1:8080/x"},
		{"-addr", "999.1.1.1:8080"},
		{"-addr", "example.com:8080"},
		{"-addr", "my-host.example.org:1"},
		{"-addr", "256.0.0.1:80"},
		{"-addr", "1.2.3:80"},
		{"-nope"},
		{"extra"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"serve"}, args...), &stdout, &stderr)
		if code != 2 {
			t.Errorf("serve %q: exit %d, want 2", args, code)
		}
		if stdout.Len() != 0 {
			t.Errorf("serve %q: wrote %q to stdout", args, stdout.String())
		}
		msg := stderr.String()
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "pgrad serve: ") || strings.Contains(msg, "Usage") {
			t.Errorf("serve %q: stderr %q, want one line starting with %q", args, msg, "pgrad serve: ")
		}
	}
}

func TestCheckAddrAccepts(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", ":0", "localhost:80", "[::1]:0", "0.0.0.0:65535", "[::]:80", "192.168.1.7:80"} {
		if err := checkAddr(addr); err != nil {
			t.Errorf("checkAddr(%q) = %v, want nil", addr, err)
		}
	}
}

func TestServeHelp(t *testing.T) {
	for _, args := range [][]string{{"serve", "-h"}, {"serve", "--help"}, {"help", "serve"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 || stderr.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q; want 0 and nothing", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "-addr host:port") || !strings.Contains(stdout.String(), "(default 127.0.0.1:8080)") {
			t.Errorf("%q does not explain -addr and its default on stdout:\n%s", args, stdout.String())
		}
	}
}

func TestServePortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	code := serve(context.Background(), nil, []string{"-addr", ln.Addr().String()}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("serve on a taken port: exit %d, want 1", code)
	}
	if msg := stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "address already in use") {
		t.Errorf("serve on a taken port: stderr %q, want one line saying the address is in use", msg)
	}
	if stdout.Len() != 0 {
		t.Errorf("serve on a taken port printed %q", stdout.String())
	}
}

// TestServeAndShutdown starts the server on a free port, reads the URL it
// prints, fetches the page, and checks that cancelling the context makes
// serve return 0 after the server has stopped accepting.
func TestServeAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	stopped := make(chan struct{})
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, func() { close(stopped) }, []string{"-addr", "127.0.0.1:0"}, pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatalf("reading the URL line: %v (stderr %q)", err, stderr.String())
	}
	const prefix = "pgrad: serving the explainer at http://127.0.0.1:"
	if !strings.HasPrefix(line, prefix) || !strings.HasSuffix(line, "/\n") || strings.HasSuffix(line, ":0/\n") {
		t.Fatalf("first line %q, want %q followed by the bound port and /", line, prefix)
	}
	url := strings.TrimPrefix(strings.TrimSpace(line), "pgrad: serving the explainer at ")

	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := http.StatusOK
	if !web.WasmBuilt() {
		want = http.StatusServiceUnavailable // the build hint page
		if !strings.Contains(stderr.String(), "warning") || !strings.Contains(stderr.String(), "go generate ./web/...") {
			t.Errorf("without the wasm, stderr %q does not warn how to build it", stderr.String())
		}
	}
	if resp.StatusCode != want {
		t.Errorf("GET %s: status %d, want %d", url, resp.StatusCode, want)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s: no Content-Security-Policy; is web.Handler being served?", url)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve returned %d after cancel, want 0 (stderr %q)", code, stderr.String())
	}
	select {
	case <-stopped:
	default:
		t.Errorf("serve returned without calling onStop")
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("GET %s succeeded after serve returned", url)
	}
	if !strings.HasSuffix(stderr.String(), "pgrad: server stopped\n") {
		t.Errorf("stderr %q does not end with the stop message", stderr.String())
	}
}

func TestPageURL(t *testing.T) {
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 1234}, "http://[::1]:1234/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://localhost:80/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "http://localhost:80/"},
	} {
		if got := pageURL(tc.addr); got != tc.want {
			t.Errorf("pageURL(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestServeSignal runs pgrad serve in a child process (this test binary,
// re-executed) and checks that SIGINT and SIGTERM stop it cleanly.
func TestServeSignal(t *testing.T) {
	if os.Getenv("PGRAD_SERVE_CHILD") == "1" {
		os.Exit(run([]string{"serve", "-addr", "127.0.0.1:0"}, os.Stdout, os.Stderr))
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs Unix signals and subprocesses")
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestServeSignal$")
		cmd.Env = append(os.Environ(), "PGRAD_SERVE_CHILD=1")
		var stderr lockedBuffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("%v: reading the URL line: %v (stderr %q)", sig, err, stderr.String())
		}
		url := strings.TrimPrefix(strings.TrimSpace(line), "pgrad: serving the explainer at ")
		resp, err := http.Get(url)
		if err != nil {
			t.Errorf("%v: GET %s: %v", sig, url, err)
		} else {
			resp.Body.Close()
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v: pgrad serve exited with %v, want status 0 (stderr %q)", sig, err, stderr.String())
		}
		if !strings.HasSuffix(stderr.String(), "pgrad: server stopped\n") {
			t.Errorf("%v: stderr %q does not end with the stop message", sig, stderr.String())
		}
	}
}

// TestListenScope: what the server says of who can reach it.
func TestListenScope(t *testing.T) {
	for _, c := range []struct {
		ip     string
		scope  string
		public bool
	}{
		{"127.0.0.1", "this machine only", false},
		{"::1", "this machine only", false},
		{"0.0.0.0", "every network interface of this machine", true},
		{"::", "every network interface of this machine", true},
		{"192.168.1.7", "the network interface with address 192.168.1.7", true},
	} {
		scope, public := listenScope(&net.TCPAddr{IP: net.ParseIP(c.ip), Port: 80})
		if scope != c.scope || public != c.public {
			t.Errorf("%s: %q %v, want %q %v", c.ip, scope, public, c.scope, c.public)
		}
	}
}

// TestServeLocalhostScope: -addr localhost:0 listens on 127.0.0.1 without
// asking a resolver, and says it is this machine only, with no warning.
func TestServeLocalhostScope(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, nil, []string{"-addr", "localhost:0"}, pw, &stderr)
		pw.Close()
	}()
	r := bufio.NewReader(pr)
	first, _ := r.ReadString('\n')
	second, _ := r.ReadString('\n')
	go io.Copy(io.Discard, pr)
	cancel()
	<-done
	if !strings.HasPrefix(first, "pgrad: serving the explainer at http://127.0.0.1:") ||
		!strings.HasPrefix(second, "pgrad: listening on 127.0.0.1:") || !strings.HasSuffix(second, ": this machine only\n") {
		t.Errorf("stdout %q %q", first, second)
	}
	if strings.Contains(stderr.String(), "warning: listening") {
		t.Errorf("a loopback server warned: %q", stderr.String())
	}
}
