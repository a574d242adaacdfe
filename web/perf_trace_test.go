//go:build !js && !wasip1

package web

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

var (
	perfTrace     = flag.String("perf.trace", "", "write a Chromium trace of one load of the page to this `file` (TestBrowserPerfTrace), for chrome://tracing or ui.perfetto.dev")
	perfTraceWarm = flag.Int("perf.trace.warm", 0, "load the page this many times in other tabs before the traced load (0: the traced load is cold)")
)

// traceEvent is the part of a Chromium trace event the summary reads.
type traceEvent struct {
	Name string          `json:"name"`
	Ph   string          `json:"ph"`
	Ts   float64         `json:"ts"`   // µs
	Dur  float64         `json:"dur"`  // µs, wall
	TDur float64         `json:"tdur"` // µs, the thread's CPU
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// TestBrowserPerfTrace records a trace of one load (navigation to the
// first interactive frame; cold unless -perf.trace.warm) and prints where the renderer's main thread
// spent its CPU, by trace event (time in nested events not counted twice).
// It is how the start-up was taken apart for issue 10 §4:
//
//	go test ./web -run '^TestBrowserPerfTrace$' -perf.trace=/tmp/load.json -v
func TestBrowserPerfTrace(t *testing.T) {
	if *perfTrace == "" {
		t.Skip("a trace is recorded on request: go test ./web -run '^TestBrowserPerfTrace$' -perf.trace=FILE -v")
	}
	if !WasmBuilt() && *perfStatic == "" {
		t.Fatal("the wasm is not embedded: run 'go generate ./web/...' first")
	}
	chrome, err := perfChromium()
	if err != nil {
		t.Fatal(err)
	}
	h := Handler()
	if *perfStatic != "" {
		h = NewHandler(os.DirFS(*perfStatic))
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	for range *perfTraceWarm {
		wctx, cancelW := chromedp.NewContext(bctx)
		if err := chromedp.Do(wctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`html[data-ready="1"]`)), chromedp.Sleep(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		cancelW()
	}
	tctx, cancelTab := chromedp.NewContext(bctx)
	defer cancelTab()
	if err := chromedp.Do(tctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: perfProbe}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var raw []json.RawMessage
	complete := make(chan struct{})
	go func() {
		for ev, err := range chromedp.Events(tctx, tracing.DataCollected) {
			if err != nil {
				return
			}
			mu.Lock()
			for _, v := range ev.Value {
				if b, err := json.Marshal(v); err == nil {
					raw = append(raw, b)
				}
			}
			mu.Unlock()
		}
	}()
	go func() {
		for _, err := range chromedp.Events(tctx, tracing.TracingComplete) {
			if err == nil {
				close(complete)
			}
			return
		}
	}()
	categories := []string{"devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8",
		"disabled-by-default-v8.compile", "blink.user_timing", "loading", "disabled-by-default-v8.cpu_profiler",
		"fonts", "disabled-by-default-fonts", "blink", "mojom", "ipc", "toplevel.ipc"}
	if _, err := chromedp.Call(tctx, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: categories}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	load, err := chromedp.Run(tctx, chromedp.Evaluate[perfLoad](perfWaitReady, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tctx, tracing.End, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-complete:
	case <-time.After(time.Minute):
		t.Fatal("Chromium did not finish sending the trace")
	}
	mu.Lock()
	events := slices.Clone(raw)
	mu.Unlock()

	out := []byte("[" + string(joinRaw(events)) + "]\n")
	if err := os.WriteFile(*perfTrace, out, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("trace of one load after %d others (%d events) written to %s; interactive at %.0f ms, first frame %.0f ms\n", *perfTraceWarm, len(events), *perfTrace, load.ReadyMs, load.FrameMs)
	perfTraceSummary(os.Stdout, events, srv.URL)
	if !perfFontSummary(os.Stdout, events, srv.URL, load.FrameMs) {
		// The page's renderer is a new process, and tracing may reach it
		// after its first events.
		t.Error("the trace has no navigationStart of the page, so it misses the start of the load: run it again")
	}
}

func joinRaw(events []json.RawMessage) []byte {
	var b []byte
	for i, e := range events {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, e...)
	}
	return b
}

// rendererMain decodes the trace and returns the complete ("X") events of
// the renderers' main threads from the page's navigation on, and the
// navigation's time stamp (µs).
func rendererMain(raw []json.RawMessage, url string) (xs []traceEvent, t0 float64) {
	var events []traceEvent
	for _, r := range raw {
		var e traceEvent
		if json.Unmarshal(r, &e) == nil {
			events = append(events, e)
		}
	}
	type thread struct{ pid, tid int }
	main := map[thread]bool{}
	t0 = -1
	for _, e := range events {
		if e.Name == "thread_name" && strings.Contains(string(e.Args), "CrRendererMain") {
			main[thread{e.Pid, e.Tid}] = true
		}
		if e.Name == "navigationStart" && strings.Contains(string(e.Args), url) {
			t0 = e.Ts
		}
	}
	for _, e := range events {
		if e.Ph == "X" && main[thread{e.Pid, e.Tid}] && e.Ts >= t0 {
			xs = append(xs, e)
		}
	}
	return xs, t0
}

// perfTraceSummary prints the renderer main thread's CPU time from the
// page's navigation on, by event name, each event's own time only.
func perfTraceSummary(w *os.File, raw []json.RawMessage, url string) {
	xs, _ := rendererMain(raw, url)
	slices.SortFunc(xs, func(a, b traceEvent) int {
		return cmp.Or(cmp.Compare(a.Ts, b.Ts), cmp.Compare(b.Dur, a.Dur))
	})
	type open struct {
		e     traceEvent
		inner float64 // CPU of the events nested in it
	}
	own := map[string]float64{}
	var stack []open
	pop := func(until float64) {
		for len(stack) > 0 && stack[len(stack)-1].e.Ts+stack[len(stack)-1].e.Dur <= until {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			own[top.e.Name] += (top.e.TDur - top.inner) / 1000
			if len(stack) > 0 {
				stack[len(stack)-1].inner += top.e.TDur
			}
		}
	}
	for _, e := range xs {
		pop(e.Ts)
		stack = append(stack, open{e: e})
	}
	pop(1e300)
	names := make([]string, 0, len(own))
	total := 0.0
	for n, v := range own {
		names = append(names, n)
		total += v
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(own[b], own[a]) })
	fmt.Fprintf(w, "renderer main thread from navigation to the trace's end: %.0f ms CPU in trace events; by event (own time):\n", total)
	for _, n := range names[:min(len(names), 25)] {
		fmt.Fprintf(w, "  %7.1f ms  %s\n", own[n], n)
	}
}

// fontCalls are the renderer's font look-ups that may wait on the browser
// process: on Linux the renderer is sandboxed and fontconfig runs in the
// browser, so each first use of a family name (found or not) and each new
// strike (typeface × size × weight × style) is a synchronous IPC.
var fontCalls = []string{
	"WebSandboxSupportLinux::GetWebFontRenderStyleForStrike", // one per new strike
	"FontDataService::MatchFamilyName",                       // one per family name and style looked up
	"WebSandboxSupportLinux::GetFallbackFontForCharacter",    // a character no font of the stack has
	"FontCache::FallbackFontForCharacter",
	"FontCache::GetFontPlatformData", // every font cache look-up; it encloses the IPCs above
}

// perfFontSummary prints, from the navigation to the first interactive
// frame (frameMs after it), how many font look-ups the renderer's main
// thread made and how long they took, the family names it looked up, and
// the longest layout's wall and CPU time with the font calls inside it.
// The counts depend on the page and the installed fonts, not on the
// machine's load, so they compare two versions of the page on a busy
// machine; the times do not.
// It reports false, printing nothing, when the trace has no navigation
// start of the page.
func perfFontSummary(w *os.File, raw []json.RawMessage, url string, frameMs float64) bool {
	xs, t0 := rendererMain(raw, url)
	if t0 < 0 {
		return false
	}
	end := t0 + frameMs*1000
	var layout traceEvent
	type total struct {
		n         int
		wall, cpu float64 // ms
	}
	calls := map[string]total{}
	var families []string
	for _, e := range xs {
		if e.Ts > end {
			continue
		}
		if e.Name == "Layout" && e.Dur > layout.Dur {
			layout = e
		}
		if slices.Contains(fontCalls, e.Name) {
			c := calls[e.Name]
			c.n++
			c.wall += e.Dur / 1000
			c.cpu += e.TDur / 1000
			calls[e.Name] = c
		}
		if e.Name == "FontDataManager::onMatchFamilyStyle" {
			var a struct {
				Family string `json:"family_name"`
			}
			if json.Unmarshal(e.Args, &a) == nil {
				families = append(families, a.Family)
			}
		}
	}
	fmt.Fprintf(w, "font look-ups on the renderer main thread up to the first interactive frame (%.0f ms):\n", frameMs)
	for _, n := range fontCalls {
		c := calls[n]
		fmt.Fprintf(w, "  %4d calls  %6.1f ms wall  %5.1f ms CPU  %s\n", c.n, c.wall, c.cpu, n)
	}
	fmt.Fprintf(w, "  families looked up, in order: %s\n", strings.Join(families, ", "))
	if layout.Dur == 0 {
		fmt.Fprintln(w, "  no Layout event before the first frame (is devtools.timeline recorded?)")
		return true
	}
	inside := map[string]total{}
	for _, e := range xs {
		if slices.Contains(fontCalls[:2], e.Name) && e.Ts >= layout.Ts && e.Ts+e.Dur <= layout.Ts+layout.Dur {
			c := inside[e.Name]
			c.n++
			c.wall += e.Dur / 1000
			inside[e.Name] = c
		}
	}
	fmt.Fprintf(w, "longest layout before the first frame: at %.0f ms, %.1f ms wall, %.1f ms CPU; inside it %d strikes (%.1f ms wall), %d family look-ups (%.1f ms wall)\n",
		(layout.Ts-t0)/1000, layout.Dur/1000, layout.TDur/1000,
		inside[fontCalls[0]].n, inside[fontCalls[0]].wall, inside[fontCalls[1]].n, inside[fontCalls[1]].wall)
	return true
}
