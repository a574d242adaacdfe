//go:build !js && !wasip1

package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pgrad/pgrad/web"
)

// bootOrder is what the page's own Resource Timing and marks say about its
// start-up.
type bootOrder struct {
	WasmRequests  int      `json:"wasmRequests"`  // entries for pgrad.wasm: 1 when the preload was used
	WasmStart     float64  `json:"wasmStart"`     // ms since navigation
	Widgets       float64  `json:"widgets"`       // app.js's "pgrad-widgets" mark: widgets about to be built
	Scripts       []string `json:"scripts"`       // the .js resources the page requested, in order
	FirstStart    float64  `json:"firstStart"`    // bundle.js requested
	LaterStart    float64  `json:"laterStart"`    // bundle-later.js requested
	FirstFrame    float64  `json:"firstFrame"`    // the lab's first interactive frame (loop.js)
	FormatMisfits []string `json:"formatMisfits"` // thousands(n) ≠ n.toLocaleString("en-US")
}

const bootOrderJS = `(async () => {
  const res = performance.getEntriesByType("resource");
  const named = (n) => res.filter((e) => new URL(e.name).pathname === "/" + n);
  const wasm = named("pgrad.wasm");
  const mark = performance.getEntriesByName("pgrad-widgets")[0];
  const path = (e) => new URL(e.name).pathname;
  const js = res.filter((e) => e.name.endsWith(".js"));
  const start = (n) => (named(n)[0] || { startTime: -1 }).startTime;
  const { thousands } = await import("./format.js");
  const xs = [0, 7, 999, 1000, 12345, 300000, 1234567, -4200, 9007199254740991, 1.5, 1234.25];
  return {
    wasmRequests: wasm.length,
    wasmStart: wasm.length ? wasm[0].startTime : -1,
    widgets: mark ? mark.startTime : -1,
    scripts: js.map(path),
    firstStart: start("bundle.js"),
    laterStart: start("bundle-later.js"),
    firstFrame: globalThis.pgradPerf.firstFrameMs,
    formatMisfits: xs.filter((x) => thousands(x) !== x.toLocaleString("en-US")).map((x) => x + ": " + thousands(x) + " vs " + x.toLocaleString("en-US")),
  };
})()`

// TestBrowserBoot checks the order the page's start-up relies on for its
// first interactive frame (issue 10 §4): the engine's download starts
// before the widgets are built, from the <head> preload, and is used by
// preload.js (one request, not two); the page's modules come in two
// bundles, the lab's before its first frame and the sections below only
// after it; format.js's thousands writes what
// toLocaleString would; and a citation link scrolls to its reference
// without restarting the lab (app.js takes it for an anchor, not for a
// settings link).
func TestBrowserBoot(t *testing.T) {
	p := newPage(t)
	var b bootOrder
	if err := runEval(p, bootOrderJS, &b); err != nil {
		t.Fatal(err)
	}
	t.Logf("start-up: %+v", b)
	if b.WasmRequests != 1 {
		t.Errorf("pgrad.wasm was requested %d times, want once (the <head> preload, then used by engine.js's fetch)", b.WasmRequests)
	}
	if b.Widgets < 0 {
		t.Fatal("no pgrad-widgets mark: app.js did not run, or no longer marks where it builds the widgets")
	}
	if b.WasmStart < 0 || b.WasmStart >= b.Widgets {
		t.Errorf("the wasm was requested at %.1f ms, after the widgets began to be built (%.1f ms)", b.WasmStart, b.Widgets)
	}
	// The page's modules come in two bundles: the lab's before its first
	// frame, the sections below after it; no module is fetched on its own
	// (wasm_exec.js is Go's loader, deep-worker.js the CartPole worker).
	for _, js := range b.Scripts {
		if !slices.Contains([]string{"/preload.js", "/" + web.WasmExecName, "/" + web.BundleName, "/" + web.BundleLaterName, "/deep-worker.js"}, js) {
			t.Errorf("the page requested the module %s on its own, not in a bundle (scripts: %q)", js, b.Scripts)
		}
	}
	if b.FirstStart < 0 || b.FirstStart > b.FirstFrame {
		t.Errorf("%s was requested at %.0f ms, want before the lab's first frame (%.0f ms)", web.BundleName, b.FirstStart, b.FirstFrame)
	}
	if b.LaterStart < b.FirstFrame {
		t.Errorf("%s was requested at %.0f ms, want after the lab's first frame (%.0f ms)", web.BundleLaterName, b.LaterStart, b.FirstFrame)
	}
	if len(b.FormatMisfits) > 0 {
		t.Errorf("thousands differs from toLocaleString: %q", b.FormatMisfits)
	}

	// A citation link scrolls to its reference and leaves the lab as it was.
	p.clickSelector(t, "#step")
	p.waitFor(t, "one batch to run", `pgrad.step(0)[2] > 0`)
	before := p.grid(t).Rollouts
	// The link's own activation (a click at its centre can miss a link
	// that wraps over two lines).
	eval[bool](t, p, `(document.querySelector('a[href="#ref-williams"]').click(), true)`)
	p.waitFor(t, "the reference to be on screen", `(() => { const r = document.getElementById("ref-williams").getBoundingClientRect(); return r.height > 0 && r.top > -2 && r.top < innerHeight; })()`) // the scroll leaves it a fraction of a pixel above the top
	if shown := eval[string](t, p, `document.getElementById("ref-williams").innerText`); !strings.Contains(shown, "Williams") {
		t.Errorf("the reference reached by its link reads %q", shown)
	}
	if after := p.grid(t).Rollouts; after != before {
		t.Errorf("following a citation link changed the lab: %v rollouts before, %v after", before, after)
	}
	if st := text(t, p, "#status"); strings.Contains(st, "link") {
		t.Errorf("following a citation link was taken for a settings link: %q", st)
	}
}

// runEval evaluates an expression that returns a promise and decodes it.
func runEval(p *page, expr string, out *bootOrder) error {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[bootOrder](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("evaluating the start-up order: %v (page problems: %q)", err, p.problems())
	}
	*out = v
	return nil
}
