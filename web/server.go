package web

import (
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits bound what one client can hold of a server: time, header bytes
// and connections. DefaultLimits are what 'pgrad serve' uses.
type Limits struct {
	// ReadHeaderTimeout bounds the wait for a request's headers, from the
	// connection's start or the end of the previous response: a client
	// that connects and sends nothing is closed after it.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response, so that a client reading
	// slowly cannot hold a connection for ever; the largest file, the
	// gzipped wasm (under 1 MB), needs it only on a link below 15 kB/s.
	WriteTimeout time.Duration
	// IdleTimeout bounds a keep-alive connection's wait between requests.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header (431 above).
	MaxHeaderBytes int
	// MaxConns bounds the connections open at once; further ones wait in
	// the kernel's accept queue until one closes.
	MaxConns int
}

// DefaultLimits are the limits of 'pgrad serve'.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      60 * time.Second,
	IdleTimeout:       60 * time.Second,
	MaxHeaderBytes:    64 << 10,
	MaxConns:          1024,
}

// NewServer returns the http.Server that serves h within lim, logging to
// errLog (nil: the log package's default). Serve it on
// LimitListener(ln, lim.MaxConns).
//
// Requests that net/http itself cannot parse (a malformed request line
// or header: 400; a header over MaxHeaderBytes: 431; an HTTP version it
// does not speak: 505) are answered by net/http before any handler runs,
// with only "Content-Type: text/plain; charset=utf-8", "Connection: close"
// and a one-line text body: no HTML or script that a Content-Security-
// Policy would govern. Every other response, "OPTIONS *" included, comes
// from h and carries the security headers (see NewHandler).
func NewServer(h http.Handler, lim Limits, errLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		ErrorLog:          errLog,
		// "OPTIONS *" reaches the handler (405 with the security
		// headers) instead of net/http's bare 200.
		DisableGeneralOptionsHandler: true,
	}
}

// LimitListener returns a listener that has at most n connections open at
// once: Accept waits while n are open. n ≤ 0 means no limit.
func LimitListener(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
