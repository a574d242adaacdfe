//go:build !js && !wasip1

package web_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg"
)

// TestBrowserText checks the page's words against the engine: the numbers
// the text states are the engine's defaults, the statuses follow the
// baseline setting, the references resolve, and both formulas fit a
// 320 px screen.
func TestBrowserText(t *testing.T) {
	p := newPage(t)
	undo := p.renderAll(t) // the sections after the lab are skipped until near the viewport
	body := eval[string](t, p, `document.body.innerText`)
	undo()
	set, fset := lab.DefaultSettings(), lab.DefaultFieldSettings()
	cap := env.DefaultGrid().Steps()

	t.Run("numbers are the engine's", func(t *testing.T) {
		short := math.Pow(set.Gamma, 3) // the 4-move route's G_0
		long := math.Pow(set.Gamma, 5)
		for _, want := range []string{
			fmt.Sprintf("has made %d moves", cap),
			fmt.Sprintf("the %d moves (4 × 3 × 3)", cap),
			fmt.Sprintf("the discount, %v in the lab", set.Gamma),
			fmt.Sprintf("%v in the grid by default", set.LR),
			fmt.Sprintf("rollouts per update, %d in the lab", set.Batch),
			fmt.Sprintf("G0 = 0.93 ≈ %.2f", short),
			fmt.Sprintf("0.95 ≈ %.2f", long),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page does not say %q", want)
			}
		}
		if cap != 4*3*3 {
			t.Errorf("the default step cap is %d, not 4 × 3 × 3", cap)
		}
		if pg.BaselineRate != 0.1 || fset.Entropy != 0.1 {
			t.Errorf("the page states a baseline rate of 0.1 and β = 0.1; the engine has %v and %v", pg.BaselineRate, fset.Entropy)
		}
		// The shortest route from the start to the goal avoiding the pit
		// has 4 moves, as the legend says.
		g, err := lab.NewGrid(env.DefaultGrid(), set, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Step(3000); err != nil {
			t.Fatal(err)
		}
		if path := g.Snapshot(0).GreedyPath; len(path) != 5 {
			t.Errorf("the learned route has %d moves, the page says 4", len(path)-1)
		}
	})

	t.Run("baseline setting", func(t *testing.T) {
		pick := func(v string) {
			eval[int](t, p, fmt.Sprintf(`(() => { const s = document.getElementById('baseline'); s.value = %q; s.dispatchEvent(new Event('change')); return 1; })()`, v))
		}
		for _, c := range []struct{ value, hint, training, traj string }{
			{"none", "b = 0", "a capped rollout (Gₜ = 0) changes nothing", "capped ones (Gₜ = 0) are left as they are"},
			{"mean", "one running mean (rate 0.1)", "capped rollouts (Gₜ = 0) are pushed down", "a roundabout route to the goal can be pushed down"},
			{"state", "per cell", "capped rollouts (Gₜ = 0) are pushed down", "a roundabout route to the goal can be pushed down"},
		} {
			pick(c.value)
			if got := eval[string](t, p, `pgrad.settings().baseline`); got != c.value {
				t.Errorf("picked %s, the engine has %s", c.value, got)
			}
			if hint := text(t, p, "#baseline-hint"); !strings.Contains(hint, c.hint) {
				t.Errorf("%s: hint %q lacks %q", c.value, hint, c.hint)
			}
			if h := eval[string](t, p, `location.hash`); !strings.Contains(h, "baseline="+c.value) {
				t.Errorf("%s: hash %q", c.value, h)
			}
			p.clickSelector(t, "#train")
			if s := text(t, p, "#status"); !strings.Contains(s, c.training) {
				t.Errorf("%s: training status %q lacks %q", c.value, s, c.training)
			}
			p.clickSelector(t, "#train")
			p.clickSelector(t, `label[for="view-traj"]`)
			if s := text(t, p, "#status"); !strings.Contains(s, c.traj) {
				t.Errorf("%s: trajectories status %q lacks %q", c.value, s, c.traj)
			}
			p.clickSelector(t, `label[for="view-policy"]`)
		}
		pick("state")
		p.clickSelector(t, `label[for="view-gauss"]`)
		if got := eval[string](t, p, `document.getElementById('baseline').value`); got != fset.Baseline {
			t.Errorf("the Gaussian view shows baseline %s, its session has %s", got, fset.Baseline)
		}
		for _, c := range []struct{ value, want string }{{"mean", "pull μ toward them"}, {"none", "pulls μ toward itself"}} {
			pick(c.value)
			p.clickSelector(t, "#train")
			s := text(t, p, "#status")
			p.clickSelector(t, "#train")
			if !strings.Contains(s, c.want) || !strings.Contains(s, "β = 0.1") || !strings.Contains(s, "0.13") {
				t.Errorf("%s: Gaussian status %q lacks %q, β = 0.1 or σ's 0.13", c.value, s, c.want)
			}
		}
		pick("mean")
		p.clickSelector(t, `label[for="view-policy"]`)
	})

	t.Run("references", func(t *testing.T) {
		broken := eval[[]string](t, p, `[...document.querySelectorAll('a[href^="#ref-"]')].map(a => a.getAttribute('href')).filter(h => !document.getElementById(h.slice(1)))`)
		if len(broken) > 0 {
			t.Errorf("citations to missing references: %q", broken)
		}
		for _, seed := range []string{"https://arxiv.org/abs/1707.06347", "http://www.scholarpedia.org/article/Policy_gradient_methods",
			"http://karpathy.github.io/2016/05/31/rl/", "https://huggingface.co/blog/rlhf"} {
			if eval[int](t, p, fmt.Sprintf(`document.querySelectorAll('.refs a[href=%q]').length`, seed)) != 1 {
				t.Errorf("the seed's reference %s is not in the list", seed)
			}
		}
		for _, gone := range []string{"by exactly the reward", "average of past returns", "R minus the average return", "stops being something you can compute", "Gemini", "Quantitative funds use"} {
			if strings.Contains(body, gone) {
				t.Errorf("the page still says %q", gone)
			}
		}
		for _, sym := range []string{"g", "gamma", "b", "sum", "alpha", "batch"} {
			if eval[int](t, p, fmt.Sprintf(`document.querySelectorAll('#eq-legend [data-sym=%q]').length + document.querySelectorAll('#formulas .sym[data-sym=%q]').length`, sym, sym)) != 2 {
				t.Errorf("symbol %s lacks its place in the formula or the legend", sym)
			}
		}
	})

	// The fresh reading's corrections (notes/reader7.md), each pinned to
	// what the engine does or what the cited source says.
	t.Run("fresh reading", func(t *testing.T) {
		// The whole-return credit weights every step by the discounted G_0
		// (pg/doc.go W_t), not by the undiscounted R the rollout reports.
		if o := text(t, p, `#credit option[value="return"]`); !strings.Contains(o, "discounted return, G₀") {
			t.Errorf("the whole-return option says %q, not the discounted G₀ the engine uses", o)
		}
		// The training status states the batch average α/B and the batch.
		p.clickSelector(t, "#train")
		s := text(t, p, "#status")
		p.clickSelector(t, "#train")
		if want := fmt.Sprintf("batch of B = %d rollouts", set.Batch); !strings.Contains(s, "(α/B)·(Gₜ − b(sₜ))") || !strings.Contains(s, want) {
			t.Errorf("training status %q lacks (α/B)·(Gₜ − b(sₜ)) or %q", s, want)
		}
		// With the whole-return credit the statuses and the hint name G₀.
		eval[int](t, p, `(() => { const s = document.getElementById('credit'); s.value = 'return'; s.dispatchEvent(new Event('change')); return 1; })()`)
		if got := eval[string](t, p, `pgrad.settings().credit`); got != "return" {
			t.Fatalf("picked the whole return, the engine has credit %q", got)
		}
		p.clickSelector(t, "#train")
		s = text(t, p, "#status")
		p.clickSelector(t, "#train")
		if !strings.Contains(s, "(α/B)·(G₀ − b(sₜ))") {
			t.Errorf("whole-return training status %q lacks (α/B)·(G₀ − b(sₜ))", s)
		}
		if h := text(t, p, "#baseline-hint"); !strings.Contains(h, "G₀") {
			t.Errorf("whole-return baseline hint %q does not name G₀", h)
		}
		eval[int](t, p, `(() => { const s = document.getElementById('credit'); s.value = 'togo'; s.dispatchEvent(new Event('change')); return 1; })()`)
		// The Gaussian's σ floor the no-β status names is the engine's.
		if f := math.Exp(pg.MinLogSigma); math.Abs(f-0.05) > 1e-12 {
			t.Errorf("the page says σ's floor is 0.05; exp(MinLogSigma) = %v", f)
		}
		if src, err := os.ReadFile("static/widgets/gaussian.js"); err != nil || !strings.Contains(string(src), "the engine's floor, σ = 0.05") {
			t.Errorf("gaussian.js does not state σ's floor (%v)", err)
		}
		// The Scholarpedia article is Jan Peters's (Scholarpedia 5(11):3698);
		// the seed credited it to Sutton et al. The Hugging Face essay makes
		// each token an action and adds a KL penalty to the reward.
		for _, want := range []string{"Jan Peters, Scholarpedia 5(11):3698, 2010", "each token an action", "minus a penalty for drifting"} {
			if !strings.Contains(body, want) {
				t.Errorf("the page does not say %q", want)
			}
		}
		for _, gone := range []string{"its reply the action", "the whole rollout's return, R", "nothing stops σ from shrinking", "policy-gradient theorem's form with the whole rollout's reward", "used in place of the return"} {
			if strings.Contains(body, gone) {
				t.Errorf("the page still says %q", gone)
			}
		}
	})

	t.Run("320 px", func(t *testing.T) {
		p.run(t, chromedp.EmulateViewport(320, 700, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		bad := eval[[]string](t, p, `(() => { const bad = [];
		  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) bad.push('the page scrolls sideways');
		  for (const id of ['formula', 'formula-step']) { const e = document.getElementById(id);
		    if (e.scrollWidth > e.clientWidth + 1) bad.push(id + ' is ' + (e.scrollWidth - e.clientWidth) + ' px too wide');
		    for (const s of e.querySelectorAll('.sym')) { const r = s.getBoundingClientRect(), b = e.getBoundingClientRect();
		      if (r.right > b.right + 1 || r.left < b.left - 1) bad.push(id + ': ' + s.textContent + ' is cut'); } }
		  return bad; })()`)
		if len(bad) > 0 {
			t.Errorf("at 320 px: %q", bad)
		}
		p.run(t, chromedp.EmulateViewport(1280, 900))
	})
}
