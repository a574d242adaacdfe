package web

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// The deadlines in these tests only stop a broken server from hanging the
// suite; what is asserted is what the server answered and whether it
// closed the connection, never how fast.
const hang = 30 * time.Second

// testLimits are short enough for a test to see them act.
var testLimits = Limits{
	ReadHeaderTimeout: 300 * time.Millisecond,
	ReadTimeout:       600 * time.Millisecond,
	WriteTimeout:      600 * time.Millisecond,
	IdleTimeout:       300 * time.Millisecond,
	MaxHeaderBytes:    4 << 10,
	MaxConns:          64,
}

// startServer serves h within lim on 127.0.0.1 and returns its address;
// states, if not nil, receives every connection state change.
func startServer(t *testing.T, h http.Handler, lim Limits, states ...chan http.ConnState) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, lim, log.New(io.Discard, "", 0))
	if len(states) > 0 {
		srv.ConnState = func(_ net.Conn, s http.ConnState) { states[0] <- s }
	}
	go srv.Serve(LimitListener(ln, lim.MaxConns))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(hang))
	t.Cleanup(func() { c.Close() })
	return c
}

// readResponse reads one response from c, and then whether the server
// closed the connection after it.
func readResponse(t *testing.T, c net.Conn, method string) (*http.Response, []byte, bool) {
	t.Helper()
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_, err = br.ReadByte()
	closed := errors.Is(err, io.EOF) || (err != nil && !isTimeout(err))
	return resp, body, closed
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestSlowBody: a request announcing a 200,000-byte body and sending one
// byte is answered at once (405 for POST, 413 for GET) and its connection
// closed, under the default limits too (before, it was held for ever).
func TestSlowBody(t *testing.T) {
	for _, lim := range []Limits{testLimits, DefaultLimits} {
		addr := startServer(t, NewHandler(testFiles()), lim)
		for _, c := range []struct {
			method string
			want   int
		}{{"POST", 405}, {"GET", 413}, {"HEAD", 413}, {"PUT", 405}} {
			conn := dial(t, addr)
			io.WriteString(conn, c.method+" / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\nA")
			resp, _, closed := readResponse(t, conn, c.method)
			if resp.StatusCode != c.want || !closed {
				t.Errorf("%s with a slow body: %d, closed %v; want %d and closed", c.method, resp.StatusCode, closed, c.want)
			}
			checkSecurityHeaders(t, c.method+" with a body", resp.Header)
		}
		// Chunked, never finished.
		conn := dial(t, addr)
		io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc")
		if resp, _, closed := readResponse(t, conn, "POST"); resp.StatusCode != 405 || !closed {
			t.Errorf("a slow chunked body: %d, closed %v", resp.StatusCode, closed)
		}
	}
}

// TestSlowHeaderAndIdleFlood: connections that send nothing, or half a
// header, are closed by the server (ReadHeaderTimeout); a bounded flood of
// them does not stop a well-behaved client from being served.
func TestSlowHeaderAndIdleFlood(t *testing.T) {
	addr := startServer(t, NewHandler(testFiles()), testLimits)
	var conns []net.Conn
	for i := range 200 {
		c := dial(t, addr)
		if i%2 == 1 {
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the blank line
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		_, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("connection %d: %v (the server did not close it)", i, err)
		}
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the flood: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestSlowResponseReader: a client that requests a large file and stops
// reading is cut off by WriteTimeout: the server closes its side instead
// of holding the connection and its goroutine.
func TestSlowResponseReader(t *testing.T) {
	big := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 16<<20) // 64 MB, not compressed
	states := make(chan http.ConnState, 16)
	addr := startServer(t, NewHandler(fstest.MapFS{"big.png": {Data: big}}), testLimits, states)
	c := dial(t, addr)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(4 << 10)
	}
	io.WriteString(c, "GET /big.png HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 1024)
	io.ReadFull(c, buf) // and then read no more
	timer := time.NewTimer(hang)
	defer timer.Stop()
	for {
		select {
		case s := <-states:
			if s == http.StateClosed {
				return
			}
		case <-timer.C:
			t.Fatal("the server still holds a connection whose client stopped reading")
		}
	}
}

// TestConnectionCap: LimitListener never has more than n connections
// open, and the ones waiting are served once others close.
func TestConnectionCap(t *testing.T) {
	base, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := LimitListener(base, 3)
	defer ln.Close()
	var open, peak, served atomic.Int32
	var wg sync.WaitGroup
	release := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := open.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			go func() {
				<-release
				c.Write([]byte("x"))
				open.Add(-1)
				served.Add(1)
				c.Close()
			}()
		}
	}()
	for range 10 {
		wg.Add(1)
		c := dial(t, base.Addr().String())
		go func() {
			defer wg.Done()
			io.ReadAll(c)
		}()
	}
	close(release)
	wg.Wait()
	if served.Load() != 10 || peak.Load() > 3 {
		t.Errorf("served %d of 10, at most %d open at once; want 10 and at most 3", served.Load(), peak.Load())
	}
	if err := ln.Close(); err != nil {
		t.Error(err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
}

// TestNetHTTPOwnResponses pins NewServer's documentation: the responses
// net/http writes itself carry only a text/plain type and Connection:
// close; OPTIONS * reaches the handler and gets the security headers.
func TestNetHTTPOwnResponses(t *testing.T) {
	addr := startServer(t, NewHandler(testFiles()), testLimits)
	for _, c := range []struct {
		name, req string
		want      int
	}{
		{"malformed request line", "GARBAGE\r\n\r\n", 400},
		{"bad header", "GET / HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n", 400},
		{"header too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", 431},
		{"HTTP/2.5", "GET / HTTP/2.5\r\nHost: x\r\n\r\n", 505},
	} {
		conn := dial(t, addr)
		io.WriteString(conn, c.req)
		resp, body, closed := readResponse(t, conn, "GET")
		if resp.StatusCode != c.want || !closed {
			t.Errorf("%s: %d, closed %v; want %d", c.name, resp.StatusCode, closed, c.want)
		}
		for k := range resp.Header {
			if k != "Content-Type" && k != "Connection" {
				t.Errorf("%s: header %s: NewServer's doc lists only Content-Type and Connection", c.name, k)
			}
		}
		if resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || bytes.ContainsAny(body, "<>") || bytes.Count(body, []byte("\n")) > 1 {
			t.Errorf("%s: %q %q, want one line of plain text", c.name, resp.Header.Get("Content-Type"), body)
		}
	}
	conn := dial(t, addr)
	io.WriteString(conn, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, _, _ := readResponse(t, conn, "OPTIONS")
	if resp.StatusCode != 405 {
		t.Errorf("OPTIONS *: %d, want 405 from the handler", resp.StatusCode)
	}
	checkSecurityHeaders(t, "OPTIONS *", resp.Header)
}

// TestRangeZeroSuffix: bytes=-0 is unsatisfiable (RFC 9110 14.1.1): 416
// with Content-Range bytes */size; a list with a satisfiable range keeps
// it; other ranges are net/http's as before.
func TestRangeZeroSuffix(t *testing.T) {
	h := NewHandler(testFiles())
	size := len(testFiles()["style.css"].Data)
	for _, c := range []struct {
		rng   string
		want  int
		crang string
	}{
		{"bytes=-0", 416, "bytes */" + strconv.Itoa(size)},
		{"bytes=-000", 416, "bytes */" + strconv.Itoa(size)},
		{"bytes= -0 , -0", 416, "bytes */" + strconv.Itoa(size)},
		{"bytes=-0,0-3", 206, "bytes 0-3/" + strconv.Itoa(size)},
		{"bytes=-1", 206, "bytes " + strconv.Itoa(size-1) + "-" + strconv.Itoa(size-1) + "/" + strconv.Itoa(size)},
		{"bytes=0-", 206, "bytes 0-" + strconv.Itoa(size-1) + "/" + strconv.Itoa(size)},
		{"bytes=999-", 416, "bytes */" + strconv.Itoa(size)},
	} {
		rr := do(h, "GET", "/style.css", "Range", c.rng)
		if rr.Code != c.want || rr.Header().Get("Content-Range") != c.crang {
			t.Errorf("Range %q: %d %q, want %d %q", c.rng, rr.Code, rr.Header().Get("Content-Range"), c.want, c.crang)
		}
		checkSecurityHeaders(t, "Range "+c.rng, rr.Header())
	}
}
