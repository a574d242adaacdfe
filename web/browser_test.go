//go:build !js && !wasip1

// The browser tests drive Debian's chromium headless with chromedp against
// the real handler and the real generated wasm:
//
//	go generate ./web/... && go test ./web -run TestBrowser -v
//
// They skip with a message when no browser or no wasm is found, and fail
// instead under CI=true. Screenshots of each view go to the test's
// artifact directory (kept with -artifacts -outputdir=DIR); with
// -screenshots they are also copied to docs/screenshots for the README.
// Waits count rollouts rather than seconds, so a loaded machine makes the
// test slower, not flaky.

package web_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/web"
)

var screenshots = flag.Bool("screenshots", false, "also copy the browser test's screenshots to docs/screenshots/ for the README")

// onCI reports whether the tests run under CI, where a skipped browser
// test would hide a broken page.
func onCI() bool { return os.Getenv("CI") == "true" }

// findChromium returns the browser to drive, or skips (fails on CI).
func findChromium(t *testing.T) string {
	t.Helper()
	names := []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
	if p := os.Getenv("PGRAD_CHROMIUM"); p != "" {
		names = []string{p}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if onCI() {
		t.Fatal("CI=true but no chromium was found: install Debian's chromium (.ci/run does) or set PGRAD_CHROMIUM")
	}
	t.Skip("no chromium found (install Debian's chromium or set PGRAD_CHROMIUM); skipping the browser tests")
	return ""
}

// page is one browser tab on the real handler, shared by the subtests so
// that chromium starts once.
type page struct {
	ctx  context.Context
	url  string
	mu   sync.Mutex
	errs []string // console errors, exceptions and failed requests
}

func (p *page) record(format string, args ...any) {
	p.mu.Lock()
	p.errs = append(p.errs, fmt.Sprintf(format, args...))
	p.mu.Unlock()
}

func (p *page) problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errs...)
}

func newPage(t *testing.T) *page {
	t.Helper()
	return newPageFor(t, 4*time.Minute)
}

// newPageFor is newPage with another deadline for the browser (the perf
// tests train for minutes).
func newPageFor(t *testing.T, deadline time.Duration) *page {
	t.Helper()
	// data-ready: the lab's first interactive frame; data-widgets: the
	// sections below it, built after that frame, are attached too.
	return newPageOn(t, web.Handler(), deadline, `html[data-ready="1"][data-widgets="1"]`)
}

// newPageOn opens the page served by h and waits until the element that
// selector names is visible.
func newPageOn(t *testing.T, h http.Handler, deadline time.Duration, selector string) *page {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser tests are not short; they run without -short")
	}
	chromium := findChromium(t)
	if !web.WasmBuilt() {
		if onCI() {
			t.Fatal("the wasm engine is not embedded: run go generate ./web/... before go test")
		}
		t.Skip("the wasm engine is not embedded (run go generate ./web/...); skipping the browser tests")
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// The deadline only stops a hung browser from hanging the suite; the
	// assertions below count rollouts, not seconds.
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)

	p := &page{ctx: ctx, url: srv.URL + "/"}
	// Open the tab first, so that the listener sees every event of the load.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.record("console.%s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			p.record("exception: %s", msg)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				p.record("log: %s %s", ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			p.record("request failed: %s %s", ev.ErrorText, ev.BlockedReason)
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				p.record("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// A headless tab has no window focus, so it would defer focus events;
	// a reader's tab has it.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.url),
		chromedp.WaitVisible(chromedp.CSS(selector)),
	); err != nil {
		t.Fatalf("loading the page: %v (problems so far: %q)", err, p.problems())
	}
	t.Logf("page loaded (%s) after %v (wall time, machine shared and noisy)", selector, time.Since(start).Round(time.Millisecond))
	return p
}

func (p *page) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		t.Fatalf("%v (page problems: %q)", err, p.problems())
	}
}

// eval evaluates a JS expression in the page and decodes its JSON result.
func eval[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v (page problems: %q)", expr, err, p.problems())
	}
	return v
}

// clickSelector clicks the centre of the first element matching sel, with
// the given modifiers; it works for SVG groups, which have no box model of
// their own in every chromium.
func (p *page) clickSelector(t *testing.T, sel string, mods ...chromedp.Modifier) {
	t.Helper()
	box := eval[[]float64](t, p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel))
	p.clickXY(t, box[0], box[1], mods...)
}

func (p *page) clickXY(t *testing.T, x, y float64, mods ...chromedp.Modifier) {
	t.Helper()
	opts := []chromedp.MouseOption{chromedp.ButtonLeft}
	if len(mods) > 0 {
		opts = append(opts, chromedp.ButtonModifiers(mods...))
	}
	p.run(t, chromedp.MouseClickXY(x, y, opts...))
}

// gridState reads the engine's grid state through the page's own bridge.
type gridState struct {
	Rollouts  float64    `json:"rollouts"`
	Goal      float64    `json:"goal"`
	Start     float64    `json:"start"`
	Size      float64    `json:"size"`
	Probs     [4]float64 `json:"probs"` // π(·|start)
	BarStart  [4]float64 `json:"bars"`  // the start cell's drawn bar heights, as fractions
	GoalClass string     `json:"goalClass"`
}

const gridStateJS = `(() => {
  const f = pgrad.step(0);
  const n = f[1], start = f[3], b = 20 + 4 * start;
  const cell = document.querySelector('.cell[data-index="' + start + '"]');
  const bars = [...cell.querySelectorAll('rect.bar')].map(r => Number(r.getAttribute('height')) / 30);
  const goalCell = document.querySelector('.cell.goal');
  return {rollouts: f[2], goal: f[4], start, size: n, probs: [f[b], f[b+1], f[b+2], f[b+3]], bars,
    goalClass: goalCell ? goalCell.dataset.row + ',' + goalCell.dataset.col : ''};
})()`

func (p *page) grid(t *testing.T) gridState {
	t.Helper()
	return eval[gridState](t, p, gridStateJS)
}

type fieldState struct {
	Rollouts float64    `json:"rollouts"`
	Mu       [2]float64 `json:"mu"`
	Target   [2]float64 `json:"target"`
	Samples  float64    `json:"samples"`
}

func (p *page) field(t *testing.T) fieldState {
	t.Helper()
	return eval[fieldState](t, p, `(() => { const f = pgrad.stepField(0); return {rollouts: f[1], mu: [f[2], f[3]], target: [f[6], f[7]], samples: f[8]}; })()`)
}

func (s fieldState) dist() float64 { return math.Hypot(s.Mu[0]-s.Target[0], s.Mu[1]-s.Target[1]) }

// trainUntil presses Train, waits until done reports true or the engine
// has run maxRollouts more rollouts, then pauses. Counting rollouts rather
// than seconds keeps the test independent of the machine's load.
func (p *page) trainUntil(t *testing.T, rollouts func() float64, maxRollouts float64, done func() bool) bool {
	t.Helper()
	from := rollouts()
	start := time.Now()
	p.clickSelector(t, "#train")
	defer func() {
		p.clickSelector(t, "#train")
		t.Logf("trained %.0f rollouts in %v", rollouts()-from, time.Since(start).Round(10*time.Millisecond))
	}()
	for {
		if done() {
			return true
		}
		if rollouts()-from > maxRollouts {
			return false
		}
		if err := chromedp.Do(p.ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls the JS predicate expr on every animation frame until it
// holds, and fails the test with what when it does not within a minute.
// Drawing is throttled (HEAVY_MS) and flushed on the next idle frame, so a
// test waits for the drawing it checks, never for a fixed time: a starved
// CI machine may take long to get there.
func (p *page) waitFor(t *testing.T, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(time.Minute)))
	if errors.Is(err, chromedp.ErrPollingTimeout) {
		t.Fatalf("waited a minute for %s (page problems: %q)", what, p.problems())
	}
	if err != nil {
		t.Fatalf("waiting for %s: %v (page problems: %q)", what, err, p.problems())
	}
}

// open loads the page afresh with the given hash and waits until that new
// document is ready. Navigating to another hash of the same page is a
// same-document navigation, and a wait for data-ready could match the old
// document before the reload replaced it; so the old document gets a
// marker, the tab goes through about:blank, and the wait holds only in a
// document without the marker.
func (p *page) open(t *testing.T, hash string) {
	t.Helper()
	eval[int](t, p, `(window.pgradStale = 1, 1)`)
	p.run(t, chromedp.Navigate("about:blank"), chromedp.Navigate(p.url+hash))
	const ready = `window.pgradStale === undefined && location.protocol !== "about:" && document.documentElement.dataset.ready === "1" && document.documentElement.dataset.widgets === "1"`
	for tries := 0; ; tries++ {
		_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](ready, chromedp.WithPollingTimeout(time.Minute)))
		switch {
		case err == nil:
			return
		case errors.Is(err, chromedp.ErrPollingTimeout):
			t.Fatalf("waited a minute for the page at %s to be ready (page problems: %q)", hash, p.problems())
		case tries >= 100 || p.ctx.Err() != nil:
			t.Fatalf("waiting for the page at %s: %v (page problems: %q)", hash, err, p.problems())
		}
		// The poll ran in a document that went away while it waited
		// (about:blank or the page being replaced): ask the new one.
	}
}

// trajDrawnJS holds when the trajectory paths drawn are those of the
// engine's latest frame (same number, same outcomes in the same order).
const trajDrawnJS = `(() => {
  const f = pgrad.step(0), n = f[1], want = [];
  let at = 20 + 5 * n * n + f[5] + f[6]; // π and b(s) per cell, then pits and walls
  for (let k = 0; k < f[7]; k++) {
    want.push(f[at] === 1 ? 'traj goal' : f[at] === 2 ? 'traj pit' : 'traj capped');
    at += 3 + f[at + 2];
  }
  const drawn = [...document.querySelectorAll('path.traj')].filter(p => (p.getAttribute('d') || '').length > 0).map(p => p.getAttribute('class'));
  return drawn.length === want.length && drawn.every((c, i) => c === want[i]);
})()`

// renderAllJS lays out and paints every section, including those that
// content-visibility: auto skips while they are far from the viewport
// (style.css), as a reader scrolling through would see them; the returned
// function undoes it. Tests that read the whole page's text (innerText
// leaves skipped sections out) or its colours after a theme switch (a
// skipped section runs no transitions) use it, and so does every screenshot.
func (p *page) renderAll(t *testing.T) (undo func()) {
	t.Helper()
	eval[int](t, p, `[...document.querySelectorAll("section")].map((s) => { s.style.contentVisibility = "visible"; }).length`)
	return func() {
		eval[int](t, p, `[...document.querySelectorAll("section")].map((s) => { s.style.contentVisibility = ""; }).length`)
	}
}

// screenshot saves the element sel (the whole page if sel is empty) as
// name in the test's artifacts and, with -screenshots, in docs/screenshots.
func (p *page) screenshot(t *testing.T, name, sel string) {
	t.Helper()
	// Every section rendered (the capture's clip is computed before it is
	// taken, and a skipped section may not be painted yet), then let colour
	// transitions finish.
	defer p.renderAll(t)()
	p.waitFor(t, "transitions to finish", `document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)`)
	var png []byte
	var err error
	if sel == "" {
		png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	} else {
		png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if *screenshots && name != "page.png" { // the whole page is too large for the README
		if err := os.MkdirAll("../docs/screenshots", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("../docs/screenshots", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func text(t *testing.T, p *page, sel string) string {
	t.Helper()
	return strings.TrimSpace(eval[string](t, p, fmt.Sprintf(`document.querySelector(%q).textContent`, sel)))
}

func TestBrowser(t *testing.T) {
	p := newPage(t)
	// The speed slider's positions: index 4 is the default, 2 rollouts a
	// frame; 8 is 50 a frame.
	setSpeed := func(t *testing.T, i int) {
		t.Helper()
		eval[string](t, p, fmt.Sprintf(`(() => { const s = document.getElementById('speed'); s.value = '%d'; s.dispatchEvent(new Event('input')); return s.value; })()`, i))
	}

	t.Run("loads", func(t *testing.T) {
		if probs := p.problems(); len(probs) > 0 {
			t.Errorf("problems while loading: %q", probs)
		}
		for _, id := range []string{"train", "step", "reset", "speed", "lr", "baseline", "view-policy", "view-traj", "view-gauss"} {
			n := eval[int](t, p, fmt.Sprintf(`document.querySelectorAll('#%s').length`, id))
			if n != 1 {
				t.Errorf("#%s: %d elements, want 1", id, n)
			}
		}
		cells := eval[int](t, p, `document.querySelectorAll('.cell[data-row][data-col]').length`)
		if cells != 9 {
			t.Errorf("%d grid cells, want 9", cells)
		}
		perf := eval[map[string]any](t, p, `globalThis.pgradPerf`)
		if v, ok := perf["firstFrameMs"].(float64); !ok || v <= 0 {
			t.Errorf("pgradPerf.firstFrameMs = %v, want a positive number", perf["firstFrameMs"])
		} else {
			t.Logf("first interactive frame at %.0f ms after navigation (noisy: shared machine)", v)
		}
		s := p.grid(t)
		for a, pr := range s.Probs {
			if math.Abs(pr-0.25) > 1e-12 {
				t.Errorf("π(%d|start) = %v before training, want 0.25", a, pr)
			}
		}
		p.screenshot(t, "page.png", "")
	})

	t.Run("bridge errors", func(t *testing.T) {
		before := p.grid(t)
		got := eval[[]string](t, p, `(() => {
		  const out = [];
		  for (const f of [() => pgrad.setGoal(9, 9), () => pgrad.setGoal(-1, 0), () => pgrad.setSettings({lr: NaN}),
		                   () => pgrad.setSettings({lr: -1}), () => pgrad.step(-3), () => pgrad.step(1.5), () => pgrad.setTarget(NaN, 0),
		                   () => pgrad.setGoal(2, 0), () => pgrad.setFieldSettings({entropy: -1}), () => pgrad.setSettings({foo: 1}),
		                   () => pgrad.setSettings({lr: 0.1, foo: 1})]) {
		    try { f(); out.push('no error'); } catch (e) { out.push(e instanceof Error ? e.message : 'not an Error: ' + e); }
		  }
		  return out;
		})()`)
		for i, msg := range got {
			if msg == "no error" || strings.HasPrefix(msg, "not an Error") || msg == "" {
				t.Errorf("bad call %d: %q, want a thrown Error with a message", i, msg)
			}
		}
		after := p.grid(t)
		if after != before {
			t.Errorf("bad calls changed the grid: %+v → %+v", before, after)
		}
		lr := eval[[]float64](t, p, `[pgrad.settings().lr, pgrad.fieldSettings().entropy]`)
		if lr[0] != 0.5 || lr[1] != 0.1 {
			t.Errorf("lr %v, field entropy %v after rejected settings, want 0.5 and 0.1", lr[0], lr[1])
		}
		// globalThis.pgrad offers every method of the bridge.
		missing := eval[[]string](t, p, `Object.keys(pgradCore).filter(k => typeof pgrad[k] !== 'function')`)
		if len(missing) > 0 {
			t.Errorf("globalThis.pgrad lacks the bridge's %q", missing)
		}
	})

	t.Run("call before ready", func(t *testing.T) {
		// A second instance of engine.js has not started an engine, so its
		// calls must throw rather than reach a missing object.
		msg, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`import('./engine.js?fresh').then(m => {
		  try { m.call('step', 1); return 'no error'; } catch (e) { return e instanceof Error ? e.message : 'not an Error'; }
		})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, "before the engine is ready") {
			t.Errorf("a call before the engine is ready gave %q, want a thrown Error saying so", msg)
		}
	})

	t.Run("formula legend", func(t *testing.T) {
		eval[int](t, p, `document.querySelector('.formula .sym[data-sym="theta"]').focus(), 1`)
		lit := eval[[]string](t, p, `[...document.querySelectorAll('.lit')].map(e => e.tagName + ':' + e.dataset.sym)`)
		if len(lit) != 2 || lit[0] != "SPAN:theta" || lit[1] != "DIV:theta" {
			t.Errorf("focusing θ lit %q, want the symbol and its legend entry", lit)
		}
		box := eval[[]float64](t, p, `(() => { const e = document.querySelector('.formula .sym[data-sym="r"]'); e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		p.run(t, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1]))
		lit = eval[[]string](t, p, `[...document.querySelectorAll('.lit')].map(e => e.tagName + ':' + e.dataset.sym)`)
		if len(lit) != 2 || lit[0] != "SPAN:r" || lit[1] != "DIV:r" {
			t.Errorf("hovering R lit %q, want the symbol and its legend entry", lit)
		}
		eval[int](t, p, `document.activeElement.blur(), 1`)
	})

	t.Run("train", func(t *testing.T) {
		// π(toward goal | start): from the bottom-left start, up and right
		// both head for the top-right goal.
		toward := func(s gridState) float64 { return s.Probs[0] + s.Probs[1] }
		// 15 s at the default 2 rollouts a frame and 60 frames a second.
		ok := p.trainUntil(t, func() float64 { return p.grid(t).Rollouts }, 1800, func() bool { return toward(p.grid(t)) > 0.9 })
		s := p.grid(t)
		if !ok {
			t.Fatalf("after %.0f rollouts π(up or right | start) = %.3f, want > 0.9", s.Rollouts, toward(s))
		}
		for a := range 4 {
			if math.Abs(s.BarStart[a]-s.Probs[a]) > 0.01 {
				t.Errorf("start cell bar %d drawn at %.3f, π = %.3f", a, s.BarStart[a], s.Probs[a])
			}
		}
		if got := text(t, p, "#train"); got != "Train" {
			t.Errorf("#train reads %q after pausing, want Train", got)
		}
		// The readout under the grid gives the start's numbers.
		readout := text(t, p, "#readout")
		for a, glyph := range []string{"↑", "→", "↓", "←"} {
			if want := fmt.Sprintf("%s %.2f", glyph, s.Probs[a]); !strings.Contains(readout, want) {
				t.Errorf("readout %q lacks %q", readout, want)
			}
		}
		// The policy view's arrows: at the start cell, a clearly likelier
		// action has a wider arrow; the greedy path runs from the start.
		type arrows struct {
			Widths      []float64 `json:"widths"`
			Greedy      int       `json:"greedy"`
			GreedyStart bool      `json:"greedyStart"`
			GreedyGoal  bool      `json:"greedyGoal"`
		}
		a := eval[arrows](t, p, `(() => {
		  const cell = document.querySelector('.cell[data-row="2"][data-col="0"]');
		  const widths = [...cell.querySelectorAll('path.arrow-fill')].map(p => p.getBBox()).map((b, i) => i % 2 === 0 ? b.width : b.height);
		  const pieces = [...document.querySelectorAll('.cell')].filter(c => (c.querySelector('path.greedy').getAttribute('d') || '').length > 0);
		  return {widths, greedy: pieces.length, greedyStart: pieces.includes(cell), greedyGoal: pieces.some(c => c.classList.contains('goal'))};
		})()`)
		if len(a.Widths) != 4 {
			t.Fatalf("%d arrows in the start cell", len(a.Widths))
		}
		for i := range 4 {
			for j := range 4 {
				if s.Probs[i] > s.Probs[j]+0.1 && a.Widths[i] <= a.Widths[j] {
					t.Errorf("start cell: π = %v but arrow widths %v", s.Probs, a.Widths)
				}
			}
		}
		// The greedy path runs from the start and stops at the goal's edge,
		// clear of its label.
		if a.Greedy < 2 || !a.GreedyStart || a.GreedyGoal {
			t.Errorf("greedy path drawn in %d cells, in the start %v, in the goal %v; want ≥ 2, true, false", a.Greedy, a.GreedyStart, a.GreedyGoal)
		}
		// Hovering the start shows its numbers where its corner label was,
		// so the label steps aside.
		box := eval[[]float64](t, p, `(() => { const r = document.querySelector('.cell.start .cell-bg').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
		p.run(t, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1]))
		p.waitFor(t, "the start's numbers to replace its corner label", `(() => { const c = document.querySelector('.cell.start');
		  return getComputedStyle(c.querySelector('.nums')).opacity === '1' && getComputedStyle(c.querySelector('.cell-label.corner')).opacity === '0'; })()`)
		p.run(t, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1))
		p.screenshot(t, "policy.png", "#lab")
	})

	t.Run("move goal", func(t *testing.T) {
		before := p.grid(t)
		p.clickSelector(t, `.cell[data-row="2"][data-col="2"]`)
		s := p.grid(t)
		if s.Goal != 8 || s.GoalClass != "2,2" {
			t.Fatalf("after clicking (2,2): goal %v drawn at %q, want 8 at 2,2", s.Goal, s.GoalClass)
		}
		if s.Probs != before.Probs {
			t.Errorf("moving the goal changed π(·|start): %v → %v; the policy must be kept", before.Probs, s.Probs)
		}
		// Clicking the start must not move the goal there.
		p.clickSelector(t, `.cell[data-row="2"][data-col="0"]`)
		if g := p.grid(t).Goal; g != 8 {
			t.Errorf("clicking the start moved the goal to %v", g)
		}
		if msg := text(t, p, "#status"); !strings.Contains(msg, "start") {
			t.Errorf("status after clicking the start = %q, want an explanation", msg)
		}
		setSpeed(t, 8)
		// The new goal is straight to the right of the start.
		ok := p.trainUntil(t, func() float64 { return p.grid(t).Rollouts }, 20000, func() bool { return p.grid(t).BarStart[1] > 0.8 })
		setSpeed(t, 4)
		if !ok {
			t.Fatalf("the start cell's bars did not re-tilt: π(·|start) = %v", p.grid(t).Probs)
		}
		moves := eval[int](t, p, `pgrad.step(0)[10]`)
		if moves != 1 {
			t.Errorf("%d goal moves recorded, want 1", moves)
		}
	})

	t.Run("shift-click moves the pit", func(t *testing.T) {
		p.clickSelector(t, `.cell[data-row="0"][data-col="0"]`, chromedp.ModifierShift)
		pit := eval[string](t, p, `document.querySelector('.cell.pit').dataset.index`)
		if pit != "0" {
			t.Errorf("pit at cell %s after shift-clicking (0,0), want 0", pit)
		}
		p.clickSelector(t, `.cell[data-row="1"][data-col="1"]`, chromedp.ModifierShift)
		pit = eval[string](t, p, `document.querySelector('.cell.pit').dataset.index`)
		if pit != "4" {
			t.Errorf("pit at cell %s after shift-clicking (1,1), want 4", pit)
		}
	})

	t.Run("trajectories view", func(t *testing.T) {
		p.clickSelector(t, `label[for="view-traj"]`)
		p.clickSelector(t, "#step") // draw fresh rollouts
		p.waitFor(t, "the latest rollouts to be drawn", trajDrawnJS)
		type trajView struct {
			Class   string   `json:"class"`
			Paths   int      `json:"paths"`
			Classes []string `json:"classes"`
			Arrows  bool     `json:"arrows"`
		}
		got := eval[trajView](t, p, `(() => {
		  const svg = document.getElementById('grid');
		  const paths = [...document.querySelectorAll('path.traj')].filter(p => (p.getAttribute('d') || '').length > 0);
		  const arrows = getComputedStyle(document.querySelector('.arrows')).display !== 'none';
		  return {class: svg.getAttribute('class'), paths: paths.length, classes: paths.map(p => p.getAttribute('class')), arrows};
		})()`)
		if !strings.Contains(got.Class, "show-traj") || got.Arrows {
			t.Errorf("grid class %q, policy arrows shown %v: want the trajectory view", got.Class, got.Arrows)
		}
		if got.Paths < 20 {
			t.Errorf("%d trajectories drawn, want the last 24", got.Paths)
		}
		goal := 0
		for _, c := range got.Classes {
			if c == "traj goal" {
				goal++
			}
		}
		if goal == 0 {
			t.Errorf("no trajectory drawn as reaching the goal among %q", got.Classes)
		}
		// For the picture, rollouts early in learning, when they still
		// wander, fall into the pit and run out of steps.
		p.clickSelector(t, "#reset")
		for range 12 {
			p.clickSelector(t, "#step")
		}
		p.waitFor(t, "the latest rollouts to be drawn", trajDrawnJS)
		p.screenshot(t, "trajectories.png", "#lab")
	})

	t.Run("gaussian view", func(t *testing.T) {
		p.clickSelector(t, `label[for="view-gauss"]`)
		visible := eval[bool](t, p, `!document.getElementById('stage-field').hidden && document.getElementById('stage-grid').hidden`)
		if !visible {
			t.Fatal("the Gaussian view did not replace the grid")
		}
		// The Gaussian view has its own default speed, 20 samples a frame,
		// so that μ visibly reaches the target within a few seconds: here
		// within 3,600 samples, 3 s at 60 frames a second.
		if got := eval[string](t, p, `document.getElementById('speed').value + ' ' + document.getElementById('speed-out').textContent`); got != "7 20 samples / frame" {
			t.Errorf("the Gaussian view's speed slider reads %q, want 7 20 samples / frame", got)
		}
		before := p.field(t)
		d0 := before.dist()
		ok := p.trainUntil(t, func() float64 { return p.field(t).Rollouts }, 3600, func() bool { return p.field(t).dist() < d0/3 })
		after := p.field(t)
		if !ok {
			t.Errorf("μ went from %v to %v, target %v: distance %.3f → %.3f, want a third", before.Mu, after.Mu, after.Target, d0, after.dist())
		}
		p.waitFor(t, "the latest samples to be drawn", `[...document.querySelectorAll('circle.dot')].filter(c => Number(c.getAttribute('r')) > 0).length === pgrad.stepField(0)[8]`)
		type fieldDrawing struct {
			Dots, Ellipses int
			Mu             [2]float64
			Heat           int
		}
		drawn := eval[fieldDrawing](t, p, `(() => {
		  const dots = [...document.querySelectorAll('circle.dot')].filter(c => Number(c.getAttribute('r')) > 0).length;
		  const ell = [...document.querySelectorAll('ellipse.ellipse')].filter(e => Number(e.getAttribute('rx')) > 0).length;
		  const mu = document.querySelector('circle.mu');
		  const c = document.getElementById('heat');
		  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		  let lit = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) lit++;
		  return {Dots: dots, Ellipses: ell, Mu: [Number(mu.getAttribute('cx')), Number(mu.getAttribute('cy'))], Heat: lit};
		})()`)
		if drawn.Dots < 100 || drawn.Ellipses != 2 || drawn.Heat != 48*48 {
			t.Errorf("drawn: %d sample dots, %d σ ellipses, %d heat-map pixels; want ≥ 100, 2, %d", drawn.Dots, drawn.Ellipses, drawn.Heat, 48*48)
		}
		// μ is drawn where the engine says: x from [−1, 1] onto [0, 360].
		if wantX := (after.Mu[0] + 1) / 2 * 360; math.Abs(drawn.Mu[0]-wantX) > 0.5 {
			t.Errorf("μ drawn at x = %.1f, want %.1f", drawn.Mu[0], wantX)
		}
		p.screenshot(t, "gaussian.png", "#lab")

		// A click at the plane's lower-left quarter moves the target there.
		box := eval[[]float64](t, p, `(() => { const e = document.getElementById('plane'); e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
		p.clickXY(t, box[0]+0.25*box[2], box[1]+0.75*box[3])
		moved := p.field(t)
		if math.Abs(moved.Target[0]+0.5) > 0.02 || math.Abs(moved.Target[1]+0.5) > 0.02 {
			t.Fatalf("target %v after clicking the lower-left quarter, want (−0.5, −0.5)", moved.Target)
		}
		d1 := moved.dist()
		// At the default speed, μ follows within 5 s at 60 frames a second
		// (the engine needs 1,900 samples for this move typically, 4,100
		// at most over 62 starting points).
		ok = p.trainUntil(t, func() float64 { return p.field(t).Rollouts }, 6000, func() bool { return p.field(t).dist() < d1/3 })
		if !ok {
			t.Errorf("μ did not follow the target: distance %.3f → %.3f", d1, p.field(t).dist())
		}
		// The arrow keys move the target by a twentieth of the plane.
		from := p.field(t).Target
		eval[int](t, p, `document.getElementById('plane').focus(), 1`)
		p.run(t, chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp))
		if got := p.field(t).Target; math.Abs(got[0]-from[0]-0.1) > 1e-9 || math.Abs(got[1]-from[1]-0.2) > 1e-9 {
			t.Errorf("target %v after → ↑ ↑ from %v, want it moved by (0.1, 0.2)", got, from)
		}
		p.clickSelector(t, `label[for="view-policy"]`)
		if got := eval[string](t, p, `document.getElementById('speed').value`); got != "4" {
			t.Errorf("back in the policy view the speed slider is at %s, want the grid's own 4", got)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		// Focus something that is not a control, as a reader would by
		// clicking on the text.
		p.clickSelector(t, "#lab-title")
		r0 := p.grid(t).Rollouts
		p.run(t, chromedp.KeyEvent(" "))
		if got := text(t, p, "#train"); got != "Pause" {
			t.Errorf("after Space #train reads %q, want Pause", got)
		}
		p.waitFor(t, "rollouts while training", fmt.Sprintf(`pgrad.step(0)[2] > %v`, r0))
		p.run(t, chromedp.KeyEvent(" "))
		if got := text(t, p, "#train"); got != "Train" {
			t.Errorf("after a second Space #train reads %q, want Train", got)
		}
		if msg := text(t, p, "#status"); !strings.HasPrefix(msg, "Paused after ") {
			t.Errorf("status after pausing = %q, want it to say training is paused", msg)
		}
		p.run(t, chromedp.KeyEvent("r"))
		if r := p.grid(t).Rollouts; r != 0 {
			t.Errorf("%v rollouts after R, want 0", r)
		}
		p.run(t, chromedp.KeyEvent("s"))
		if r := p.grid(t).Rollouts; r != 4 {
			t.Errorf("%v rollouts after S, want one batch of 4", r)
		}
		if msg := text(t, p, "#status"); !strings.HasPrefix(msg, "One batch: 4 rollouts (") {
			t.Errorf("status after S = %q, want an account of the batch", msg)
		}
		// Arrow keys and Enter: from the start (2,0) up one and right two
		// is (1,2), an empty cell, which becomes the goal.
		eval[int](t, p, `document.querySelector('.cell[data-row="2"][data-col="0"]').focus(), 1`)
		p.run(t, chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.Enter))
		if s := p.grid(t); s.GoalClass != "1,2" {
			t.Errorf("goal at %q after ↑ → → Enter from the start, want 1,2", s.GoalClass)
		}
		focused := eval[string](t, p, `document.activeElement.dataset.index || ''`)
		if focused != "5" {
			t.Errorf("focus on cell %q, want 5", focused)
		}
	})

	t.Run("phone", func(t *testing.T) {
		p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		overflow := eval[int](t, p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
		if overflow > 0 {
			t.Errorf("the page is %d px wider than a 390 px phone", overflow)
		}
		// Controls must be big enough for a finger.
		small := eval[[]string](t, p, `[...document.querySelectorAll('#lab button, .views label')].filter(e => { const r = e.getBoundingClientRect(); return e.offsetParent !== null && r.height < 40; }).map(e => e.id || e.textContent.trim())`)
		if len(small) > 0 {
			t.Errorf("controls lower than 40 px at phone width: %q", small)
		}
		// The views keep their subtitles, and each stat's label fits on one
		// line so that the three values line up, in both kinds of view.
		for _, view := range []string{"view-gauss", "view-policy"} {
			// A script click: a mouse click at a phone's emulated scale can
			// land elsewhere once the page has scrolled.
			if !eval[bool](t, p, fmt.Sprintf(`(document.getElementById(%q).click(), document.getElementById('stage-field').hidden === %v)`, view, view != "view-gauss")) {
				t.Fatalf("clicking #%s did not switch the view", view)
			}
			layout := eval[[]string](t, p, `(() => {
			  const bad = [];
			  for (const s of document.querySelectorAll('.views .sub')) {
			    const r = s.getBoundingClientRect(), l = s.closest('label').getBoundingClientRect();
			    if (getComputedStyle(s).display === 'none' || r.width === 0 || r.left < l.left || r.right > l.right) bad.push('subtitle ' + s.textContent + ' hidden or outside its tab');
			  }
			  for (const dt of document.querySelectorAll('.stats dt')) {
			    const range = document.createRange(); range.selectNodeContents(dt);
			    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
			    if (lines !== 1 || dt.scrollWidth > dt.clientWidth) bad.push('label ' + dt.textContent + ' takes ' + lines + ' lines or is cut');
			  }
			  const tops = new Set([...document.querySelectorAll('.stats dd')].map(d => Math.round(d.getBoundingClientRect().top)));
			  if (tops.size !== 1) bad.push('stat values at ' + tops.size + ' heights');
			  return bad;
			})()`)
			if len(layout) > 0 {
				t.Errorf("%s at phone width: %q", view, layout)
			}
		}
		p.screenshot(t, "phone.png", "#lab")
		p.run(t, chromedp.EmulateViewport(1280, 900))
	})

	t.Run("dark", func(t *testing.T) {
		dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, dark); err != nil {
			t.Fatal(err)
		}
		p.waitFor(t, "the dark background", `getComputedStyle(document.body).backgroundColor !== 'rgb(251, 250, 246)'`)
		p.screenshot(t, "dark.png", "#lab")
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("reduced motion", func(t *testing.T) {
		reduce := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, reduce); err != nil {
			t.Fatal(err)
		}
		d := eval[[]string](t, p, `[document.getElementById('step'), document.querySelector('.cell-bg')].map(e => getComputedStyle(e).transitionDuration)`)
		for _, v := range d {
			if v != "0s" {
				t.Errorf("transition %q with prefers-reduced-motion, want none", v)
			}
		}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("settings in the URL", func(t *testing.T) {
		// The hash set by the page reproduces it on a fresh load.
		p.clickSelector(t, `.cell[data-row="0"][data-col="0"]`)
		// The status names the cell as the replay command does: row,col from 0.
		if msg := text(t, p, "#status"); !strings.HasPrefix(msg, "Goal moved to cell 0,0 (top-left).") {
			t.Errorf("status after clicking the top-left cell = %q, want it named cell 0,0", msg)
		}
		hash := eval[string](t, p, `location.hash`)
		for _, want := range []string{"seed=1", "goal=0%2C0", "pit=1%2C1", "lr=0.5"} {
			if !strings.Contains(hash, want) {
				t.Errorf("hash %q lacks %q", hash, want)
			}
		}
		// A link that restates the defaults moves nothing, so the curves
		// show no goal or target move at rollout 0.
		p.open(t, "#seed=1&goal=0%2C2&pit=1%2C1&target=0.5%2C0.4")
		if moves := eval[[]int](t, p, `[pgrad.step(0)[10], pgrad.stepField(0)[17]]`); moves[0] != 0 || moves[1] != 0 {
			t.Errorf("a link with the default goal, pit and target recorded moves %v, want none", moves)
		}
		checkReplay(t, p)
		// A link that moves the goal onto the pit's square and the pit
		// elsewhere needs the pit moved first.
		p.open(t, "#goal=1%2C1&pit=0%2C0")
		if s := p.grid(t); s.GoalClass != "1,1" {
			t.Errorf("goal at %q from a link with goal=1,1 and pit=0,0", s.GoalClass)
		}
		p.open(t, "#seed=7&lr=0.2&baseline=none&speed=3&view=traj&goal=1%2C2&pit=0%2C1&target=-0.5%2C0.25")
		type restored struct {
			Seed, LR      float64
			Baseline      string
			Speed, Goal   string
			Pit           string
			Traj          bool
			TargetX       float64
			TargetY       float64
			LRShown       string
			BaselineShown bool
		}
		got := eval[restored](t, p, `(() => { const s = pgrad.settings(), f = pgrad.stepField(0);
		  return {Seed: s.seed, LR: s.lr, Baseline: s.baseline, Speed: document.getElementById('speed').value,
		    Goal: document.querySelector('.cell.goal').dataset.index, Pit: document.querySelector('.cell.pit').dataset.index,
		    Traj: document.getElementById('view-traj').checked, TargetX: f[6], TargetY: f[7],
		    LRShown: document.getElementById('lr-out').textContent, BaselineShown: document.getElementById('baseline').value !== 'none'}; })()`)
		want := restored{Seed: 7, LR: 0.2, Baseline: "none", Speed: "3", Goal: "5", Pit: "1", Traj: true, TargetX: -0.5, TargetY: 0.25, LRShown: "0.2"}
		if got != want {
			t.Errorf("restored %+v\nwant     %+v", got, want)
		}
		// A broken link still gives a working page, and says what it ignored.
		p.open(t, "#seed=x&goal=9%2C9&lr=-1")
		if msg := text(t, p, "#status"); !strings.Contains(msg, "Ignored") {
			t.Errorf("status %q after a broken link, want it to say what was ignored", msg)
		}
		if s := p.grid(t); s.GoalClass != "0,2" {
			t.Errorf("goal %q after a broken link, want the default 0,2", s.GoalClass)
		}
	})

	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("console errors or failed requests during the test: %q", probs)
	}
}

// checkReplay steps a fresh page and checks the command it prints: the
// native session with those arguments must hold the very same numbers, bit
// for bit, as the tab's wasm session.
func checkReplay(t *testing.T, p *page) {
	t.Helper()
	for range 5 {
		p.clickSelector(t, "#step")
	}
	if got, want := text(t, p, "#replay"), "pgrad train gridworld -seed 1 -rollouts 20"; got != want {
		t.Fatalf("replay command %q, want %q", got, want)
	}
	probs := eval[[][4]float64](t, p, `(() => { const f = pgrad.step(0), n = f[1]; const out = [];
	  for (let i = 0; i < n * n; i++) out.push([f[20 + 4 * i], f[21 + 4 * i], f[22 + 4 * i], f[23 + 4 * i]]); return out; })()`)
	g, err := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Step(20); err != nil {
		t.Fatal(err)
	}
	if want := g.Snapshot(0).Probs; !reflect.DeepEqual(probs, want) {
		t.Errorf("the tab's π after 20 rollouts differs from the command line's:\ntab    %v\nnative %v", probs, want)
	}

	p.clickSelector(t, `label[for="view-gauss"]`)
	for range 3 {
		p.clickSelector(t, "#step")
	}
	if got, want := text(t, p, "#replay"), "pgrad train field -seed 1 -rollouts 12"; got != want {
		t.Fatalf("replay command %q, want %q", got, want)
	}
	mu := eval[[4]float64](t, p, `(() => { const f = pgrad.stepField(0); return [f[2], f[3], f[4], f[5]]; })()`)
	f, err := lab.NewField(env.DefaultField(), lab.DefaultFieldSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Step(12); err != nil {
		t.Fatal(err)
	}
	s := f.Snapshot(0)
	if want := [4]float64{s.Mu[0], s.Mu[1], s.Sigma[0], s.Sigma[1]}; mu != want {
		t.Errorf("the tab's μ, σ after 12 samples %v, the command line's %v", mu, want)
	}

	// A change after the first rollout cannot be said in one command.
	eval[int](t, p, `document.getElementById('plane').focus(), 1`)
	p.run(t, chromedp.KeyEvent(kb.ArrowLeft))
	if got := text(t, p, "#replay"); got != "" {
		t.Errorf("replay command %q after moving the target mid-run, want none", got)
	}
	p.clickSelector(t, `label[for="view-policy"]`)
}
