// The browser is driven through chromedp, which does not build for js/wasm.

//go:build !js && !wasip1

package web

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// TestBrowserPerfFrames takes a Chromium performance trace (the Tracing
// domain, the categories DevTools' Performance panel records) of each lab
// view while it trains at its default speed on a CPU throttled 4×, and
// prints where the renderer's main thread spent the window: the self time
// of each trace event (Paint, PrePaint, Layerize, UpdateLayoutTree,
// Layout, FunctionCall, v8 compile/GC, …) per frame. It is a measurement
// on request, like TestBrowserPerf, and asserts only that it could take
// the trace:
//
//	go test ./web -run '^TestBrowserPerfFrames$' -perf -v -count=1 [-perf.frames.dir DIR]
//
// With -perf.frames.dir the raw traces are written there as JSON, to open in
// DevTools' Performance panel or ui.perfetto.dev.
var perfFramesDir = flag.String("perf.frames.dir", "", "write the raw Chromium traces of TestBrowserPerfFrames to this `directory`")

// perfFramesCats are the core of DevTools' Performance panel's: the
// timeline's events (tasks, animation frames, style, layout, pre-paint,
// paint, layerize, commit, hit tests, function calls, GC) without the
// per-call instrumentation of "v8" and "blink", which would slow the page
// down several times and so measure the tracer.
var perfFramesCats = flag.String("perf.frames.cats", "-*,devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.frame,toplevel,disabled-by-default-v8.gc,blink.user_timing",
	"the trace categories of TestBrowserPerfFrames, comma-separated")

// frameEvent is one event of Chromium's JSON trace format.
type frameEvent struct {
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Ph   string          `json:"ph"`
	Ts   float64         `json:"ts"`   // µs
	Dur  float64         `json:"dur"`  // µs, for ph "X"
	TDur float64         `json:"tdur"` // the thread's CPU time, µs, for ph "X"
	TTs  float64         `json:"tts"`  // the thread's CPU clock, µs
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// frameBreakdown is the main thread's time in one trace, by event name.
type frameBreakdown struct {
	WindowMs float64
	BusyMs   float64            // top-level tasks
	Self     map[string]float64 // self time (ms) by event name
	SelfCPU  map[string]float64 // self CPU time of the thread (ms) by event name
	CPUMs    float64            // the thread's CPU time in top-level events
	Count    map[string]int
	Frames   int // the page's animation frames in the window
	Thread   string
	Threads  map[string]float64 // top-level busy ms of other threads of the renderer, by thread name
	// Work counted rather than timed, which a loaded machine does not
	// change: objects laid out, elements whose style was recomputed, the
	// roots of the layouts and the areas painted.
	LayoutDirty, LayoutTotal int
	LayoutRoots              map[string]int
	StyleElements            int
	PaintArea                float64 // CSS px² over all Paint events
	PaintRoots               map[string]int
}

func TestBrowserPerfFrames(t *testing.T) {
	if !*perfFlag {
		t.Skip("the trace is taken on request: go test ./web -run '^TestBrowserPerfFrames$' -perf -v")
	}
	if !WasmBuilt() {
		t.Fatal("the wasm is not embedded: run 'go generate ./web/...' before measuring")
	}
	chrome, err := perfChromium()
	if err != nil {
		t.Fatal(err)
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, perfBrowser(chrome, t.TempDir())...)
	defer cancelAlloc()
	tctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.CSS(`html[data-ready="1"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.ID("train"))); err != nil {
		t.Fatalf("clicking Train: %v", err)
	}
	if _, err := chromedp.Call(tctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("pgrad lab trace, CPU throttled 4×, default speeds, load average %s before the run\n", load)
	window := max(perfWindow.Milliseconds(), 1000)
	for _, vs := range defaultSpeeds {
		perfShowView(t, tctx, vs.view, vs.speed)
		events, fps, frames := perfFramesTrace(t, tctx, window)
		if *perfFramesDir != "" {
			b, _ := json.Marshal(map[string]any{"traceEvents": events})
			if err := os.WriteFile(filepath.Join(*perfFramesDir, "trace-"+vs.view+".json"), b, 0o644); err != nil {
				t.Error(err)
			}
		}
		br := perfFramesBreakdown(events)
		if br.Thread == "" {
			t.Fatalf("%s view: no renderer main thread in the trace (%d events)", vs.view, len(events))
		}
		br.Frames = frames
		perfFramesPrint(os.Stdout, vs.view, fps, br)
		perfFramesProfile(t, tctx, window)
		perfFramesMutations(t, tctx, window)
	}
	if _, err := chromedp.Call(tctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 1}); err != nil {
		t.Fatal(err)
	}
}

// perfFramesTrace records a trace while the page's frames are counted for window
// ms; it returns the events and the frames per second seen by the page.
func perfFramesTrace(t *testing.T, ctx context.Context, window int64) ([]frameEvent, float64, int) {
	t.Helper()
	var mu sync.Mutex
	var events []frameEvent
	done := make(chan struct{})
	data := chromedp.Events(ctx, tracing.DataCollected)
	complete := chromedp.Events(ctx, tracing.TracingComplete)
	go func() {
		for ev, err := range data {
			if err != nil {
				return
			}
			mu.Lock()
			for _, v := range ev.Value {
				var e frameEvent
				if json.Unmarshal(v, &e) == nil {
					events = append(events, e)
				}
			}
			mu.Unlock()
		}
	}()
	go func() {
		for range complete {
			close(done)
			return
		}
	}()
	if _, err := chromedp.Call(ctx, tracing.Start, tracing.StartParams{
		TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig:  &tracing.TraceConfig{IncludedCategories: strings.Split(*perfFramesCats, ",")},
	}); err != nil {
		t.Fatalf("Tracing.start: %v", err)
	}
	tr, err := chromedp.Run(ctx, chromedp.Evaluate[perfTraining](fmt.Sprintf(perfMeasureTraining, window), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, tracing.End, struct{}{}); err != nil {
		t.Fatalf("Tracing.end: %v", err)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("no Tracing.tracingComplete within a minute")
	}
	// The last dataCollected events arrive before tracingComplete, but
	// through another queue: give it a moment.
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	fps := 0.0
	if n := len(tr.Times); n > 1 {
		fps = float64(n-1) / (tr.Times[n-1] - tr.Times[0]) * 1000
	}
	return slices.Clone(events), fps, len(tr.Times) - 1
}

// perfFramesBreakdown finds the renderer's main thread (CrRendererMain with the
// most task time) and sums the self time of each event name on it, from
// the complete ("X") and begin/end ("B"/"E") events, nested by time.
func perfFramesBreakdown(events []frameEvent) frameBreakdown {
	type key struct{ pid, tid int }
	names := map[key]string{}
	for _, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" {
			var a struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(e.Args, &a) == nil {
				names[key{e.Pid, e.Tid}] = a.Name
			}
		}
	}
	type span struct {
		name       string
		start, end float64
		cpu        float64 // thread CPU time, µs
	}
	spans := map[key][]span{}
	open := map[key][]frameEvent{}
	for _, e := range events {
		k := key{e.Pid, e.Tid}
		switch e.Ph {
		case "X":
			spans[k] = append(spans[k], span{e.Name, e.Ts, e.Ts + e.Dur, e.TDur})
		case "B":
			open[k] = append(open[k], e)
		case "E":
			if st := open[k]; len(st) > 0 {
				b := st[len(st)-1]
				open[k] = st[:len(st)-1]
				spans[k] = append(spans[k], span{b.Name, b.Ts, e.Ts, e.TTs - b.TTs})
			}
		}
	}
	topLevel := func(ss []span) float64 {
		slices.SortFunc(ss, func(a, b span) int {
			if a.start != b.start {
				if a.start < b.start {
					return -1
				}
				return 1
			}
			if a.end > b.end {
				return -1
			}
			if a.end < b.end {
				return 1
			}
			return 0
		})
		busy, reach := 0.0, -1.0
		for _, s := range ss {
			if s.start >= reach {
				busy += s.end - s.start
				reach = s.end
			} else if s.end > reach {
				busy += s.end - reach
				reach = s.end
			}
		}
		return busy
	}
	var main key
	best := -1.0
	lo, hi := 0.0, 0.0
	for k, ss := range spans {
		for _, s := range ss {
			if lo == 0 || s.start < lo {
				lo = s.start
			}
			hi = max(hi, s.end)
		}
		if names[k] != "CrRendererMain" {
			continue
		}
		if b := topLevel(ss); b > best {
			best, main = b, k
		}
	}
	br := frameBreakdown{Self: map[string]float64{}, SelfCPU: map[string]float64{}, Count: map[string]int{}, Threads: map[string]float64{},
		LayoutRoots: map[string]int{}, PaintRoots: map[string]int{}}
	if best < 0 {
		return br
	}
	br.Thread = names[main]
	ss := spans[main]
	topLevel(ss) // sorted: parents before their children
	// Self time: a span's duration minus its direct children's.
	type frame struct {
		s             span
		child, childC float64
	}
	var stack []frame
	pop := func() {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d := f.s.end - f.s.start
		br.Self[f.s.name] += (d - f.child) / 1000
		br.SelfCPU[f.s.name] += max(0, f.s.cpu-f.childC) / 1000
		if len(stack) > 0 {
			stack[len(stack)-1].child += d
			stack[len(stack)-1].childC += f.s.cpu
		} else {
			br.CPUMs += f.s.cpu / 1000
		}
	}
	first, last := 0.0, 0.0
	for i, s := range ss {
		if i == 0 {
			first = s.start
		}
		last = max(last, s.end)
		for len(stack) > 0 && stack[len(stack)-1].s.end <= s.start {
			pop()
		}
		// A child that outlives its parent (clock granularity) is cut.
		if len(stack) > 0 && s.end > stack[len(stack)-1].s.end {
			s.end = stack[len(stack)-1].s.end
		}
		stack = append(stack, frame{s: s})
		br.Count[s.name]++
	}
	for len(stack) > 0 {
		pop()
	}
	for _, e := range events {
		if (key{e.Pid, e.Tid}) != main || len(e.Args) == 0 {
			continue
		}
		switch e.Name {
		case "Layout":
			var a struct {
				Begin struct {
					Dirty int `json:"dirtyObjects"`
					Total int `json:"totalObjects"`
				} `json:"beginData"`
				End struct {
					Roots []struct {
						Name string `json:"nodeName"`
					} `json:"layoutRoots"`
				} `json:"endData"`
			}
			if json.Unmarshal(e.Args, &a) == nil {
				br.LayoutDirty += a.Begin.Dirty
				br.LayoutTotal += a.Begin.Total
				for _, r := range a.End.Roots {
					br.LayoutRoots[r.Name]++
				}
			}
		case "UpdateLayoutTree":
			var a struct {
				N int `json:"elementCount"`
			}
			if json.Unmarshal(e.Args, &a) == nil {
				br.StyleElements += a.N
			}
		case "Paint":
			var a struct {
				Data struct {
					Name string    `json:"nodeName"`
					Clip []float64 `json:"clip"`
				} `json:"data"`
			}
			if json.Unmarshal(e.Args, &a) == nil && len(a.Data.Clip) == 8 {
				c := a.Data.Clip
				br.PaintArea += (c[2] - c[0]) * (c[5] - c[1])
				br.PaintRoots[fmt.Sprintf("%s %.0f×%.0f", a.Data.Name, c[2]-c[0], c[5]-c[1])]++
			}
		}
	}
	br.BusyMs = best / 1000
	br.WindowMs = (last - first) / 1000
	for k, ss := range spans {
		if k.pid == main.pid && k != main {
			br.Threads[names[k]] += topLevel(ss) / 1000
		}
	}
	_ = lo
	_ = hi
	return br
}

func perfFramesPrint(w io.Writer, view string, fps float64, br frameBreakdown) {
	frames := max(br.Frames, 1)
	fmt.Fprintf(w, "  %s view: %.1f frames/s seen by the page; trace window %.0f ms, %s busy %.0f ms (%.0f%%), %d frames; per frame %.1f ms busy, %.1f ms of CPU\n",
		view, fps, br.WindowMs, br.Thread, br.BusyMs, 100*br.BusyMs/max(br.WindowMs, 1), br.Frames, br.BusyMs/float64(frames), br.CPUMs/float64(frames))
	type kv struct {
		name string
		ms   float64
	}
	var all []kv
	for n, ms := range br.Self {
		all = append(all, kv{n, ms})
	}
	slices.SortFunc(all, func(a, b kv) int {
		if a.ms > b.ms {
			return -1
		}
		if a.ms < b.ms {
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for i, x := range all {
		if i >= 25 || x.ms < 0.01*br.BusyMs {
			break
		}
		c := br.SelfCPU[x.name]
		fmt.Fprintf(w, "    %-40s self %7.1f ms  %5.1f%% of busy  %5.2f ms/frame  CPU %5.2f ms/frame (%4.1f%%)  ×%d\n", x.name, x.ms, 100*x.ms/max(br.BusyMs, 1e-9), x.ms/float64(frames), c/float64(frames), 100*c/max(br.CPUMs, 1e-9), br.Count[x.name])
	}
	var th []kv
	for n, ms := range br.Threads {
		th = append(th, kv{n, ms})
	}
	slices.SortFunc(th, func(a, b kv) int {
		if a.ms > b.ms {
			return -1
		}
		return 1
	})
	var parts []string
	for i, x := range th {
		if i >= 6 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0f ms", x.name, x.ms))
	}
	fmt.Fprintf(w, "    other renderer threads: %s\n", strings.Join(parts, ", "))
	f := float64(frames)
	fmt.Fprintf(w, "    work per frame: %.1f layout objects dirty of %.0f (roots %v), %.1f elements restyled, %.0f CSS px² painted (%v)\n",
		float64(br.LayoutDirty)/f, float64(br.LayoutTotal)/max(1, float64(br.Count["Layout"])), br.LayoutRoots, float64(br.StyleElements)/f, br.PaintArea/f, br.PaintRoots)
}

// perfFramesProfile samples the page's JavaScript and wasm with the Profiler
// domain (no trace running) for window ms and prints the functions with
// the most self time, and the time per script.
func perfFramesProfile(t *testing.T, ctx context.Context, window int64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 250}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.Start, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	tr, err := chromedp.Run(ctx, chromedp.Evaluate[perfTraining](fmt.Sprintf(perfMeasureTraining, window), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	p := res.Profile
	if p == nil || len(p.Samples) == 0 {
		t.Fatal("the profile has no samples")
	}
	frames := max(len(tr.Times)-1, 1)
	byID := map[int64]*profiler.ProfileNode{}
	for _, n := range p.Nodes {
		byID[n.ID] = n
	}
	self := map[string]float64{}
	script := map[string]float64{}
	total := 0.0
	for i, id := range p.Samples {
		dt := 0.0
		if i+1 < len(p.TimeDeltas) {
			dt = float64(p.TimeDeltas[i+1]) / 1000
		}
		n := byID[id]
		if n == nil || n.CallFrame == nil {
			continue
		}
		cf := n.CallFrame
		name := cf.FunctionName
		if name == "" {
			name = "(anonymous)"
		}
		file := cf.URL
		if j := strings.LastIndex(file, "/"); j >= 0 {
			file = file[j+1:]
		}
		if file != "" {
			name = fmt.Sprintf("%s %s:%d", name, file, cf.LineNumber+1)
		}
		self[name] += dt
		if file == "" {
			file = cf.FunctionName // (program), (idle), (garbage collector)
		} else if strings.HasPrefix(cf.URL, "wasm://") {
			file = "wasm"
		}
		script[file] += dt
		total += dt
	}
	fps := 0.0
	if n := len(tr.Times); n > 1 {
		fps = float64(n-1) / (tr.Times[n-1] - tr.Times[0]) * 1000
	}
	fmt.Printf("    CPU profile (no trace): %.1f frames/s, %.0f ms sampled; self time by script: %s\n", fps, total, perfFramesTop(script, 8, frames, "ms per frame"))
	fmt.Printf("      functions: %s\n", perfFramesTop(self, 14, frames, "ms per frame"))
}

// perfFramesTop formats the n largest entries of m, divided by frames, as
// "name value".
func perfFramesTop(m map[string]float64, n, frames int, unit string) string {
	type kv struct {
		k string
		v float64
	}
	var all []kv
	for k, v := range m {
		all = append(all, kv{k, v})
	}
	slices.SortFunc(all, func(a, b kv) int {
		if a.v > b.v {
			return -1
		}
		if a.v < b.v {
			return 1
		}
		return strings.Compare(a.k, b.k)
	})
	var parts []string
	for i, x := range all {
		if i >= n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.2f", x.k, x.v/float64(frames)))
	}
	return strings.Join(parts, "; ") + " (" + unit + ")"
}

// perfFramesMutationsJS counts the DOM mutations of the page for %d ms, by the
// nearest element with an id (and the mutated element's tag and class),
// per animation frame.
const perfFramesMutationsJS = `new Promise((resolve) => {
  const counts = {};
  const name = (n) => {
    const e = n.nodeType === 1 ? n : n.parentElement;
    if (!e) return "?";
    const host = e.closest("[id]");
    const cls = typeof e.className === "string" ? e.className : (e.className && e.className.baseVal) || "";
    return (host ? "#" + host.id : "") + " " + e.tagName.toLowerCase() + (cls ? "." + cls.split(" ")[0] : "");
  };
  const mo = new MutationObserver((list) => {
    for (const m of list) {
      const k = name(m.target) + " " + (m.type === "attributes" ? "@" + m.attributeName : m.type);
      counts[k] = (counts[k] || 0) + 1;
    }
  });
  mo.observe(document, { subtree: true, attributes: true, characterData: true, childList: true });
  let frames = 0;
  const t0 = performance.now();
  const tick = () => {
    frames++;
    if (performance.now() - t0 < %d) { requestAnimationFrame(tick); return; }
    mo.disconnect();
    resolve({ frames, counts });
  };
  requestAnimationFrame(tick);
})`

func perfFramesMutations(t *testing.T, ctx context.Context, window int64) {
	t.Helper()
	type result struct {
		Frames int            `json:"frames"`
		Counts map[string]int `json:"counts"`
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[result](fmt.Sprintf(perfFramesMutationsJS, window), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	total := 0.0
	for k, v := range r.Counts {
		m[k] = float64(v)
		total += float64(v)
	}
	fmt.Printf("    DOM mutations: %.1f per frame; by element: %s\n", total/float64(max(r.Frames, 1)), perfFramesTop(m, 16, max(r.Frames, 1), "per frame"))
}
