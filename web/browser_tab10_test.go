package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// f3 formats like the page's fmt(v, d): d decimals and a true minus sign.
func fmtPage(v float64, d int) string {
	s := fmt.Sprintf("%.*f", d, v)
	if strings.HasPrefix(s, "-") {
		if strings.Trim(s[1:], "0.") == "" {
			return s[1:]
		}
		return "−" + s[1:]
	}
	return s
}

// tableCells returns the text of the cells matching sel, in order.
func tableCells(t *testing.T, p *page, sel string) []string {
	t.Helper()
	return eval[[]string](t, p, fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent.trim())`, sel))
}

// TestBrowserTab10 drives the variance lab, the critic and the clip
// sections as a reader would (scrolling to them, pressing their buttons,
// moving sliders with the keyboard) and checks what they draw against the
// Go sessions built natively with the page's seed (1) and settings.
func TestBrowserTab10(t *testing.T) {
	p := newPage(t)
	grid, err := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	scroll := func(id string) {
		eval[bool](t, p, fmt.Sprintf(`(document.getElementById(%q).scrollIntoView(), true)`, id))
	}

	t.Run("variance", func(t *testing.T) {
		scroll("variance")
		p.waitFor(t, "200 estimates per baseline", `document.getElementById('var-plot').dataset.drawn === '200'`)
		v, err := lab.NewVariance(grid, lab.DefaultVarianceSettings(), 1)
		if err != nil {
			t.Fatal(err)
		}
		for !v.Step(100) {
		}
		check := func(what string) {
			var s lab.VarianceSnapshot
			v.SnapshotInto(&s)
			var want []string
			for _, c := range s.Clouds {
				want = append(want, fmtPage(c.Bias, 4), fmtPage(c.Trace, 4))
			}
			var got []string
			cells := tableCells(t, p, "#var-table tbody td")
			for i := 0; i+3 < len(cells); i += 4 {
				got = append(got, cells[i], cells[i+2])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: drawn bias and variance %q, Go session %q", what, got, want)
			}
			drawn := eval[int](t, p, `[...document.querySelectorAll('#var-plot .cloud circle')].filter(c => c.getAttribute('cx') !== '-10').length`)
			if drawn != 3*s.Drawn {
				t.Errorf("%s: %d dots drawn, want %d", what, drawn, 3*s.Drawn)
			}
		}
		check("defaults")
		// The offset slider by keyboard: four presses of → make c = 2.
		eval[int](t, p, `document.getElementById("var-c").focus(), 1`)
		for range 4 {
			p.run(t, chromedp.KeyEvent(kb.ArrowRight))
		}
		p.waitFor(t, "c = 2 and the clouds redrawn", `document.getElementById('var-c-out').textContent === '2' && document.getElementById('var-plot').dataset.drawn === '200' && location.hash.includes('vc=2')`)
		set := v.Settings()
		set.Offset = 2
		if err := v.SetSettings(set); err != nil {
			t.Fatal(err)
		}
		for !v.Step(100) {
		}
		check("c = 2")
		var s lab.VarianceSnapshot
		v.SnapshotInto(&s)
		if !(s.Clouds[0].Trace > 3*s.Clouds[2].Trace) {
			t.Errorf("c = 2: no-baseline variance %v is not well above the per-cell one %v", s.Clouds[0].Trace, s.Clouds[2].Trace)
		}
		p.screenshot(t, "variance.png", "#variance")
	})

	t.Run("critic", func(t *testing.T) {
		scroll("critic")
		p.clickSelector(t, "#critic-train")
		p.waitFor(t, "300 actor-critic rollouts", `Number(document.getElementById('critic-rollouts').textContent.replace(/,/g, '')) >= 300`)
		p.clickSelector(t, "#critic-train")
		n := eval[int](t, p, `pgrad.criticStep(0)[2]`)
		p.waitFor(t, "the paused count drawn", fmt.Sprintf(`document.getElementById('critic-rollouts').textContent.replace(/,/g, '') === '%d'`, n))
		c, err := lab.NewCritic(env.DefaultGrid(), lab.DefaultCriticSettings(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Step(n); err != nil {
			t.Fatal(err)
		}
		var s lab.CriticSnapshot
		c.SnapshotInto(&s, 0)
		var wantV, wantX []string
		for i := range s.V {
			switch {
			case i == 2:
				wantV, wantX = append(wantV, "goal"), append(wantX, "goal")
			case i == 4:
				wantV, wantX = append(wantV, "pit"), append(wantX, "pit")
			default:
				wantV, wantX = append(wantV, fmtPage(s.V[i], 2)), append(wantX, fmtPage(s.ExactV[i], 2))
			}
		}
		if got := tableCells(t, p, "#critic-learned .vtext"); strings.Join(got, " ") != strings.Join(wantV, " ") {
			t.Errorf("learned V drawn %q, Go session %q", got, wantV)
		}
		if got := tableCells(t, p, "#critic-exact .vtext"); strings.Join(got, " ") != strings.Join(wantX, " ") {
			t.Errorf("exact V drawn %q, Go session %q", got, wantX)
		}
		if got, want := text(t, p, "#critic-err"), fmtPage(s.MaxAbsErr, 3); got != want {
			t.Errorf("largest |V − V^π| drawn %q, Go %q", got, want)
		}
		p.clickSelector(t, "#compare-run")
		p.waitFor(t, "the compare run to finish", `document.getElementById('compare-plot').dataset.blocks === '50' && document.getElementById('compare-cmd').textContent.split('\n').length === 3`)
		cm, err := lab.NewCompare(env.DefaultGrid(), lab.DefaultCriticSettings())
		if err != nil {
			t.Fatal(err)
		}
		for !cm.Step(100000) {
		}
		var want []string
		for a := range lab.CompareAlgos {
			var sum float64
			for s := range lab.CompareSeeds {
				sum += cm.Success(a, s)
			}
			want = append(want, fmt.Sprintf("%d %%", int(100*sum/lab.CompareSeeds+0.5)))
		}
		if got := tableCells(t, p, "#compare-table td"); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("compare table %q, Go %q", got, want)
		}
		path := eval[string](t, p, `document.querySelector('#compare-plot .mean-line.ac').getAttribute('d')`)
		if strings.Count(path, "L") != 49 {
			t.Errorf("actor-critic curve has %d segments, want 49", strings.Count(path, "L"))
		}
		if cmd := strings.Split(text(t, p, "#compare-cmd"), "\n"); len(cmd) != 3 || cmd[2] != cm.Command(2, 1) {
			t.Errorf("commands %q, want the last to be %q", cmd, cm.Command(2, 1))
		}
		t.Logf("compare run in the tab: %s (%s rollouts/s)", text(t, p, "#compare-status"), eval[string](t, p, `document.getElementById('compare-plot').dataset.rate`))
		p.screenshot(t, "critic.png", "#critic")
	})

	t.Run("clip", func(t *testing.T) {
		scroll("clip")
		p.waitFor(t, "the clip epochs", `document.getElementById('clip-epochs').dataset.k === '20'`)
		c, err := lab.NewClip(grid, lab.DefaultClipSettings(), 1)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string) {
			var s lab.ClipSnapshot
			c.SnapshotInto(&s)
			k := len(s.Plain) - 1
			want := []string{fmtPage(s.Plain[0].J, 3), fmtPage(s.Plain[k].J, 3), fmtPage(s.PlainWorstJ, 3), fmtPage(s.Clip[k].J, 3), fmtPage(s.ClippedWorstJ, 3),
				fmt.Sprintf("%s to %s", fmtPage(s.Clip[k].MinRatio, 2), fmtPage(s.Clip[k].MaxRatio, 2))}
			cells := tableCells(t, p, "#clip-table td")
			got := []string{cells[0], cells[5], cells[6], cells[10], cells[11], cells[12]}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: drawn %q, Go session %q", what, got, want)
			}
			// The status names the session's cells with samples of more than one move.
			wantCells := fmt.Sprintf("%d of the %d cells it visited ", s.MixedCells, s.Cells)
			if st := eval[string](t, p, `document.getElementById('clip-status').textContent`); !strings.Contains(st, wantCells) || s.Cells < 2 {
				t.Errorf("%s: status %q does not say %q", what, st, wantCells)
			}
			// The per-epoch share chart: K segments per run, and each
			// point's height is the session's clipped share (y = 175 − 165·share).
			ys := eval[[]float64](t, p, `(document.querySelector('#clip-share .jline.clipped').getAttribute('d').match(/,-?[\d.]+/g) || []).map(v => Number(v.slice(1)))`)
			if len(ys) != len(s.Clip) {
				t.Fatalf("%s: share chart has %d points, want %d", what, len(ys), len(s.Clip))
			}
			for e, y := range ys {
				if d := (175-y)/165 - s.Clip[e].Clipped; d > 1e-3 || d < -1e-3 {
					t.Errorf("%s: epoch %d drawn share %.4f, Go %.4f", what, e, (175-y)/165, s.Clip[e].Clipped)
				}
			}
		}
		check("defaults")
		// K by keyboard: End takes the slider to 50 epochs.
		eval[int](t, p, `document.getElementById("clip-k").focus(), 1`)
		p.run(t, chromedp.KeyEvent(kb.End))
		p.waitFor(t, "50 epochs drawn", `document.getElementById('clip-epochs').dataset.k === '50' && location.hash.includes('pk=50')`)
		set := c.Settings()
		set.Epochs = 50
		if err := c.SetSettings(set); err != nil {
			t.Fatal(err)
		}
		check("K = 50")
		p.screenshot(t, "clip.png", "#clip")
	})

	t.Run("hash", func(t *testing.T) {
		h := eval[string](t, p, `location.hash`)
		for _, kv := range []string{"vc=2", "pk=50", "aclam=0.9"} {
			if !strings.Contains(h, kv) {
				t.Fatalf("hash %q lacks %s", h, kv)
			}
		}
		p.open(t, strings.Replace(strings.Replace(h, "pk=50", "pk=7", 1), "aclam=0.9", "aclam=0.3", 1))
		scroll("clip")
		p.waitFor(t, "the restored settings", `document.getElementById('clip-k').value === '7' && document.getElementById('clip-k-out').textContent === '7' && document.getElementById('var-c').value === '2' && document.getElementById('critic-lambda').value === '0.3'`)
		p.waitFor(t, "7 epochs drawn", `document.getElementById('clip-epochs').dataset.k === '7'`)
		p.open(t, "#pk=500&vc=x")
		if s := text(t, p, "#status"); !strings.Contains(s, "pk") || !strings.Contains(s, "vc") {
			t.Errorf("bad hash values not reported: %q", s)
		}
	})

	sections := `#variance *, #critic *, #clip *`
	contrast := strings.Replace(contrastJS, "#cartpole *", sections, 1)
	t.Run("contrast", func(t *testing.T) {
		if bad := eval[[]string](t, p, contrast); len(bad) > 0 {
			t.Errorf("light theme: text below 4.5:1: %q", bad)
		}
	})
	t.Run("dark", func(t *testing.T) {
		dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, dark); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		p.waitFor(t, "the dark background", `getComputedStyle(document.body).backgroundColor !== 'rgb(251, 250, 246)'`)
		undo := p.renderAll(t) // a section skipped off screen runs no colour transitions
		p.waitFor(t, "colour transitions to finish", `document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)`)
		if bad := eval[[]string](t, p, contrast); len(bad) > 0 {
			t.Errorf("dark theme: text below 4.5:1: %q", bad)
		}
		undo()
		scroll("variance")
		p.waitFor(t, "the clouds", `document.getElementById('var-plot').dataset.drawn === '200'`)
		p.screenshot(t, "variance-dark.png", "#variance")
	})
	for _, w := range []int{390, 320} {
		t.Run(fmt.Sprintf("phone%d", w), func(t *testing.T) {
			p.run(t, chromedp.EmulateViewport(int64(w), 800, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			defer p.run(t, chromedp.EmulateViewport(1280, 900))
			for _, id := range []string{"variance", "critic", "clip"} {
				scroll(id)
				out := eval[[]string](t, p, fmt.Sprintf(`[...document.querySelectorAll('#%s svg, #%s table, #%s button, #%s input, #%s select, #%s p')].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > %d.5); }).map(e => e.id || e.tagName)`, id, id, id, id, id, id, w))
				if len(out) > 0 {
					t.Errorf("%d px: parts of #%s outside the screen: %q", w, id, out)
				}
			}
			if o := eval[int](t, p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); o > 0 {
				t.Errorf("%d px: the page is %d px too wide", w, o)
			}
			if w == 390 {
				for _, id := range []string{"variance", "critic", "clip"} {
					scroll(id)
					p.screenshot(t, id+"-phone.png", "#"+id)
				}
			}
		})
	}
	if probs := p.problems(); len(probs) > 0 {
		t.Errorf("page problems: %q", probs)
	}
}
