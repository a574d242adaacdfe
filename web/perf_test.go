// The browser is driven through chromedp, which does not build for js/wasm.

//go:build !js && !wasip1

package web

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/performance"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser measurements are figures for the README, not pass/fail
// checks: they depend on the machine and on whatever else it is running.
// They run only when asked for:
//
//	go generate ./web/... && go test ./web -run '^TestBrowserPerf$' -perf -v -count=1
var (
	perfFlag   = flag.Bool("perf", false, "measure the explainer in headless chromium (TestBrowserPerf)")
	perfLoads  = flag.Int("perf.loads", 5, "page loads to time the first interactive frame over (the first one is cold)")
	perfWindow = flag.Duration("perf.window", 5*time.Second, "how long to count frames and rollouts while training at the fastest speed")
	perfTrain  = flag.Bool("perf.training", true, "also measure training (false: only the first interactive frame and the sizes)")
	perfStatic = flag.String("perf.static", "", "serve this `directory` instead of the embedded files (for example a copy of another commit's web/static with its wasm built), to compare two pages on the same machine")
	perfJSON   = flag.String("perf.json", "", "also write the figures as JSON to this `file`")
)

// perfProbe runs in every document before the page's own scripts. It notes
// when the page becomes interactive (data-ready="1" on <html>, or the Train
// button enabled for a page that does not set it) and when the next frame
// starts, independently of the page's own window.pgradPerf. The times are
// performance.now(), whose origin is the start of the navigation.
const perfProbe = `(() => {
  const probe = { ready: null, frame: null, how: "", csp: [] };
  Object.defineProperty(globalThis, "__pgradProbe", { value: probe });
  // Milestones of the start-up, to tell download, compilation, the Go
  // program's start and the page's own set-up apart.
  probe.marks = {};
  const mark = (name) => { if (!(name in probe.marks)) probe.marks[name] = performance.now(); };
  // The page compiles with compileStreaming and then instantiates the
  // module (engine.js); an older page used instantiateStreaming.
  const hook = (name, called, done) => {
    const f = WebAssembly[name];
    if (!f) return;
    WebAssembly[name] = function (...args) {
      mark(called);
      return f.apply(this, args).then((r) => { mark(done); return r; });
    };
  };
  hook("compileStreaming", "compileCalled", "compiled");
  hook("instantiate", "instantiateCalled", "instantiated");
  hook("instantiateStreaming", "instantiateCalled", "instantiated");
  globalThis.addEventListener("pgrad-core-ready", () => mark("goReady"));
  globalThis.addEventListener("pgrad-ready", () => mark("bridgeReady"));
  // The sections below the lab are built after its first frame; the page
  // says so with data-widgets="1" on <html>.
  new MutationObserver((_, obs) => {
    if (document.documentElement.dataset.widgets === "1") { mark("widgets"); obs.disconnect(); }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-widgets"] });
  document.addEventListener("securitypolicyviolation", (e) => {
    probe.csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline code") + " at " + e.sourceFile + ":" + e.lineNumber);
  });
  const check = () => {
    if (probe.ready !== null) return true;
    const html = document.documentElement;
    const train = document.getElementById("train");
    let how = "";
    if (html && html.dataset.ready === "1") how = "data-ready";
    else if (train && !train.disabled) how = "train-enabled";
    if (how === "") return false;
    probe.ready = performance.now();
    probe.how = how;
    requestAnimationFrame(() => { probe.frame = performance.now(); });
    return true;
  };
  // Attribute changes only: observing childList too would run check on
  // every node the parser inserts, which cost the measured load ~20–40 ms.
  // A page parsed already interactive is caught at DOMContentLoaded.
  const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
  mo.observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready", "disabled"] });
  document.addEventListener("DOMContentLoaded", () => { if (check()) mo.disconnect(); }, { once: true });
})();`

// perfWaitReady resolves with the load's timings once the probe has seen the
// first interactive frame.
const perfWaitReady = `new Promise((resolve, reject) => {
  const t0 = performance.now();
  const poll = () => {
    const p = globalThis.__pgradProbe;
    // Resolve once the first frame is in and the sections below are
    // attached too (or 5 s later, for a page that does not say so).
    if (p && p.frame !== null && ("widgets" in p.marks || performance.now() - p.frame > 5000)) {
      const nav = performance.getEntriesByType("navigation")[0] || {};
      const res = (name) => performance.getEntriesByType("resource").find((e) => e.name.endsWith("/" + name)) || {};
      const wasm = res("pgrad.wasm");
      const pp = globalThis.pgradPerf || {};
      resolve({
        readyMs: p.ready, frameMs: p.frame, how: p.how, csp: p.csp, marks: p.marks,
        pageFirstFrameMs: typeof pp.firstFrameMs === "number" ? pp.firstFrameMs : -1,
        domContentLoadedMs: nav.domContentLoadedEventEnd || 0,
        loadMs: nav.loadEventEnd || 0,
        wasmRequestMs: wasm.startTime || 0,
        wasmResponseEndMs: wasm.responseEnd || 0,
        wasmTransferBytes: wasm.transferSize || 0,
        wasmEncodedBytes: wasm.encodedBodySize || 0,
        wasmDecodedBytes: wasm.decodedBodySize || 0,
      });
      return;
    }
    // The page reports a failed start (a missing or broken wasm) in its
    // status line, marked "warn"; waiting longer would not help.
    const s = document.getElementById("status");
    if ((!p || p.ready === null) && s && s.classList.contains("warn")) {
      reject(new Error("the page failed to start: " + s.textContent));
    } else if (performance.now() - t0 > 60000) {
      reject(new Error("the page was not interactive after 60 s; status line: " + (s ? s.textContent : "none")));
    } else {
      setTimeout(poll, 10);
    }
  };
  poll();
})`

// perfMeasureTraining counts animation frames and rollouts over a window of
// %d milliseconds while the page trains.
const perfMeasureTraining = `new Promise((resolve) => {
  const rolls = () => Number(((document.getElementById("rollouts") || {}).textContent || "").replace(/[^0-9]/g, ""));
  const times = [];
  const r0 = rolls();
  let t0 = -1;
  const tick = (now) => {
    times.push(now);
    if (t0 < 0) t0 = now;
    if (now - t0 < %d) {
      requestAnimationFrame(tick);
      return;
    }
    const pp = globalThis.pgradPerf || {};
    resolve({
      times, r0, r1: rolls(),
      pageFps: typeof pp.fps === "number" ? pp.fps : -1,
      pageRolloutsPerSecond: typeof pp.rolloutsPerSecond === "number" ? pp.rolloutsPerSecond : -1,
      speed: (document.getElementById("speed-out") || {}).textContent || "",
      training: ((document.getElementById("train") || {}).textContent || "").trim(),
    });
  };
  requestAnimationFrame(tick);
})`

type perfLoad struct {
	ReadyMs            float64            `json:"readyMs"`
	FrameMs            float64            `json:"frameMs"`
	How                string             `json:"how"`
	CSP                []string           `json:"csp"`   // Content-Security-Policy violations the page caused
	Marks              map[string]float64 `json:"marks"` // start-up milestones seen by the probe
	PageFirstFrameMs   float64            `json:"pageFirstFrameMs"`
	DOMContentLoadedMs float64            `json:"domContentLoadedMs"`
	LoadMs             float64            `json:"loadMs"`
	WasmRequestMs      float64            `json:"wasmRequestMs"`
	WasmResponseEndMs  float64            `json:"wasmResponseEndMs"`
	WasmTransferBytes  int                `json:"wasmTransferBytes"`
	WasmEncodedBytes   int                `json:"wasmEncodedBytes"`
	WasmDecodedBytes   int                `json:"wasmDecodedBytes"`
	// Main is the renderer's main-thread work from the navigation to just
	// after the first interactive frame: on a busy machine its CPU time
	// varies less than the wall-clock milestones above.
	Main perfMainWork `json:"main"`
}

// perfMainWork is what Chromium's Performance.getMetrics counted in a tab.
type perfMainWork struct {
	CPUMs         float64 `json:"cpuMs"`        // ThreadTime: CPU time of the main thread
	ProcessCPUMs  float64 `json:"processCpuMs"` // ProcessTime: of the whole renderer (compilation threads too)
	TaskMs        float64 `json:"taskMs"`       // TaskDuration: wall time of its tasks
	ScriptMs      float64 `json:"scriptMs"`     // ScriptDuration: JavaScript and wasm
	StyleMs       float64 `json:"styleMs"`      // RecalcStyleDuration
	LayoutMs      float64 `json:"layoutMs"`     // LayoutDuration
	LayoutObjects float64 `json:"layoutObjects"`
	Nodes         float64 `json:"nodes"`
}

func perfMainThread(m map[string]float64) perfMainWork {
	return perfMainWork{
		CPUMs: 1000 * m["ThreadTime"], ProcessCPUMs: 1000 * m["ProcessTime"], TaskMs: 1000 * m["TaskDuration"], ScriptMs: 1000 * m["ScriptDuration"],
		StyleMs: 1000 * m["RecalcStyleDuration"], LayoutMs: 1000 * m["LayoutDuration"],
		LayoutObjects: m["LayoutObjects"], Nodes: m["Nodes"],
	}
}

type perfTraining struct {
	Times                 []float64 `json:"times"`
	R0                    float64   `json:"r0"`
	R1                    float64   `json:"r1"`
	PageFPS               float64   `json:"pageFps"`
	PageRolloutsPerSecond float64   `json:"pageRolloutsPerSecond"`
	Speed                 string    `json:"speed"`
	Training              string    `json:"training"`
}

// perfReport is what TestBrowserPerf prints and, with -perf.json, writes.
type perfReport struct {
	Browser        string     `json:"browser"`
	CPUs           int        `json:"cpus"`
	LoadAverage    string     `json:"loadAverage"` // /proc/loadavg before the run: how busy the machine was
	WasmBytes      int        `json:"wasmBytes"`
	WasmGzipBytes  int        `json:"wasmGzipBytes"`
	FirstFrameMs   []float64  `json:"firstFrameMs"` // per load, the first cold
	ColdFirstFrame float64    `json:"coldFirstFrameMs"`
	WarmFirstFrame float64    `json:"warmFirstFrameMedianMs"`
	Loads          []perfLoad `json:"loads"`
	Views          []perfView `json:"views"` // training at the fastest speed, per view
	// Throttled: training at each view's default speed with the CPU
	// throttled 4× (Emulation.setCPUThrottlingRate), issue 7 §4.14.
	Throttled []perfView `json:"throttled"`
}

// perfView holds the training figures of one view of the widget.
type perfView struct {
	View            string  `json:"view"`
	Speed           string  `json:"speed"`
	FPS             float64 `json:"fps"`
	FrameP50Ms      float64 `json:"frameP50Ms"`
	FrameP95Ms      float64 `json:"frameP95Ms"`
	FrameMaxMs      float64 `json:"frameMaxMs"`
	RolloutsPerSec  float64 `json:"rolloutsPerSecond"`
	PageFPS         float64 `json:"pageFps"`
	PageRolloutsSec float64 `json:"pageRolloutsPerSecond"`
	WindowSeconds   float64 `json:"windowSeconds"`
	MainThreadBusy  float64 `json:"mainThreadBusy"`  // fraction of the window the renderer's main thread ran tasks
	ScriptBusy      float64 `json:"scriptBusy"`      // fraction of the window spent in JavaScript and wasm
	StyleLayoutBusy float64 `json:"styleLayoutBusy"` // fraction spent recalculating styles and layout
}

// perfChromium finds the browser: $PGRAD_CHROMIUM, then Debian's chromium.
func perfChromium() (string, error) {
	if p := os.Getenv("PGRAD_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium found (install Debian's chromium, or set PGRAD_CHROMIUM)")
}

// TestBrowserPerf measures the explainer in headless chromium: the time
// from navigation to the first interactive frame, and frames and rollouts
// per second while training at the fastest speed. It asserts nothing about
// the figures; it fails only when it cannot take them.
func TestBrowserPerf(t *testing.T) {
	if !*perfFlag {
		t.Skip("browser performance is measured on request: go test ./web -run '^TestBrowserPerf$' -perf -v")
	}
	if !WasmBuilt() {
		t.Fatal("the wasm is not embedded: run 'go generate ./web/...' before measuring")
	}
	chrome, err := perfChromium()
	if err != nil {
		t.Fatal(err)
	}
	var rep perfReport
	rep.CPUs = runtime.NumCPU()
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		rep.LoadAverage = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	h := Handler()
	if *perfStatic != "" {
		h = NewHandler(os.DirFS(*perfStatic))
	}
	rep.WasmBytes, rep.WasmGzipBytes = perfWasmSizes(t, h)
	srv := httptest.NewServer(h)
	defer srv.Close()

	bctx := perfStartBrowser(t, chrome, 5*time.Minute)
	if v, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{}); err == nil {
		rep.Browser = v.Product
	}

	var tctx context.Context
	for i := 0; i < max(1, *perfLoads); i++ {
		var cancelTab context.CancelFunc
		var load perfLoad
		tctx, cancelTab, load = perfLoadPage(t, bctx, srv.URL+"/")
		defer cancelTab()
		rep.Loads = append(rep.Loads, load)
		rep.FirstFrameMs = append(rep.FirstFrameMs, load.FrameMs)
		if i < *perfLoads-1 {
			cancelTab()
		}
	}
	rep.ColdFirstFrame = rep.FirstFrameMs[0]
	rep.WarmFirstFrame = rep.ColdFirstFrame
	if len(rep.FirstFrameMs) > 1 {
		rep.WarmFirstFrame = perfMedian(rep.FirstFrameMs[1:])
	}

	if !*perfTrain {
		perfPrint(os.Stdout, rep)
		perfWriteJSON(t, rep)
		return
	}

	// Train at the fastest speed in the last tab.
	exceptions := perfCollectExceptions(tctx)
	const fastest = `(() => { const s = document.getElementById("speed");
  if (!s) throw new Error("no #speed control");
  s.value = s.max; s.dispatchEvent(new Event("input", { bubbles: true })); s.dispatchEvent(new Event("change", { bubbles: true }));
  return s.value; })()`
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[string](fastest)); err != nil {
		t.Fatalf("setting the fastest speed: %v", err)
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.ID("train"))); err != nil {
		t.Fatalf("clicking Train: %v", err)
	}
	// Let the JIT, the Go heap and the page's own fps window settle.
	if err := chromedp.Do(tctx, chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// Chromium's own counters of the renderer's main thread tell how much
	// of each frame the page used: the headroom left at this speed.
	if _, err := chromedp.Call(tctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{"policy", "traj", "gauss"} {
		// A click on the radio button fires its change event, as a person's would.
		sel := fmt.Sprintf(`(() => { const r = document.getElementById("view-%s"); if (!r) throw new Error("no #view-%s"); r.click(); return r.checked; })()`, view, view)
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](sel)); err != nil {
			t.Fatalf("switching to the %s view: %v", view, err)
		}
		// The Gaussian view keeps a speed of its own: set the fastest again.
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[string](fastest)); err != nil {
			t.Fatalf("setting the fastest speed in the %s view: %v", view, err)
		}
		if err := chromedp.Do(tctx, chromedp.Sleep(time.Second)); err != nil {
			t.Fatal(err)
		}
		v := perfMeasureView(t, tctx, view)
		if msgs := exceptions(); len(msgs) > 0 {
			t.Errorf("training in the %s view: the page threw: %s", view, strings.Join(msgs, "; "))
		}
		rep.Views = append(rep.Views, v)
	}

	// The same views at their default speeds (grid slider 4, Gaussian 7)
	// on a CPU throttled 4×, as a slow laptop would run them.
	if _, err := chromedp.Call(tctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
		t.Fatal(err)
	}
	for _, vs := range defaultSpeeds {
		perfShowView(t, tctx, vs.view, vs.speed)
		rep.Throttled = append(rep.Throttled, perfMeasureView(t, tctx, vs.view))
	}
	if _, err := chromedp.Call(tctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 1}); err != nil {
		t.Fatal(err)
	}

	perfPrint(os.Stdout, rep)
	perfWriteJSON(t, rep)
}

// perfWriteJSON writes the report to -perf.json, when given.
func perfWriteJSON(t *testing.T, rep perfReport) {
	if *perfJSON == "" {
		return
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(*perfJSON, append(b, '\n'), 0o644); err != nil {
		t.Error(err)
	}
}

// perfMeasureView counts frames, rollouts and main-thread time over one
// window of -perf.window while the page trains in its current view.
func perfMeasureView(t *testing.T, ctx context.Context, view string) perfView {
	t.Helper()
	window := max(perfWindow.Milliseconds(), 500)
	m0 := perfMetrics(t, ctx)
	tr, err := chromedp.Run(ctx, chromedp.Evaluate[perfTraining](fmt.Sprintf(perfMeasureTraining, window), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("measuring training in the %s view: %v", view, err)
	}
	m1 := perfMetrics(t, ctx)
	if len(tr.Times) < 2 {
		t.Fatalf("%s view: only %d animation frames in %d ms", view, len(tr.Times), window)
	}
	if tr.R1 <= tr.R0 {
		t.Errorf("%s view: the rollout counter did not advance while training (%v → %v; Train button says %q)", view, tr.R0, tr.R1, tr.Training)
	}
	elapsed := tr.Times[len(tr.Times)-1] - tr.Times[0]
	intervals := make([]float64, len(tr.Times)-1)
	for i := range intervals {
		intervals[i] = tr.Times[i+1] - tr.Times[i]
	}
	slices.Sort(intervals)
	v := perfView{
		View:            view,
		Speed:           tr.Speed,
		WindowSeconds:   elapsed / 1000,
		FPS:             float64(len(intervals)) / elapsed * 1000,
		FrameP50Ms:      perfQuantile(intervals, 0.5),
		FrameP95Ms:      perfQuantile(intervals, 0.95),
		FrameMaxMs:      intervals[len(intervals)-1],
		RolloutsPerSec:  (tr.R1 - tr.R0) / elapsed * 1000,
		PageFPS:         tr.PageFPS,
		PageRolloutsSec: tr.PageRolloutsPerSecond,
	}
	if dt := m1["Timestamp"] - m0["Timestamp"]; dt > 0 {
		v.MainThreadBusy = (m1["TaskDuration"] - m0["TaskDuration"]) / dt
		v.ScriptBusy = (m1["ScriptDuration"] - m0["ScriptDuration"]) / dt
		v.StyleLayoutBusy = (m1["RecalcStyleDuration"] - m0["RecalcStyleDuration"] + m1["LayoutDuration"] - m0["LayoutDuration"]) / dt
	}
	return v
}

// perfMetrics returns Chromium's performance counters for the tab by name.
func perfMetrics(t *testing.T, ctx context.Context) map[string]float64 {
	t.Helper()
	res, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, x := range res.Metrics {
		m[x.Name] = x.Value
	}
	return m
}

// perfCollectExceptions starts collecting the uncaught exceptions of the
// tab and returns a function that reports those seen so far.
func perfCollectExceptions(ctx context.Context) func() []string {
	var mu sync.Mutex
	var msgs []string
	events := chromedp.Events(ctx, cdpruntime.ExceptionThrown)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			mu.Lock()
			msgs = append(msgs, msg)
			mu.Unlock()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(msgs)
	}
}

// perfWasmSizes returns the sizes of the wasm as served, plain and gzipped.
func perfWasmSizes(t *testing.T, h http.Handler) (raw, gz int) {
	for _, ae := range []string{"", "gzip"} {
		w := do(h, "GET", "/"+WasmName, "Accept-Encoding", ae)
		if w.Code != http.StatusOK {
			t.Fatalf("GET /%s: status %d", WasmName, w.Code)
		}
		if ae == "" {
			raw = w.Body.Len()
		} else {
			gz = w.Body.Len()
		}
	}
	return raw, gz
}

func perfMedian(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return perfQuantile(s, 0.5)
}

// perfQuantile returns the q-quantile of sorted, interpolating linearly.
func perfQuantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

func perfPrint(w *os.File, r perfReport) {
	fmt.Fprintf(w, "pgrad browser performance: %s, headless, %d CPUs, load average %s before the run (figures on a shared machine are noisy)\n", r.Browser, r.CPUs, r.LoadAverage)
	fmt.Fprintf(w, "  wasm size:               %d bytes (%.2f MB) raw, %d bytes (%.2f MB) gzip\n", r.WasmBytes, float64(r.WasmBytes)/1e6, r.WasmGzipBytes, float64(r.WasmGzipBytes)/1e6)
	if len(r.Loads) > 0 {
		l := r.Loads[0]
		fmt.Fprintf(w, "  wasm in the browser:     %d bytes transferred, %d decoded (cold load)\n", l.WasmTransferBytes, l.WasmDecodedBytes)
		fmt.Fprintf(w, "  first interactive frame: %.0f ms cold; %.0f ms median of %d warm loads (per load: %s)\n",
			r.ColdFirstFrame, r.WarmFirstFrame, len(r.Loads)-1, perfJoin(r.FirstFrameMs))
		for i, l := range r.Loads {
			which := "cold"
			if i > 0 {
				which = fmt.Sprintf("warm %d", i)
			}
			fmt.Fprintf(w, "    %-7s wasm requested %4.0f ms, downloaded %4.0f, compiled %4.0f, instantiated %4.0f; DOMContentLoaded %4.0f; Go main ready %4.0f, bridge ready %4.0f, interactive (%s) %4.0f, first frame %4.0f ms; the sections below attached %4.0f ms\n",
				which+":", l.WasmRequestMs, l.WasmResponseEndMs, perfMark(l, "compiled"), perfMark(l, "instantiated"), l.DOMContentLoadedMs,
				perfMark(l, "goReady"), perfMark(l, "bridgeReady"), l.How, l.ReadyMs, l.FrameMs, perfMark(l, "widgets"))
			m := l.Main
			fmt.Fprintf(w, "             main thread: %.0f ms CPU (renderer %.0f ms), tasks %.0f ms (script and wasm %.0f, style %.0f, layout %.0f); %.0f layout objects, %.0f DOM nodes\n",
				m.CPUMs, m.ProcessCPUMs, m.TaskMs, m.ScriptMs, m.StyleMs, m.LayoutMs, m.LayoutObjects, m.Nodes)
		}
	}
	for _, v := range r.Views {
		fmt.Fprintf(w, "  training, %s view, at %q for %.1f s: %.1f frames/s (frame time p50 %.1f ms, p95 %.1f ms, max %.1f ms), %.0f rollouts/s\n",
			v.View, v.Speed, v.WindowSeconds, v.FPS, v.FrameP50Ms, v.FrameP95Ms, v.FrameMaxMs, v.RolloutsPerSec)
		fmt.Fprintf(w, "    main thread busy %.0f%% of the time (script and wasm %.0f%%, style and layout %.0f%%): %.1f ms of each frame; the page's own pgradPerf: %.1f frames/s, %.0f rollouts/s\n",
			100*v.MainThreadBusy, 100*v.ScriptBusy, 100*v.StyleLayoutBusy, v.MainThreadBusy*1000/max(v.FPS, 1), v.PageFPS, v.PageRolloutsSec)
	}
	for _, v := range r.Throttled {
		fmt.Fprintf(w, "  CPU throttled 4×, %s view, default speed %q: %.1f frames/s (frame time p50 %.1f ms, p95 %.1f ms), main thread busy %.0f%% (script and wasm %.0f%%, style and layout %.0f%%)\n",
			v.View, v.Speed, v.FPS, v.FrameP50Ms, v.FrameP95Ms, 100*v.MainThreadBusy, 100*v.ScriptBusy, 100*v.StyleLayoutBusy)
	}
	type viewFigures struct {
		FPS, RolloutsPerSecond, FrameP95Ms, MainThreadBusy float64
	}
	views := map[string]viewFigures{}
	for _, v := range r.Views {
		views[v.View] = viewFigures{math.Round(v.FPS*10) / 10, math.Round(v.RolloutsPerSec), math.Round(v.FrameP95Ms*10) / 10, math.Round(v.MainThreadBusy*100) / 100}
	}
	b, _ := json.Marshal(struct {
		WasmBytes, WasmGzipBytes int
		ColdFirstFrameMs         float64
		WarmFirstFrameMedianMs   float64
		Views                    map[string]viewFigures
		Browser, LoadAverage     string
	}{r.WasmBytes, r.WasmGzipBytes, math.Round(r.ColdFirstFrame), math.Round(r.WarmFirstFrame), views, r.Browser, r.LoadAverage})
	fmt.Fprintf(w, "PERF %s\n", b)
}

// perfStartBrowser starts chrome with the perf tests' options and returns
// its context, closed when the test ends. The deadline only stops a page
// that never becomes ready from hanging the test; it is not a measurement.
// The browser first opens a blank page, so that its start-up is not
// counted in the first load.
func perfStartBrowser(t *testing.T, chrome string, deadline time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, perfBrowser(chrome, t.TempDir())...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	return bctx
}

// perfLoadPage loads url in a new tab of the browser bctx and returns the
// tab (still open: cancel closes it) and the load's timings, failing the
// test if the page threw or broke its Content-Security-Policy.
func perfLoadPage(t *testing.T, bctx context.Context, url string) (context.Context, context.CancelFunc, perfLoad) {
	t.Helper()
	tctx, cancelTab := chromedp.NewContext(bctx)
	exceptions := perfCollectExceptions(tctx)
	if err := chromedp.Do(tctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: perfProbe}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	load, err := chromedp.Run(tctx, chromedp.Evaluate[perfLoad](perfWaitReady, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	load.Main = perfMainThread(perfMetrics(t, tctx))
	if msgs := exceptions(); len(msgs) > 0 {
		t.Errorf("loading %s: the page threw: %s", url, strings.Join(msgs, "; "))
	}
	if len(load.CSP) > 0 {
		t.Errorf("loading %s: Content-Security-Policy violations: %s", url, strings.Join(load.CSP, "; "))
	}
	return tctx, cancelTab, load
}

// perfMark returns a start-up milestone of l, or NaN when the probe did not
// see it (a page that starts differently).
func perfMark(l perfLoad, name string) float64 {
	if v, ok := l.Marks[name]; ok {
		return v
	}
	return math.NaN()
}

func perfJoin(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = fmt.Sprintf("%.0f", v)
	}
	return strings.Join(s, ", ")
}

// perfBrowser is the headless Chromium every perf test starts: no GPU (as
// CI has none), a fresh profile in dir, a 1280×900 window, and none of the
// background throttling Chromium applies to a tab it thinks is hidden
// (which would measure the throttling rather than the page).
func perfBrowser(chrome, dir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	}
}

// defaultSpeeds are the lab's views at the speed slider's default positions
// (grid 4, Gaussian 7), the speeds issue 7 §4.14 measures throttled.
var defaultSpeeds = []struct {
	view  string
	speed int
}{{"policy", 4}, {"traj", 4}, {"gauss", 7}}

// perfShowView switches the lab to view at the speed slider's position
// speed, then lets it run a second before anything is measured.
func perfShowView(t *testing.T, ctx context.Context, view string, speed int) {
	t.Helper()
	set := fmt.Sprintf(`(() => { document.getElementById("view-%s").click(); const s = document.getElementById("speed");
  s.value = "%d"; s.dispatchEvent(new Event("input", { bubbles: true })); return s.value; })()`, view, speed)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](set)); err != nil {
		t.Fatalf("%s view: %v", view, err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
}
