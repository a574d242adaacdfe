//go:build !js && !wasip1

package web_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pgrad/pgrad/web"
)

var (
	soak        = flag.Bool("soak", false, "run the server soak test (make bench runs it; make test does not)")
	soakTime    = flag.Duration("soak-time", 30*time.Second, "how long the soak test's clients run")
	soakClients = flag.Int("soak-clients", 500, "concurrent keep-alive clients of the soak test")
	soakSlow    = flag.Int("soak-slow", 200, "concurrent slow-body connections of the soak test")
)

// soakResult is what TestSoak prints after "SOAK " for bench/report.py.
type soakResult struct {
	Seconds         float64 `json:"seconds"`
	Clients         int     `json:"clients"`
	SlowConns       int     `json:"slow_conns"`
	Requests        int64   `json:"requests"`
	Errors          int64   `json:"errors"`
	P50ms           float64 `json:"p50_ms"`
	P99ms           float64 `json:"p99_ms"`
	MaxMs           float64 `json:"max_ms"`
	SlowAnswered    int64   `json:"slow_answered"`
	SlowUnanswered  int64   `json:"slow_unanswered"`
	HeapBeforeMB    float64 `json:"heap_before_mb"`
	HeapAfterMB     float64 `json:"heap_after_mb"`
	GoroutinesBefor int     `json:"goroutines_before"`
	GoroutinesAfter int     `json:"goroutines_after"`
	Cores           int     `json:"cores"`
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

// TestSoak runs pgrad serve's server (web.NewServer with DefaultLimits,
// the embedded page) on 127.0.0.1 under -soak-clients keep-alive clients
// fetching the page's files for -soak-time, while -soak-slow connections
// each announce a 200,000-byte body and send a byte a second. It reports
// the clients' latency (p50, p99, max), errors, how many slow connections
// were answered, and the heap and goroutines before and after. Clients and
// server share this process and the machine's cores.
func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("the soak test runs with -soak (make bench)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := web.NewServer(web.Handler(), web.DefaultLimits, log.New(io.Discard, "", 0))
	go srv.Serve(web.LimitListener(ln, web.DefaultLimits.MaxConns))
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	res := soakResult{Clients: *soakClients, SlowConns: *soakSlow, Cores: runtime.NumCPU()}
	res.HeapBeforeMB, res.GoroutinesBefor = heapMB(), runtime.NumGoroutine()

	paths := []string{"/", "/style.css", "/app.js", "/favicon.svg"}
	stop := time.Now().Add(*soakTime)
	var requests, errs, slowOK, slowBad atomic.Int64
	lat := make([][]time.Duration, *soakClients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *soakClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: false}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			for k := 0; time.Now().Before(stop); k++ {
				t0 := time.Now()
				resp, err := c.Get(base + paths[(i+k)%len(paths)])
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
				requests.Add(1)
			}
		}()
	}
	for range *soakSlow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					slowBad.Add(1)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				c.SetDeadline(time.Now().Add(30 * time.Second))
				io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n")
				answered := make(chan bool, 1)
				go func() {
					b := make([]byte, 12)
					_, err := io.ReadFull(c, b)
					answered <- err == nil && string(b[9:12]) == "405"
					io.Copy(io.Discard, c)
				}()
			trickle:
				for time.Now().Before(stop) {
					select {
					case ok := <-answered:
						if ok {
							slowOK.Add(1)
						} else {
							slowBad.Add(1)
						}
						break trickle
					case <-time.After(time.Second):
						c.Write([]byte("a"))
					}
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	all := slices.Concat(lat...)
	slices.Sort(all)
	q := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / 1e6
	}
	res.Requests, res.Errors, res.P50ms, res.P99ms, res.MaxMs = requests.Load(), errs.Load(), q(0.5), q(0.99), q(1)
	res.SlowAnswered, res.SlowUnanswered = slowOK.Load(), slowBad.Load()
	srv.Close()
	// Let the closed connections' goroutines end before counting.
	for range 50 {
		if runtime.NumGoroutine() <= res.GoroutinesBefor+5 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	res.HeapAfterMB, res.GoroutinesAfter = heapMB(), runtime.NumGoroutine()
	b, _ := json.Marshal(res)
	fmt.Printf("SOAK %s\n", b)
	t.Logf("%d clients + %d slow bodies for %.1f s: %d requests (%.0f/s), %d errors, p50 %.1f ms, p99 %.1f ms, max %.0f ms; slow bodies answered %d, unanswered %d; heap %.1f → %.1f MB, goroutines %d → %d",
		res.Clients, res.SlowConns, res.Seconds, res.Requests, float64(res.Requests)/res.Seconds, res.Errors, res.P50ms, res.P99ms, res.MaxMs,
		res.SlowAnswered, res.SlowUnanswered, res.HeapBeforeMB, res.HeapAfterMB, res.GoroutinesBefor, res.GoroutinesAfter)
	if res.Errors > 0 || res.SlowUnanswered > 0 {
		t.Errorf("%d request errors, %d slow-body connections not answered", res.Errors, res.SlowUnanswered)
	}
	if res.GoroutinesAfter > res.GoroutinesBefor+5 {
		t.Errorf("%d goroutines after the soak, %d before: connections leak", res.GoroutinesAfter, res.GoroutinesBefor)
	}
}
