package web_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// cpState is what the CartPole section holds, read from its widget.
type cpState struct {
	Iter    float64    `json:"iter"`
	Steps   float64    `json:"steps"`
	Curve   []*float64 `json:"curve"` // null: NaN (no episode finished yet)
	Watch   float64    `json:"watch"`
	Snaps   int        `json:"snaps"`
	Step    float64    `json:"step"`
	Command string     `json:"command"`
	Header  []float64  `json:"header"`
}

const cpStateJS = `(() => { const w = pgradCartPole, h = w.header;
  return {iter: h[2], steps: h[4], curve: w.curveY.map(v => Number.isNaN(v) ? null : v), watch: w.watch, snaps: w.snaps.length,
    step: w.current ? w.current.step : -1, command: document.getElementById('cp-cmd').textContent,
    header: Array.from(h).map(v => Number.isNaN(v) ? -12345 : v)}; })()`

func cp(t *testing.T, p *page) cpState {
	t.Helper()
	return eval[cpState](t, p, cpStateJS)
}

// askGo sends one request to the section's worker and returns its reply
// (value or error message) as JSON-able data.
func askGo(t *testing.T, p *page, msg string) map[string]any {
	t.Helper()
	return evalAwait[map[string]any](t, p, fmt.Sprintf(`pgradCartPole.ask(%s).then(m => ({value: m.value === undefined ? null : m.value, iter: m.frame ? m.frame[2] : -1}), e => ({error: e.message}))`, msg))
}

// evalAwait is eval for an expression whose value is a promise.
func evalAwait[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v (page problems: %q)", expr, err, p.problems())
	}
	return v
}

// TestBrowserCartPole drives the CartPole section: lazy loading, Step,
// the curve against pgrad train -portable bit for bit, bad input, Train,
// the history scrubber, the keyboard, the other tasks, phone width, both
// themes and text contrast.
func TestBrowserCartPole(t *testing.T) {
	p := newPage(t)
	// The worker is the only thing that fetches pgrad-deep.wasm.
	if eval[bool](t, p, `pgradCartPole.worker !== null || pgradCartPole.state !== 'idle'`) {
		t.Fatal("the neural engine started loading with the first view; it must wait for its section")
	}
	// Watch the status line from now on, to see the loading state.
	eval[bool](t, p, `(() => { window.cpSaid = []; const s = document.getElementById('cp-status');
	  new MutationObserver(() => cpSaid.push(s.textContent)).observe(s, {childList: true, characterData: true, subtree: true}); return true; })()`)
	eval[bool](t, p, `(document.getElementById('cartpole').scrollIntoView(), true)`)
	p.waitFor(t, "the neural engine", `document.getElementById('cartpole').dataset.engine === 'ready' && pgradCartPole.header !== null && !document.getElementById('cp-train').disabled`)
	if said := eval[[]string](t, p, `cpSaid`); len(said) == 0 || !strings.Contains(said[0], "Loading the neural engine") {
		t.Errorf("the status line did not show a loading state first: %q", said)
	}

	t.Run("step matches pgrad train -portable", func(t *testing.T) {
		const n = 4
		for i := 1; i <= n; i++ {
			p.clickSelector(t, "#cp-step")
			p.waitFor(t, fmt.Sprintf("iteration %d", i), fmt.Sprintf(`pgradCartPole.header[2] === %d && pgradCartPole.curveX.length === %d`, i, i))
		}
		s := cp(t, p)
		want := fmt.Sprintf("pgrad train cartpole -seed 1 -portable -iters %d", n)
		if s.Command != want {
			t.Fatalf("the page prints %q, want %q", s.Command, want)
		}
		if g := askGo(t, p, `{op: "command"}`); g["value"] != want {
			t.Errorf("Go's command for the session is %v, the page prints %q", g["value"], want)
		}
		rows := runPrinted(t, s.Command)
		if len(rows) != n {
			t.Fatalf("pgrad train wrote %d iterations, want %d", len(rows), n)
		}
		for i, r := range rows {
			cli := math.NaN()
			if r != "" {
				cli, _ = strconv.ParseFloat(r, 64)
			}
			tab := math.NaN()
			if s.Curve[i] != nil {
				tab = *s.Curve[i]
			}
			if math.Float64bits(cli) != math.Float64bits(tab) && !(math.IsNaN(cli) && math.IsNaN(tab)) {
				t.Errorf("iteration %d: the tab's mean return %v, pgrad train -portable's %v", i+1, tab, cli)
			}
		}
	})

	t.Run("bad input", func(t *testing.T) {
		before := cp(t, p)
		bad := []string{
			`{env: "cartpole", algo: "ppo", seed: 1, lr: NaN, hidden: 64}`,
			`{env: "cartpole", algo: "ppo", seed: 1, lr: 0.001, hidden: -64}`,
			`{env: "cartpole", algo: "ppo", seed: 1, lr: 0.001, hidden: 1e9}`,
			`{env: "cartpole", algo: "dqn", seed: 1, lr: 0.001, hidden: 64}`,
		}
		for _, b := range bad {
			r := askGo(t, p, fmt.Sprintf(`{op: "configure", set: %s}`, b))
			if msg, _ := r["error"].(string); !strings.HasPrefix(msg, "pgrad: configure") {
				t.Errorf("configure %s: %v, want a pgrad Error", b, r)
			}
		}
		// The session is the same: a frame without played steps says so.
		r := askGo(t, p, `{op: "frame", k: 0, watch: -1, from: 0}`)
		if r["iter"] != before.Iter {
			t.Fatalf("after bad input the session has %v iterations, before %v", r["iter"], before.Iter)
		}
		// Through the controls: a negative seed is refused and shown.
		eval[bool](t, p, `(() => { const s = document.getElementById('cp-seed'); s.value = '-5'; s.dispatchEvent(new Event('change')); return true; })()`)
		p.waitFor(t, "the refusal in the status line", `document.getElementById('cp-status').classList.contains('warn') && document.getElementById('cp-seed').value === '1'`)
		if after := cp(t, p); after.Iter != before.Iter || curveText(after.Curve) != curveText(before.Curve) {
			t.Fatalf("a refused seed changed the run: %v iterations, before %v", after.Iter, before.Iter)
		}
	})

	t.Run("train, play, scrub", func(t *testing.T) {
		from := cp(t, p).Iter
		p.clickSelector(t, "#cp-train")
		p.waitFor(t, "three more iterations", fmt.Sprintf(`pgradCartPole.header[2] >= %v`, from+3))
		p.clickSelector(t, "#cp-train")
		p.waitFor(t, "the pause", `document.getElementById('cp-train').getAttribute('aria-pressed') === 'false'`)
		// The canvas plays the episode: its step count moves and pixels
		// other than the background are drawn.
		s0 := cp(t, p).Step
		p.waitFor(t, "the played episode to advance", fmt.Sprintf(`pgradCartPole.current && pgradCartPole.current.step !== %v`, s0))
		drawn := eval[int](t, p, `(() => { const c = document.getElementById('cp-canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		  const bg = [d[0], d[1], d[2]]; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] !== bg[0] || d[i+1] !== bg[1] || d[i+2] !== bg[2]) n++; return n; })()`)
		if drawn < 2000 {
			t.Errorf("the canvas has only %d drawn pixels", drawn)
		}
		// Scrub to the first snapshot: the untrained policy.
		eval[bool](t, p, `(() => { const r = document.getElementById('cp-scrub'); r.value = '0'; r.dispatchEvent(new Event('input')); return true; })()`)
		p.waitFor(t, "the snapshot's episode", `pgradCartPole.header[16] === 0`)
		if txt := text(t, p, "#cp-scrub-out"); txt != "the policy after iteration 0" {
			t.Errorf("scrubber label %q", txt)
		}
		eval[bool](t, p, `(() => { const r = document.getElementById('cp-scrub'); r.value = r.max; r.dispatchEvent(new Event('input')); return true; })()`)
		p.waitFor(t, "the live policy again", `pgradCartPole.header[16] === -1`)
		p.screenshot(t, "cartpole.png", "#cartpole")
	})

	t.Run("keyboard", func(t *testing.T) {
		from := cp(t, p).Iter
		eval[bool](t, p, `(document.getElementById('cp-step').focus(), true)`)
		p.run(t, chromedp.KeyEvent("s"))
		p.waitFor(t, "S to run one iteration", fmt.Sprintf(`pgradCartPole.header[2] === %v`, from+1))
		p.run(t, chromedp.KeyEvent("f"))
		if !eval[bool](t, p, `document.getElementById('cp-fast').checked`) {
			t.Error("F did not turn fast playback on")
		}
		p.run(t, chromedp.KeyEvent("f"))
		labRollouts := eval[float64](t, p, `pgrad.step(0)[2]`)
		p.run(t, chromedp.KeyEvent(" "))
		p.waitFor(t, "Space to start training", `document.getElementById('cp-train').getAttribute('aria-pressed') === 'true'`)
		p.run(t, chromedp.KeyEvent(" "))
		p.waitFor(t, "Space to pause", `document.getElementById('cp-train').getAttribute('aria-pressed') === 'false'`)
		if got := eval[float64](t, p, `pgrad.step(0)[2]`); got != labRollouts || eval[bool](t, p, `document.getElementById('train').getAttribute('aria-pressed') === 'true'`) {
			t.Error("the section's keys also drove the lab above")
		}
		p.run(t, chromedp.KeyEvent("r"))
		p.waitFor(t, "R to start the run again", `pgradCartPole.header[2] === 0`)
	})

	t.Run("pendulum and acrobot", func(t *testing.T) {
		for _, env := range []string{"pendulum", "acrobot"} {
			eval[bool](t, p, fmt.Sprintf(`(() => { const s = document.getElementById('cp-env'); s.value = %q; s.dispatchEvent(new Event('change')); return true; })()`, env))
			id := map[string]int{"pendulum": 1, "acrobot": 2}[env]
			p.waitFor(t, env, fmt.Sprintf(`pgradCartPole.header[1] === %d && pgradCartPole.header[2] === 0 && pgradCartPole.set.env === %q`, id, env))
			p.clickSelector(t, "#cp-step")
			p.waitFor(t, env+" iteration", `pgradCartPole.header[2] === 1`)
			s0 := cp(t, p).Step
			p.waitFor(t, env+" playing", fmt.Sprintf(`pgradCartPole.current && pgradCartPole.current.step !== %v`, s0))
			s := cp(t, p)
			if !strings.HasPrefix(s.Command, "pgrad train "+env+" -seed 1") {
				t.Errorf("%s: command %q", env, s.Command)
			}
			p.screenshot(t, env+".png", ".cp-stage")
		}
		eval[bool](t, p, `(() => { const s = document.getElementById('cp-env'); s.value = 'cartpole'; s.dispatchEvent(new Event('change')); return true; })()`)
		p.waitFor(t, "cartpole again", `pgradCartPole.header[1] === 0 && pgradCartPole.set.env === 'cartpole'`)
	})

	t.Run("link", func(t *testing.T) {
		// The section's settings live in the URL hash: a link reproduces
		// the run, and a bad value there is reported, not applied.
		p.open(t, "#cenv=cartpole&calgo=a2c&cseed=5&clr=0.001&chidden=32")
		eval[bool](t, p, `(document.getElementById('cartpole').scrollIntoView(), true)`)
		p.waitFor(t, "the linked run", `document.getElementById('cartpole').dataset.engine === 'ready' && pgradCartPole.header !== null && pgradCartPole.header[29] === 5`)
		h := cp(t, p).Header
		if h[31] != 1 || h[30] != 32 || h[29] != 5 {
			t.Errorf("the link's run has algorithm %v, width %v, seed %v; want A2C (1), 32, 5", h[31], h[30], h[29])
		}
		if got := text(t, p, "#cp-cmd"); got != "pgrad train cartpole -algo a2c -seed 5 -lr 0.001 -hidden 32,32 -portable" {
			t.Errorf("the linked run prints %q", got)
		}
		p.open(t, "#cenv=cartpole&calgo=ppo&cseed=1&clr=0.0005&chidden=64")
		eval[bool](t, p, `(document.getElementById('cartpole').scrollIntoView(), true)`)
		p.waitFor(t, "the default run again", `document.getElementById('cartpole').dataset.engine === 'ready' && pgradCartPole.header !== null && pgradCartPole.header[31] === 2`)
	})

	contrast := func(t *testing.T, theme string) {
		bad := eval[[]string](t, p, contrastJS)
		if len(bad) > 0 {
			t.Errorf("%s theme: text below 4.5:1 in the CartPole section: %q", theme, bad)
		}
	}
	t.Run("contrast", func(t *testing.T) { contrast(t, "light") })

	t.Run("phone", func(t *testing.T) {
		p.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		defer p.run(t, chromedp.EmulateViewport(1280, 900))
		overflow := eval[int](t, p, `(document.getElementById('cartpole').scrollIntoView(), document.documentElement.scrollWidth - document.documentElement.clientWidth)`)
		if overflow > 0 {
			t.Errorf("the page is %d px wider than a 390 px phone", overflow)
		}
		small := eval[[]string](t, p, `[...document.querySelectorAll('#cartpole button:not([hidden]), #cartpole select, #cartpole input[type=number]')].filter(e => e.getBoundingClientRect().height < 40).map(e => e.id)`)
		if len(small) > 0 {
			t.Errorf("controls lower than 40 px at phone width: %q", small)
		}
		outside := eval[[]string](t, p, `[...document.querySelectorAll('#cartpole canvas, #cartpole .chart, #cartpole .cp-stats, #cartpole .cp-settings')].filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > 390; }).map(e => e.id || e.className)`)
		if len(outside) > 0 {
			t.Errorf("parts outside a 390 px screen: %q", outside)
		}
		p.screenshot(t, "cartpole-phone.png", "#cartpole")
	})

	t.Run("dark", func(t *testing.T) {
		dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, dark); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		p.waitFor(t, "the dark background", `getComputedStyle(document.body).backgroundColor !== 'rgb(251, 250, 246)'`)
		p.clickSelector(t, "#cp-step")
		p.waitFor(t, "a frame in the dark theme", `pgradCartPole.header[2] >= 1 && pgradCartPole.scene.c.bg !== '#ffffff'`)
		// The buttons' background has a 0.15 s transition: a contrast read
		// in the middle of it mixes the two themes.
		p.waitFor(t, "colour transitions to finish", `document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)`)
		contrast(t, "dark")
		p.screenshot(t, "cartpole-dark.png", "#cartpole")
	})
	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("page problems: %q", probs)
	}
}

func curveText(c []*float64) string {
	var b strings.Builder
	for _, v := range c {
		if v == nil {
			b.WriteString("NaN ")
		} else {
			b.WriteString(strconv.FormatFloat(*v, 'g', -1, 64) + " ")
		}
	}
	return b.String()
}

// contrastJS lists the text elements of the section whose colour has a
// WCAG contrast ratio below 4.5:1 against the first opaque background
// behind them.
const contrastJS = `(() => {
  const rgb = (s) => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bgOf = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return rgb(getComputedStyle(document.body).backgroundColor); };
  const bad = [];
  for (const e of document.querySelectorAll('#cartpole *')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (e.closest('svg') || e.closest('[hidden]') || e.closest('option')) continue;
    const st = getComputedStyle(e);
    if (st.display === 'none' || st.visibility === 'hidden') continue;
    const fg = rgb(st.color), bg = bgOf(e);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5 * (e.disabled ? 0 : 1) && !(e.closest('button') && e.closest('button').disabled)) bad.push(e.tagName + ' "' + e.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return bad;
})()`

// buildPgrad builds cmd/pgrad from this tree into a temporary directory.
func buildPgrad(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pgrad")
	build := exec.Command("go", "build", "-o", bin, "../cmd/pgrad")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../cmd/pgrad: %v\n%s", err, out)
	}
	return bin
}

// TestBrowserEpisodeSVG opens what pgrad eval -render wrote, offline from
// a file: the browser parses it as SVG and plays it at the task's time
// step (at 1.01 s the cart stands where the 51st state puts it).
func TestBrowserEpisodeSVG(t *testing.T) {
	p := newPage(t)
	bin := buildPgrad(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"train", "cartpole", "-steps", "20480", "-quiet", "-eval", "0", "-out", dir},
		{"eval", dir, "-episodes", "1", "-quiet", "-render", filepath.Join(dir, "episode.svg")},
	} {
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("pgrad %v: %v\n%s", args, err, b)
		}
	}
	p.run(t, chromedp.Navigate("file://"+filepath.Join(dir, "episode.svg")))
	type probe struct {
		Root   string  `json:"root"`
		Frames int     `json:"frames"`
		Values int     `json:"values"`
		Want   float64 `json:"want"`
		Got    float64 `json:"got"`
	}
	r := eval[probe](t, p, `(() => { const s = document.documentElement;
	  const a = s.querySelector('animateTransform[type=translate]'), vals = a.getAttribute('values').split(';');
	  s.pauseAnimations(); s.setCurrentTime(1.01);
	  return {root: s.namespaceURI + ' ' + s.localName, frames: Number(s.dataset.frames), values: vals.length,
	    want: Number(vals[50].split(' ')[0]), got: a.parentNode.transform.animVal[0].matrix.e}; })()`)
	if r.Root != "http://www.w3.org/2000/svg svg" {
		t.Fatalf("the browser opened %q, not an SVG document", r.Root)
	}
	if r.Values != r.Frames || r.Frames < 2 {
		t.Errorf("%d values for %d frames", r.Values, r.Frames)
	}
	// The browser keeps transforms in float32.
	if r.Frames > 50 && math.Abs(r.Got-r.Want) > 1e-3 {
		t.Errorf("at 1.01 s the cart is at x = %v, the 51st state's %v: not the 0.02 s time step", r.Got, r.Want)
	}
	p.screenshot(t, "episode.png", "svg")
}

// runPrinted runs the command line the page printed with pgrad built from
// this tree and returns the mean_return column of its metrics.csv.
func runPrinted(t *testing.T, line string) []string {
	t.Helper()
	args := strings.Fields(line)
	if len(args) < 2 || args[0] != "pgrad" {
		t.Fatalf("the page's command %q is not a pgrad line", line)
	}
	dir := t.TempDir()
	bin := buildPgrad(t)
	out := filepath.Join(dir, "run")
	cmd := exec.Command(bin, append(args[1:], "-quiet", "-eval", "0", "-out", out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}
	f, err := os.Open(filepath.Join(out, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "mean_return" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("metrics.csv has no mean_return column: %q", rows[0])
	}
	var v []string
	for _, r := range rows[1:] {
		v = append(v, r[col])
	}
	return v
}
