//go:build !js && !wasip1

package web_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// nudgeRow is one step of the nudge view as drawn: the numbers its row
// shows (kept exactly in data attributes) and its mini bars.
type nudgeRow struct {
	Step    int    `json:"step"`
	Action  int    `json:"action"`
	Move    string `json:"move"`
	Before  string `json:"before"`
	After   string `json:"after"`
	G       string `json:"g"`
	B       string `json:"b"`
	Adv     string `json:"adv"`
	AdvText string `json:"advText"`
	AdvCls  string `json:"advCls"`
	Taken   string `json:"taken"` // the class of the taken action's mini bar
	Visible bool   `json:"visible"`
}

type nudgeDrawn struct {
	Rows []nudgeRow `json:"rows"`
	Pos  string     `json:"pos"`
	Max  string     `json:"max"`
	Bars [][]string `json:"bars"` // per cell, the grid's four bars' data-p
	Cls  [][]string `json:"cls"`  // and their classes
}

const nudgeDrawnJS = `(() => {
  const rows = [...document.querySelectorAll('#nudge-steps .nudge-row[data-step]')].filter(r => r.dataset.step !== undefined && Number(r.dataset.step) < Number(document.getElementById('nudge-pos').max))
    .map(r => { const cells = r.querySelectorAll('[role=cell]'); const a = Number(r.dataset.action);
      return {step: Number(r.dataset.step), action: a, move: cells[1].textContent, before: r.dataset.before, after: r.dataset.after,
        g: r.dataset.g, b: r.dataset.b, adv: r.dataset.adv, advText: cells[5].textContent, advCls: cells[5].className,
        taken: r.querySelectorAll('svg rect.bar')[a].getAttribute('class'), visible: !r.hidden && getComputedStyle(cells[5]).visibility === 'visible'}; });
  const cells = [...document.querySelectorAll('#nudge-grid .cell')];
  return {rows, pos: document.getElementById('nudge-pos').value, max: document.getElementById('nudge-pos').max,
    bars: cells.map(c => [...c.querySelectorAll('rect.bar')].map(b => b.dataset.p)),
    cls: cells.map(c => [...c.querySelectorAll('rect.bar')].map(b => b.getAttribute('class')))};
})()`

func parseBits(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("drawn number %q: %v", s, err)
	}
	return v
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// checkNudgeDrawn compares the view, at the end of its rollout, with the
// Go session's record: every number bit for bit.
func checkNudgeDrawn(t *testing.T, d nudgeDrawn, want lab.NudgeRollout) {
	t.Helper()
	if len(d.Rows) != len(want.Steps) || d.Max != strconv.Itoa(len(want.Steps)) || d.Pos != d.Max {
		t.Fatalf("%d rows drawn, slider at %s of %s; the Go rollout has %d steps", len(d.Rows), d.Pos, d.Max, len(want.Steps))
	}
	n := want.Size
	for i, r := range d.Rows {
		st := want.Steps[i]
		s := st.Cell.Row*n + st.Cell.Col
		if r.Step != i || r.Action != int(st.Action) || !strings.HasPrefix(r.Move, fmt.Sprintf("%d,%d ", st.Cell.Row, st.Cell.Col)) {
			t.Errorf("row %d: step %d action %d move %q; Go: %v %v", i, r.Step, r.Action, r.Move, st.Cell, st.Action)
		}
		before, after := strings.Fields(r.Before), strings.Fields(r.After)
		if len(before) != 4 || len(after) != 4 {
			t.Fatalf("row %d: bars %q → %q", i, r.Before, r.After)
		}
		for j := range 4 {
			if b, a := parseBits(t, before[j]), parseBits(t, after[j]); !same(b, want.Before[s][j]) || !same(a, want.After[s][j]) {
				t.Errorf("row %d action %d: π drawn %v → %v, Go %v → %v", i, j, b, a, want.Before[s][j], want.After[s][j])
			}
		}
		if !same(parseBits(t, r.G), st.Return) || !same(parseBits(t, r.B), st.Baseline) || !same(parseBits(t, r.Adv), st.Advantage) {
			t.Errorf("row %d: G %s b %s G−b %s; Go %v %v %v", i, r.G, r.B, r.Adv, st.Return, st.Baseline, st.Advantage)
		}
		wantCls := map[bool]string{true: "up", false: "down"}[st.Advantage > 0]
		if st.Advantage != 0 && (!strings.Contains(r.Taken, "taken "+wantCls) || !strings.Contains(r.AdvCls, "adv-"+wantCls)) {
			t.Errorf("row %d: advantage %v but the taken bar is %q and the number %q", i, st.Advantage, r.Taken, r.AdvCls)
		}
		if !r.Visible {
			t.Errorf("row %d: its numbers are hidden at the end of the rollout", i)
		}
		if got := fmt.Sprintf("%.3f", math.Abs(st.Advantage)); !strings.Contains(r.AdvText, got) {
			t.Errorf("row %d shows G−b %q, want %s", i, r.AdvText, got)
		}
	}
	if len(d.Bars) != n*n {
		t.Fatalf("%d cells drawn, want %d", len(d.Bars), n*n)
	}
	for s := range n * n {
		for j := range 4 {
			if p := parseBits(t, d.Bars[s][j]); !same(p, want.After[s][j]) {
				t.Errorf("grid cell %d bar %d drawn at π = %v, Go's π after the update %v", s, j, p, want.After[s][j])
			}
		}
	}
}

// waitNudge waits until the view shows a rollout with the given number of
// the nudge session, and returns after playing it to its end.
func (p *page) playNudgeToEnd(t *testing.T) nudgeDrawn {
	t.Helper()
	p.clickSelector(t, "#nudge-play")
	p.waitFor(t, "the rollout to play to its end", `document.getElementById('nudge-pos').value === document.getElementById('nudge-pos').max && document.getElementById('nudge-play').textContent === 'Play'`)
	return eval[nudgeDrawn](t, p, nudgeDrawnJS)
}

func TestBrowserNudge(t *testing.T) {
	p := newPage(t)
	g, err := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	nudge := lab.NewNudge(1)
	next := func(fromLab bool) lab.NudgeRollout {
		t.Helper()
		if fromLab {
			nudge.Adopt()
		}
		r, err := nudge.Rollout(g)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const rolloutN = `document.getElementById('nudge-status').textContent.startsWith('Rollout %d drawn')`

	t.Run("default world", func(t *testing.T) {
		p.clickSelector(t, `label[for="view-nudge"]`)
		p.waitFor(t, "the first nudge rollout", fmt.Sprintf(rolloutN, 1))
		if !eval[bool](t, p, `document.getElementById('stage-grid').hidden && !document.getElementById('stage-nudge').hidden && document.getElementById('lab-panel').hidden`) {
			t.Fatal("the nudge view did not replace the grid and its panel")
		}
		want := next(true)
		// Step walks one move at a time and shows π(a_t|s_t) of the move.
		p.clickSelector(t, "#nudge-step")
		if got := eval[string](t, p, `document.getElementById('nudge-pos').value`); got != "1" {
			t.Errorf("after Step the slider is at %s, want 1", got)
		}
		if len(want.Steps) > 1 {
			readout := text(t, p, "#nudge-readout")
			if w := fmt.Sprintf("probability %.3f", want.Steps[1].Prob); !strings.Contains(readout, w) {
				t.Errorf("readout %q after one move, want it to give %s", readout, w)
			}
		}
		// Before the end, the numbers that need the whole rollout are hidden.
		hidden := eval[bool](t, p, `(() => { const r = document.querySelector('#nudge-steps .nudge-row[data-step="0"]'); return getComputedStyle(r.querySelectorAll('[role=cell]')[5]).visibility === 'hidden'; })()`)
		if len(want.Steps) > 1 && !hidden {
			t.Error("G_t − b(s_t) is shown before the rollout has ended")
		}
		// The slider scrubs back.
		eval[int](t, p, `(() => { const s = document.getElementById('nudge-pos'); s.value = '0'; s.dispatchEvent(new Event('input')); return 1; })()`)
		if got := eval[string](t, p, `document.getElementById('nudge-pos-out').textContent`); !strings.HasPrefix(got, "0 of ") {
			t.Errorf("after scrubbing to 0 the slider reads %q", got)
		}
		checkNudgeDrawn(t, p.playNudgeToEnd(t), want)
		p.screenshot(t, "nudge.png", "#lab")
		// A second rollout from the lab's (unchanged) policy, from the keyboard.
		p.clickSelector(t, "#lab-title")
		p.run(t, chromedp.KeyEvent("n"))
		p.waitFor(t, "the second nudge rollout", fmt.Sprintf(rolloutN, 2))
		want = next(true)
		p.run(t, chromedp.KeyEvent("s"))
		if got := eval[string](t, p, `document.getElementById('nudge-pos').value`); got != "1" {
			t.Errorf("after the S key the slider is at %s, want 1", got)
		}
		checkNudgeDrawn(t, p.playNudgeToEnd(t), want)
	})

	t.Run("moved goal and pit", func(t *testing.T) {
		p.clickSelector(t, `label[for="view-policy"]`)
		for range 10 {
			p.clickSelector(t, "#step")
		}
		p.clickSelector(t, `label[for="place-pit"]`)
		p.clickSelector(t, `#grid .cell[data-row="0"][data-col="1"]`)
		p.clickSelector(t, `label[for="place-goal"]`)
		p.clickSelector(t, `#grid .cell[data-row="1"][data-col="2"]`)
		if s := p.grid(t); s.GoalClass != "1,2" || s.Rollouts != 40 {
			t.Fatalf("goal %q after 40 rollouts %v, want 1,2 and 40", s.GoalClass, s.Rollouts)
		}
		if err := g.Step(40); err != nil {
			t.Fatal(err)
		}
		if err := g.SetPit(env.Cell{Row: 0, Col: 1}); err != nil {
			t.Fatal(err)
		}
		if err := g.SetGoal(env.Cell{Row: 1, Col: 2}); err != nil {
			t.Fatal(err)
		}
		p.clickSelector(t, `label[for="view-nudge"]`)
		p.waitFor(t, "a rollout on the moved world", fmt.Sprintf(rolloutN, 3))
		want := next(true)
		if want.Goal != (env.Cell{Row: 1, Col: 2}) {
			t.Fatalf("the Go nudge ran on goal %v", want.Goal)
		}
		if cls := eval[string](t, p, `document.querySelectorAll('#nudge-grid .cell')[5].getAttribute('class') + ' ' + document.querySelectorAll('#nudge-grid .cell')[1].getAttribute('class')`); cls != "cell goal cell pit" && !strings.HasPrefix(cls, "cell goal") {
			t.Errorf("nudge grid cells 5 and 1 are %q, want the goal and the pit", cls)
		}
		checkNudgeDrawn(t, p.playNudgeToEnd(t), want)
		// Carrying on: the next rollout starts from this update.
		p.clickSelector(t, `label[for="nudge-carry"]`)
		p.clickSelector(t, "#nudge-new")
		p.waitFor(t, "a rollout carried on", fmt.Sprintf(rolloutN, 4))
		carried := next(false)
		if !sameBits4(carried.Before, want.After) {
			t.Fatal("the Go session did not carry on: the test checks nothing")
		}
		checkNudgeDrawn(t, p.playNudgeToEnd(t), carried)
		p.clickSelector(t, `label[for="nudge-carry"]`)
	})

	// The view's text, at the end of a rollout, in both themes: WCAG
	// contrast ≥ 4.5:1 (the check of browser_cartpole_test.go, on this view).
	t.Run("contrast and dark", func(t *testing.T) {
		js := strings.Replace(contrastJS, "'#cartpole *'", "'#nudge-panel *, #stage-nudge *'", 1)
		if js == contrastJS {
			t.Fatal("the contrast check's selector moved; update this test")
		}
		if got := eval[string](t, p, `document.getElementById('nudge-pos').value === document.getElementById('nudge-pos').max ? 'end' : 'not'`); got != "end" {
			t.Fatal("the rollout is not at its end")
		}
		if bad := eval[[]string](t, p, js); len(bad) > 0 {
			t.Errorf("light theme, text below 4.5:1: %q", bad)
		}
		dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, dark); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		p.waitFor(t, "the dark background", `getComputedStyle(document.body).backgroundColor !== 'rgb(251, 250, 246)'`)
		p.waitFor(t, "colour transitions to finish", `document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)`)
		if bad := eval[[]string](t, p, js); len(bad) > 0 {
			t.Errorf("dark theme, text below 4.5:1: %q", bad)
		}
		p.screenshot(t, "nudge-dark.png", "#lab")
	})

	t.Run("phone", func(t *testing.T) {
		for _, w := range []int64{390, 320} {
			p.run(t, chromedp.EmulateViewport(w, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			bad := eval[[]string](t, p, `(() => { const bad = []; const W = document.documentElement.clientWidth;
			  if (document.documentElement.scrollWidth > W) bad.push('page ' + (document.documentElement.scrollWidth - W) + ' px too wide');
			  for (const e of document.querySelectorAll('#nudge-panel *, #stage-nudge *')) { const r = e.getBoundingClientRect();
			    if (r.width > 0 && (r.right > W + 0.5 || r.left < -0.5)) bad.push((e.id || e.className.baseVal || e.className || e.tagName) + ' outside the screen'); }
			  for (const b of document.querySelectorAll('#nudge-panel button')) if (b.getBoundingClientRect().height < 40) bad.push(b.id + ' lower than 40 px');
			  return bad.slice(0, 8); })()`)
			if len(bad) > 0 {
				t.Errorf("nudge view at %d px: %q", w, bad)
			}
			if w == 390 {
				p.screenshot(t, "nudge-phone.png", "#lab")
			}
		}
		p.run(t, chromedp.EmulateViewport(1280, 900))
	})

	t.Run("link", func(t *testing.T) {
		// A link to the view opens it with a rollout drawn from the link's world.
		p.open(t, "#seed=1&view=nudge&goal=2%2C2")
		p.waitFor(t, "a rollout from the link", fmt.Sprintf(rolloutN, 1))
		if !eval[bool](t, p, `document.getElementById('view-nudge').checked && !document.getElementById('stage-nudge').hidden && location.hash.includes('view=nudge')`) {
			t.Error("the link did not open the Nudge view")
		}
		if got := eval[string](t, p, `document.querySelectorAll('#nudge-grid .cell')[8].getAttribute('class')`); got != "cell goal" {
			t.Errorf("cell 2,2 of the nudge grid is %q, want the link's goal", got)
		}
	})

	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("console errors or failed requests during the test: %q", probs)
	}
}

func sameBits4(a, b [][4]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range 4 {
			if !same(a[i][j], b[i][j]) {
				return false
			}
		}
	}
	return true
}
