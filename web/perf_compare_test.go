//go:build !js && !wasip1

package web

import (
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pgrad/pgrad/stats"
)

var perfCompare = flag.String("perf.compare", "", "TestBrowserPerfCompare: a `directory` of page files (another build's web/static with its wasm) to compare with this build's page, load for load")

// TestBrowserPerfCompare times the first interactive frame of two pages in
// the same browser, alternating their loads (A B, then B A, and so on), so
// that the machine's drift, which on a shared 2-core machine is larger
// than most changes, falls on both alike. A is this build's page (or
// -perf.static), B the directory -perf.compare; each is served on its own
// origin, so neither warms the other's caches. It prints each page's cold
// load, the median of its warm loads with a 95 % bootstrap interval, and
// the median of the paired differences B − A with its interval. It
// asserts nothing about the times:
//
//	go test ./web -run '^TestBrowserPerfCompare$' -perf -perf.compare=/tmp/old/web/static -perf.loads=15 -v
func TestBrowserPerfCompare(t *testing.T) {
	if !*perfFlag || *perfCompare == "" {
		t.Skip("two pages are compared on request: go test ./web -run '^TestBrowserPerfCompare$' -perf -perf.compare=DIR -v")
	}
	if !WasmBuilt() && *perfStatic == "" {
		t.Fatal("the wasm is not embedded: run 'go generate ./web/...' first")
	}
	chrome, err := perfChromium()
	if err != nil {
		t.Fatal(err)
	}
	ha := Handler()
	if *perfStatic != "" {
		ha = NewHandler(os.DirFS(*perfStatic))
	}
	a := httptest.NewServer(ha)
	defer a.Close()
	b := httptest.NewServer(NewHandler(os.DirFS(*perfCompare)))
	defer b.Close()

	bctx := perfStartBrowser(t, chrome, 10*time.Minute)

	pairs := max(2, *perfLoads)
	var frames [2][]float64 // first interactive frame of A and of B, load by load
	var cpu [2][]float64    // the main thread's CPU up to it
	urls := [2]string{a.URL + "/", b.URL + "/"}
	for i := range pairs {
		order := [2]int{0, 1}
		if i%2 == 1 {
			order = [2]int{1, 0}
		}
		for _, side := range order {
			_, cancelTab, load := perfLoadPage(t, bctx, urls[side])
			cancelTab()
			frames[side] = append(frames[side], load.FrameMs)
			cpu[side] = append(cpu[side], load.Main.CPUMs)
		}
	}
	var diff []float64
	for i := 1; i < pairs; i++ { // warm loads only
		diff = append(diff, frames[1][i]-frames[0][i])
	}
	bs := stats.Bootstrap{Resamples: 20000, Seed: 1}
	median := func(x []float64) (stats.Interval, error) { return bs.Interval([][]float64{x}, stats.Median) }
	w := os.Stdout
	fmt.Fprintf(w, "pgrad browser performance, A/B: %d loads of each page, alternating; load average %s before\n", pairs, loadavgNow())
	for side, name := range []string{"A (this build)", "B (" + *perfCompare + ")"} {
		iv, err := median(frames[side][1:])
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "  %s: first interactive frame %.0f ms cold; warm median %.0f ms [%.0f, %.0f]; main thread %.0f ms CPU (median); per load: %s\n",
			name, frames[side][0], iv.Point, iv.Lo, iv.Hi, perfMedian(cpu[side]), perfJoin(frames[side]))
	}
	iv, err := median(diff)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "  B − A, warm loads paired: median %+.0f ms [%+.0f, %+.0f] (95 %% bootstrap interval)\n", iv.Point, iv.Lo, iv.Hi)
}

func loadavgNow() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
