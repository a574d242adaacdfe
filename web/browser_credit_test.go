//go:build !js && !wasip1

// The browser tests of issue 7 §3 (γ, the credit, the baseline's shading,
// the mean episode length) and of the defects of §4, on the harness of
// browser_test.go.

package web_test

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// tabProbs reads π of every cell from the engine's grid frame.
const tabProbsJS = `(() => { const f = pgrad.step(0), n = f[1]; const out = [];
  for (let i = 0; i < n * n; i++) out.push([f[20 + 4 * i], f[21 + 4 * i], f[22 + 4 * i], f[23 + 4 * i]]); return out; })()`

// replayCommand parses the page's `pgrad train gridworld …` line into the
// session it describes, runs it natively and returns that session, so that
// a test can check the command and the tab agree bit for bit.
func replayCommand(t *testing.T, cmd string) *lab.Grid {
	t.Helper()
	f := strings.Fields(cmd)
	if len(f) < 3 || f[0] != "pgrad" || f[1] != "train" || f[2] != "gridworld" {
		t.Fatalf("replay command %q is not a pgrad train gridworld command", cmd)
	}
	cfg, set := env.DefaultGrid(), lab.DefaultSettings()
	var seed uint64 = 1
	rollouts := 2000
	for i := 3; i+1 < len(f); i += 2 {
		v := strings.Trim(f[i+1], "'")
		var err error
		switch f[i] {
		case "-seed":
			seed, err = strconv.ParseUint(v, 10, 64)
		case "-rollouts":
			rollouts, err = strconv.Atoi(v)
		case "-lr":
			set.LR, err = strconv.ParseFloat(v, 64)
		case "-gamma":
			set.Gamma, err = strconv.ParseFloat(v, 64)
		case "-baseline":
			set.Baseline = v
		case "-credit":
			set.Credit = v
		case "-goal", "-pits":
			var r, c int
			if _, err = fmt.Sscanf(v, "%d,%d", &r, &c); err == nil {
				if f[i] == "-goal" {
					cfg.Goal = env.Cell{Row: r, Col: c}
				} else {
					cfg.Pits = []env.Cell{{Row: r, Col: c}}
				}
			}
		default:
			t.Fatalf("replay command %q: flag %s is not one this test knows", cmd, f[i])
		}
		if err != nil {
			t.Fatalf("replay command %q: %s %s: %v", cmd, f[i], v, err)
		}
	}
	g, err := lab.NewGrid(cfg, set, seed)
	if err != nil {
		t.Fatalf("replay command %q: %v", cmd, err)
	}
	if err := g.Step(rollouts); err != nil {
		t.Fatal(err)
	}
	return g
}

// checkCommandMatchesTab runs the printed command natively and compares π.
func checkCommandMatchesTab(t *testing.T, p *page, want string) {
	t.Helper()
	cmd := text(t, p, "#replay")
	if want != "" && cmd != want {
		t.Fatalf("replay command %q, want %q", cmd, want)
	}
	g := replayCommand(t, cmd)
	if got, native := eval[[][4]float64](t, p, tabProbsJS), g.Snapshot(0).Probs; !reflect.DeepEqual(got, native) {
		t.Errorf("%q: the tab's π differs from the command's:\ntab    %v\nnative %v", cmd, got, native)
	}
}

func hashParams(t *testing.T, p *page) map[string]string {
	t.Helper()
	return eval[map[string]string](t, p, `Object.fromEntries(new URLSearchParams(location.hash.slice(1)))`)
}

func TestBrowserCredit(t *testing.T) {
	p := newPage(t)
	step := func(t *testing.T, n int) {
		for range n {
			p.clickSelector(t, "#step")
		}
	}

	t.Run("gamma and credit from the hash reach the engine, the controls and the command", func(t *testing.T) {
		p.open(t, "#seed=3&gamma=0.7&credit=return")
		s := eval[map[string]any](t, p, `pgrad.settings()`)
		if s["gamma"] != 0.7 || s["credit"] != "return" {
			t.Fatalf("settings %v after #gamma=0.7&credit=return", s)
		}
		if v := eval[[]string](t, p, `[document.getElementById('gamma').value, document.getElementById('gamma-out').textContent, document.getElementById('credit').value]`); !reflect.DeepEqual(v, []string{"0.7", "0.7", "return"}) {
			t.Errorf("controls show %v, want γ 0.7 and credit return", v)
		}
		step(t, 5)
		checkCommandMatchesTab(t, p, "pgrad train gridworld -seed 3 -rollouts 20 -gamma 0.7 -credit return")
		if h := hashParams(t, p); h["gamma"] != "0.7" || h["credit"] != "return" {
			t.Errorf("hash %v does not keep gamma and credit", h)
		}
	})

	t.Run("gamma and credit from the keyboard", func(t *testing.T) {
		p.open(t, "")
		eval[int](t, p, `document.getElementById('gamma').focus(), 1`)
		for range 5 {
			p.run(t, chromedp.KeyEvent(kb.ArrowLeft)) // 0.01 a press
		}
		eval[int](t, p, `document.getElementById('credit').focus(), 1`)
		p.run(t, chromedp.KeyEvent(kb.ArrowDown))
		s := eval[map[string]any](t, p, `pgrad.settings()`)
		if s["gamma"] != 0.85 || s["credit"] != "return" {
			t.Fatalf("settings %v after five ← on γ and ↓ on the credit; want γ 0.85, credit return", s)
		}
		if h := hashParams(t, p); h["gamma"] != "0.85" || h["credit"] != "return" {
			t.Errorf("hash %v", h)
		}
		step(t, 5)
		checkCommandMatchesTab(t, p, "pgrad train gridworld -seed 1 -rollouts 20 -gamma 0.85 -credit return")
		// Back to the defaults: the flags disappear from the command.
		p.open(t, "#gamma=0.9&credit=togo")
		step(t, 2)
		checkCommandMatchesTab(t, p, "pgrad train gridworld -seed 1 -rollouts 8")
	})

	t.Run("the curve shows the mean episode length", func(t *testing.T) {
		p.open(t, "#seed=2")
		step(t, 30)
		got := eval[struct {
			Points  int       `json:"points"`
			Curve   int       `json:"curve"`
			Last    []float64 `json:"last"`
			Ticks   []string  `json:"ticks"`
			Legend  bool      `json:"legend"`
			LastLen float64   `json:"lastLen"`
		}](t, p, `(() => {
		  const f = pgrad.step(0), n = f[1];
		  const curve = 20 + 5 * n * n + f[5] + f[6] + 3 * f[7] + f[8];
		  const pts = document.querySelector('#chart .c-len').getAttribute('points').trim().split(' ');
		  const last = pts[pts.length - 1].split(',').map(Number);
		  return {points: pts.length, curve: f[9], last, lastLen: f[curve + 4 * (f[9] - 1) + 3],
		    ticks: [...document.querySelectorAll('#chart .c-len-tick')].map(e => e.textContent),
		    legend: getComputedStyle(document.getElementById('chart-d')).display !== 'none'};
		})()`)
		if got.Points != got.Curve || got.Curve == 0 {
			t.Fatalf("the length line has %d points, the curve %d", got.Points, got.Curve)
		}
		lmax, err := strconv.ParseFloat(got.Ticks[2], 64)
		if err != nil || !got.Legend {
			t.Fatalf("right axis ticks %v, legend shown %v", got.Ticks, got.Legend)
		}
		// The chart's plot area is y from 10 to 146 in its viewBox.
		if want := 10 + (1-got.LastLen/lmax)*136; math.Abs(got.Last[1]-want) > 0.06 {
			t.Errorf("the last point is drawn at y %v; the engine's mean length %v on a 0–%v axis gives %v", got.Last[1], got.LastLen, lmax, want)
		}
	})

	t.Run("shading by b(s) draws the engine's baselines with a legend", func(t *testing.T) {
		p.open(t, "#seed=4")
		step(t, 25)
		p.clickSelector(t, "#shade-baseline")
		got := eval[struct {
			Shade  []float64 `json:"shade"`
			Neg    []bool    `json:"neg"`
			B      []float64 `json:"b"`
			Kinds  []string  `json:"kinds"`
			Legend string    `json:"legend"`
		}](t, p, `(() => {
		  const f = pgrad.step(0), n = f[1], b = [];
		  for (let i = 0; i < n * n; i++) b.push(f[20 + 4 * n * n + i]);
		  const rects = [...document.querySelectorAll('#grid .bshade')];
		  return {b, shade: rects.map(r => Number(r.getAttribute('opacity'))), neg: rects.map(r => r.classList.contains('neg')),
		    kinds: [...document.querySelectorAll('#grid .cell')].map(c => c.getAttribute('class')),
		    legend: getComputedStyle(document.getElementById('shade-legend')).display === 'none' ? '' : document.getElementById('shade-legend').textContent};
		})()`)
		max := 0.0
		for i, b := range got.B {
			if !strings.Contains(got.Kinds[i], "goal") && !strings.Contains(got.Kinds[i], "pit") {
				max = math.Max(max, math.Abs(b))
			}
		}
		if max == 0 {
			t.Fatal("every b(s) is 0 after 100 rollouts")
		}
		for i, b := range got.B {
			want := 0.55 * math.Abs(b) / max
			if strings.Contains(got.Kinds[i], "goal") || strings.Contains(got.Kinds[i], "pit") {
				want = 0
			}
			if math.Abs(got.Shade[i]-want) > 6e-4 || (want > 0 && got.Neg[i] != (b < 0)) {
				t.Errorf("cell %d: shade %v (negative %v), b = %v gives %v", i, got.Shade[i], got.Neg[i], b, want)
			}
		}
		if !strings.Contains(got.Legend, fmt.Sprintf("|b| = %.2f", max)) || !strings.Contains(got.Legend, "running mean of the returns from each cell") {
			t.Errorf("legend %q does not say what the shade means and its scale %.2f", got.Legend, max)
		}
		p.screenshot(t, "baseline-shading.png", "#lab")
		p.clickSelector(t, "#shade-baseline")
	})

	// §4.2: a hash edited without a reload applies at once.
	t.Run("hashchange applies the new link", func(t *testing.T) {
		p.open(t, "")
		step(t, 3)
		eval[int](t, p, `(location.hash = 'seed=5&lr=0.2&gamma=0.8&credit=return', 1)`)
		p.waitFor(t, "the new hash to apply", `pgrad.settings().seed === 5 && pgrad.settings().lr === 0.2 && pgrad.settings().gamma === 0.8`)
		if r := eval[float64](t, p, `pgrad.step(0)[2]`); r != 0 {
			t.Errorf("%v rollouts after applying a new link, want a fresh run", r)
		}
		if st := text(t, p, "#status"); !strings.Contains(st, "Applied the new link") {
			t.Errorf("status %q", st)
		}
		if h := hashParams(t, p); h["seed"] != "5" || h["lr"] != "0.2" || h["credit"] != "return" {
			t.Errorf("hash %v was not kept", h)
		}
		step(t, 2)
		checkCommandMatchesTab(t, p, "pgrad train gridworld -seed 5 -rollouts 8 -lr 0.2 -gamma 0.8 -credit return")
		// A bad value is named, the good ones still apply.
		eval[int](t, p, `(location.hash = 'seed=5&lr=0.3&gamma=2', 1)`)
		p.waitFor(t, "the second hash to apply", `pgrad.settings().lr === 0.3`)
		if st := text(t, p, "#status"); !strings.Contains(st, "gamma: pg: discount 2 must be in (0, 1]") {
			t.Errorf("status %q does not name the bad gamma", st)
		}
	})

	// §4.9: each bad key gets its own message; valid keys still apply; a
	// goal-and-pit swap in one link works.
	t.Run("hash errors name their key", func(t *testing.T) {
		p.open(t, "#lr=0.3&baseline=bad")
		st := text(t, p, "#status")
		if !strings.Contains(st, `baseline: pg: unknown baseline "bad"`) || strings.Contains(st, "lr:") {
			t.Errorf("status %q: want the baseline named, and no complaint about lr", st)
		}
		if lr := eval[float64](t, p, `pgrad.settings().lr`); lr != 0.3 {
			t.Errorf("lr %v, want the link's valid 0.3", lr)
		}
		p.open(t, "#pit=0,2")
		if st := text(t, p, "#status"); !strings.Contains(st, "pit: env: pit (0,2) is on the goal") {
			t.Errorf("status %q", st)
		}
		p.open(t, "#goal=1,1&pit=0,2")
		if st := text(t, p, "#status"); strings.Contains(st, "Ignored") {
			t.Errorf("a swap of goal and pit was refused: %q", st)
		}
		if g := eval[[]float64](t, p, `(() => { const f = pgrad.step(0); return [f[4], f[20 + 5 * f[1] * f[1]]]; })()`); !reflect.DeepEqual(g, []float64{4, 2}) {
			t.Errorf("goal, pit cells %v after the swap, want 4, 2", g)
		}
	})

	// §4.12: after Reset the seed and the printed command reproduce the run.
	t.Run("reset restarts from the seed", func(t *testing.T) {
		p.open(t, "#seed=6&gamma=0.8")
		step(t, 4)
		p.clickSelector(t, "#reset")
		step(t, 5)
		checkCommandMatchesTab(t, p, "pgrad train gridworld -seed 6 -rollouts 20 -gamma 0.8")
	})
}

func TestBrowserDefects(t *testing.T) {
	p := newPage(t)

	// §4.11: the greedy path's end is said, "loops" included.
	t.Run("the greedy path says it loops", func(t *testing.T) {
		p.open(t, "")
		// The uniform policy's greedy move is up everywhere: (2,0) → (0,0), then the edge.
		if got := text(t, p, "#greedy-end"); !strings.Contains(got, "loops: it comes back to cell 0,0 (top-left)") {
			t.Errorf("greedy end %q, want it to say the path loops at 0,0", got)
		}
		for range 60 {
			p.clickSelector(t, "#step")
		}
		end := eval[float64](t, p, `pgrad.step(0)[16]`)
		want := map[float64]string{0: "loops", 1: "reaches the goal", 2: "falls into the pit", 3: "hits the step cap"}[end]
		if got := text(t, p, "#greedy-end"); !strings.Contains(got, want) {
			t.Errorf("greedy end %q, the engine's code %v says %q", got, end, want)
		}
	})

	// §4.13: a click on the plane draws no focus ring; keyboard focus does.
	t.Run("the plane's focus ring is for the keyboard only", func(t *testing.T) {
		p.open(t, "#view=gauss")
		p.clickSelector(t, "#plane")
		ring := `getComputedStyle(document.getElementById('plane-wrap')).outlineStyle`
		if got := eval[string](t, p, ring); got != "none" {
			t.Errorf("after a mouse click the plane's outline is %q, want none", got)
		}
		eval[int](t, p, `(document.body.focus(), document.activeElement.blur(), 1)`)
		eval[int](t, p, `document.querySelector('label[for="view-gauss"]').previousElementSibling.focus(), 1`)
		for range 8 {
			if eval[string](t, p, `document.activeElement.id`) == "plane" {
				break
			}
			p.run(t, chromedp.KeyEvent(kb.Tab))
		}
		if id := eval[string](t, p, `document.activeElement.id`); id != "plane" {
			t.Fatalf("Tab from the view tabs did not reach the plane (focus on %q)", id)
		}
		if got := eval[string](t, p, ring); got != "solid" {
			t.Errorf("with keyboard focus the plane's outline is %q, want solid", got)
		}
	})

	// §4.1: α = 10 throws μ off the plane: μ stays drawn at the edge with an
	// arrow, and a warning names the learning rate.
	t.Run("a large field learning rate is warned about and μ stays visible", func(t *testing.T) {
		p.open(t, "#view=gauss&flr=10")
		for range 150 {
			p.clickSelector(t, "#step")
		}
		got := eval[struct {
			Mu      [2]float64 `json:"mu"`
			Drawn   [2]float64 `json:"drawn"`
			Arrow   string     `json:"arrow"`
			Warning string     `json:"warning"`
			Shown   bool       `json:"shown"`
		}](t, p, `(() => { const f = pgrad.stepField(0); const m = document.querySelector('#plane .mu'); const w = document.getElementById('field-warning');
		  return {mu: [f[2], f[3]], drawn: [Number(m.getAttribute('cx')), Number(m.getAttribute('cy'))], arrow: document.querySelector('#plane .mu-away').getAttribute('d'),
		    warning: w.textContent, shown: !w.hidden && getComputedStyle(w).display !== 'none'}; })()`)
		if math.Max(math.Abs(got.Mu[0]), math.Abs(got.Mu[1])) <= 1 {
			t.Fatalf("μ %v is still on the plane after 600 samples at α = 10; the test's premise is gone", got.Mu)
		}
		for _, v := range got.Drawn {
			if v < 0 || v > 360 {
				t.Errorf("μ is drawn at %v, off the 360-unit plane", got.Drawn)
			}
		}
		if got.Arrow == "" {
			t.Error("no arrow points to where μ went")
		}
		if !got.Shown || !strings.Contains(got.Warning, "learning rate α = 10") {
			t.Errorf("warning %q (shown %v), want one naming the learning rate", got.Warning, got.Shown)
		}
		p.screenshot(t, "gaussian-warning.png", "#lab")
	})

	// §4.6: the chart's legend names goal and pit moves from the first load,
	// and the chart keeps its height across the views, desktop and phone.
	t.Run("the chart legend and height", func(t *testing.T) {
		p.open(t, "")
		if got := text(t, p, "#chart-c"); got != "goal or pit moved" {
			t.Errorf("legend %q on first load", got)
		}
		for _, w := range []int64{1280, 390, 320} {
			if w < 500 {
				p.run(t, chromedp.EmulateViewport(w, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			} else {
				p.run(t, chromedp.EmulateViewport(w, 900))
			}
			var heights []float64
			for _, v := range []string{"policy", "traj", "gauss"} {
				p.clickSelector(t, fmt.Sprintf(`label[for="view-%s"]`, v))
				heights = append(heights, eval[float64](t, p, `document.querySelector('figure.chart').getBoundingClientRect().height`))
			}
			if heights[0] != heights[1] || heights[1] != heights[2] {
				t.Errorf("at %d px the chart is %v px high in the policy, trajectories and Gaussian views", w, heights)
			}
			p.clickSelector(t, `label[for="view-policy"]`)
		}
		p.run(t, chromedp.EmulateViewport(1280, 900))
	})

	// §4.3: the grid's keyboard path works as its label says, with key
	// events only: Tab reaches a cell (never a dead svg), arrows move, Enter
	// picks.
	t.Run("the grid's keyboard path", func(t *testing.T) {
		p.open(t, "")
		eval[int](t, p, `document.getElementById('view-policy').focus(), 1`)
		p.run(t, chromedp.KeyEvent(kb.Tab))
		if got := eval[string](t, p, `document.activeElement.tagName + '.' + (document.activeElement.getAttribute('class') || '')`); got != "g.cell " && !strings.HasPrefix(got, "g.cell") {
			t.Fatalf("the Tab stop after the view tabs is %q, want a grid cell", got)
		}
		start := eval[string](t, p, `document.activeElement.dataset.index`)
		p.run(t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
		if got := eval[string](t, p, `document.activeElement.dataset.index`); got != "8" {
			t.Fatalf("from cell %s, ↓↓→→ focused cell %s, want 8 (2,2)", start, got)
		}
		p.run(t, chromedp.KeyEvent(kb.Enter))
		if g := eval[float64](t, p, `pgrad.step(0)[4]`); g != 8 {
			t.Errorf("Enter on cell 2,2 left the goal at %v, want 8", g)
		}
	})
}

// The Gaussian view draws no mean-length line: a sample is one step.
func TestBrowserNoLengthLineOnTheField(t *testing.T) {
	p := newPage(t)
	p.open(t, "#view=gauss")
	for range 5 {
		p.clickSelector(t, "#step")
	}
	if got := eval[string](t, p, `(document.querySelector('#chart .c-len').getAttribute('points') || '').trim() + '|' + [...document.querySelectorAll('#chart .c-len-tick')].map(e => e.textContent).join('')`); got != "|" {
		t.Errorf("the Gaussian view's chart has a length line or axis: %q", got)
	}
}

// labContrastJS lists every visible text element of the lab section whose
// contrast with its background is below 4.5:1 (WCAG AA), computed from the
// page's computed styles: the text colour (fill for SVG text) with the
// opacities of it and its ancestors, over the first opaque background
// behind it (for SVG text in a cell, the cell's own background rect). Text
// on the Gaussian view's heat map (the plane's axis names, drawn with a
// halo over a picture) has no single background and is left out.
const labContrastJS = `(() => {
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const v = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const lum = (c) => { const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const over = (fg, bg) => [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat([1]);
  const bgOf = (e) => {
    const layers = [];
    for (let n = e; n; n = n.parentElement) {
      if (n instanceof SVGElement) {
        const cell = n.closest && n.closest('.cell');
        if (cell && n === e) { const r = cell.querySelector('.cell-bg'); const c = parse(getComputedStyle(r).fill); if (c) layers.push(c); }
        continue;
      }
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const bad = [];
  let checked = 0;
  for (const e of document.querySelectorAll('#lab *')) {
    if (e.closest('#plane') || e.closest('noscript')) continue;
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own) continue;
    const r = e.getBoundingClientRect();
    const cs = getComputedStyle(e);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
    let op = 1;
    for (let n = e; n; n = n.parentElement) op *= Number(getComputedStyle(n).opacity);
    if (op === 0) continue;
    let fg = parse(e instanceof SVGElement ? cs.fill : cs.color);
    if (!fg) continue;
    fg = [fg[0], fg[1], fg[2], fg[3] * op];
    const bg = bgOf(e);
    const c = over(fg, bg);
    const l1 = lum(c), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    checked++;
    if (ratio < 4.5) bad.push((e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '')) + ' "' + e.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ':1');
  }
  return {checked, bad};
})()`

// TestBrowserContrast (§4.5): every text element of the lab, in each view,
// light and dark, at desktop and phone width, has a contrast of at least
// 4.5:1 by the page's computed styles.
func TestBrowserContrast(t *testing.T) {
	p := newPage(t)
	p.open(t, "")
	for range 3 {
		p.clickSelector(t, "#step")
	}
	type result struct {
		Checked int      `json:"checked"`
		Bad     []string `json:"bad"`
	}
	for _, theme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}}}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []int64{1280, 390} {
			if w < 500 {
				p.run(t, chromedp.EmulateViewport(w, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			} else {
				p.run(t, chromedp.EmulateViewport(w, 900))
			}
			for _, v := range []string{"policy", "traj", "gauss"} {
				p.clickSelector(t, fmt.Sprintf(`label[for="view-%s"]`, v))
				// Hovering a cell shows its numbers; check them too.
				if v == "policy" {
					eval[int](t, p, `(document.querySelector('.cell.start').focus(), 1)`)
				}
				p.waitFor(t, "transitions to finish", `document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)`)
				r := eval[result](t, p, labContrastJS)
				if r.Checked < 20 {
					t.Errorf("%s %d px %s: only %d text elements checked", theme, w, v, r.Checked)
				}
				for _, b := range r.Bad {
					t.Errorf("%s theme, %d px, %s view: %s below 4.5:1", theme, w, v, b)
				}
			}
		}
	}
	p.run(t, chromedp.EmulateViewport(1280, 900))
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserLayoutDefects: §4.7, no trajectory arrow crosses the START
// label (dark theme, 1024 px, Trajectories view, after many rollouts);
// §4.8, at 320 px every formula fits its box and its R is on screen.
func TestBrowserLayoutDefects(t *testing.T) {
	p := newPage(t)
	p.open(t, "#view=traj")
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	p.run(t, chromedp.EmulateViewport(1024, 900))
	for range 15 {
		p.clickSelector(t, "#step")
	}
	p.waitFor(t, "the latest rollouts to be drawn", trajDrawnJS)
	hits := eval[int](t, p, `(() => {
	  const label = document.querySelector('.cell.start .cell-label'); const b = label.getBBox();
	  const svg = document.getElementById('grid'); const pt = svg.createSVGPoint(); let hits = 0;
	  const paths = [...document.querySelectorAll('path.traj')].filter(p => (p.getAttribute('d') || '').length > 0);
	  for (let x = b.x; x <= b.x + b.width; x += 1) for (let y = b.y; y <= b.y + b.height; y += 1) {
	    pt.x = x; pt.y = y;
	    if (paths.some(p => p.isPointInStroke(pt))) hits++;
	  }
	  return paths.length === 0 ? -1 : hits;
	})()`)
	if hits < 0 {
		t.Fatal("no trajectories drawn")
	}
	if hits > 0 {
		t.Errorf("trajectory arrows cover %d points of the START label's box", hits)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	p.run(t, chromedp.EmulateViewport(320, 700, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	clipped := eval[[]string](t, p, `(() => { const out = [];
	  for (const f of document.querySelectorAll('.formula')) {
	    if (f.scrollWidth > f.clientWidth + 1) out.push(f.id || f.className + ': ' + f.scrollWidth + ' > ' + f.clientWidth);
	  }
	  const r = document.querySelector('#formula .sym[data-sym="r"]').getBoundingClientRect();
	  if (r.right > document.documentElement.clientWidth || r.left < 0) out.push('R at ' + r.left + '–' + r.right);
	  return out; })()`)
	for _, c := range clipped {
		t.Errorf("at 320 px: %s", c)
	}
	p.run(t, chromedp.EmulateViewport(1280, 900))
}

// TestBrowserLongRunAxis (§4.10): past 20,000 rollouts the curve's x axis
// turns logarithmic by itself, says so, and the first 1,000 rollouts (the
// learning phase) take a third of the width or more instead of a sliver.
func TestBrowserLongRunAxis(t *testing.T) {
	p := newPage(t)
	p.open(t, "")
	eval[int](t, p, `(() => { for (let i = 0; i < 25; i++) pgrad.step(8000); return 1; })()`) // the bridge takes at most 8,333 a call
	p.clickSelector(t, "#step")                                                               // draws the frame
	got := eval[struct {
		Scale string    `json:"scale"`
		Note  string    `json:"note"`
		Xs    []float64 `json:"xs"`
		Rs    []float64 `json:"rs"`
		Ticks []string  `json:"ticks"`
	}](t, p, `(() => { const f = pgrad.step(0), n = f[1];
	  const curve = 20 + 5 * n * n + f[5] + f[6] + 3 * f[7] + f[8];
	  const rs = []; for (let i = 0; i < f[9]; i++) rs.push(f[curve + 4 * i]);
	  const pts = document.querySelector('#chart .c-ret').getAttribute('points').trim().split(' ').map(p => Number(p.split(',')[0]));
	  return {scale: document.getElementById('chart').dataset.scale, note: document.getElementById('chart-scale').textContent, xs: pts, rs,
	    ticks: [...document.querySelectorAll('#chart .c-tick')].map(e => e.textContent).filter(Boolean)}; })()`)
	if got.Scale != "log" || !strings.Contains(got.Note, "log scale") {
		t.Fatalf("after 200,004 rollouts the axis is %q, note %q", got.Scale, got.Note)
	}
	// The plot spans x 34 to 374; where the axis puts 1,000 rollouts, and
	// the curve's points must follow the same mapping.
	at1000 := eval[float64](t, p, `Number([...document.querySelectorAll('#chart .c-tick')].find(e => e.textContent === '1k').getAttribute('x'))`)
	if frac := (at1000 - 34) / 340; frac < 1.0/3 {
		t.Errorf("the first 1,000 rollouts take %.2f of the width, want ≥ 1/3", frac)
	}
	xmax := 500000.0 // the axis rounds 200,004 up to 5·10^5
	for i, r := range got.Rs {
		want := 34 + (math.Log10(math.Max(r, 10))-1)/(math.Log10(xmax)-1)*340
		if math.Abs(got.Xs[i]-want) > 0.06 {
			t.Fatalf("curve point %d (%v rollouts) drawn at x %v, the log axis gives %v", i, r, got.Xs[i], want)
		}
	}
	if !slicesContain(got.Ticks, "1k") || !slicesContain(got.Ticks, "100k") {
		t.Errorf("ticks %v, want powers of ten", got.Ticks)
	}
	p.clickSelector(t, "#reset")
	if s := eval[string](t, p, `document.getElementById('chart').dataset.scale`); s != "linear" {
		t.Errorf("after Reset the axis is %q, want linear", s)
	}
}

func slicesContain(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestBrowserOneColourLanguage (§4.4): a rewarded sample is green, never
// red (red is the pit's), and the samples' legend is a ramp painted from
// the same stops as the dots.
func TestBrowserOneColourLanguage(t *testing.T) {
	p := newPage(t)
	p.open(t, "#view=gauss")
	for range 40 {
		p.clickSelector(t, "#step")
	}
	p.waitFor(t, "the dots to be drawn", `document.querySelectorAll('#plane .dot[fill]').length >= 100`)
	got := eval[struct {
		Best   string  `json:"best"`
		Reward float64 `json:"reward"`
		Ramp   string  `json:"ramp"`
		Reds   int     `json:"reds"`
	}](t, p, `(() => { const f = pgrad.stepField(0); const o = 20, n = f[8];
	  let best = -1, bi = -1; for (let i = 0; i < n; i++) if (f[o + 3 * i + 2] > best) { best = f[o + 3 * i + 2]; bi = i; }
	  const dots = [...document.querySelectorAll('#plane .dot')];
	  const rgb = (s) => s.match(/\d+/g).map(Number);
	  const reds = dots.filter(d => d.getAttribute('r') !== '0' && d.getAttribute('fill')).filter(d => { const [r, g] = rgb(d.getAttribute('fill')); return r > g + 40; }).length;
	  return {best: dots[bi].getAttribute('fill'), reward: best, reds,
	    ramp: getComputedStyle(document.querySelector('.key-dot'), '::before').backgroundImage}; })()`)
	if got.Reward < 0.5 {
		t.Fatalf("best reward %v after 160 samples; the test wants a rewarded sample", got.Reward)
	}
	var r, g, b int
	if _, err := fmt.Sscanf(got.Best, "rgb(%d,%d,%d)", &r, &g, &b); err != nil || g <= r || g <= b {
		t.Errorf("the best sample (reward %.2f) is drawn %q, want green", got.Reward, got.Best)
	}
	if got.Reds > 0 {
		t.Errorf("%d samples are drawn red", got.Reds)
	}
	if !strings.HasPrefix(got.Ramp, "linear-gradient") || !strings.Contains(got.Ramp, "rgb(148, 163, 184)") || !strings.Contains(got.Ramp, "rgb(22, 163, 74)") {
		t.Errorf("the samples' legend swatch is %q, want the dots' ramp from grey to green", got.Ramp)
	}
}
