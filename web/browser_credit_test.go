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
