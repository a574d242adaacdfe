package stats

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// python returns a Python interpreter that imports numpy: Debian's first
// (a pyenv python3 on PATH may lack it). It skips the test when there is
// none, except under CI=true, where .ci/run installs python3-numpy.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no python3 with numpy under CI=true (.ci/run installs python3-numpy)")
	}
	t.Skip("no python3 with numpy: the comparison with bench/stats/reference.py is skipped")
	return ""
}

type refInterval struct {
	Point json.RawMessage `json:"point"`
	Lo    json.RawMessage `json:"lo"`
	Hi    json.RawMessage `json:"hi"`
}

func floats(t *testing.T, raw json.RawMessage) []float64 {
	t.Helper()
	var v []float64
	if json.Unmarshal(raw, &v) == nil {
		return v
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil {
		t.Fatalf("reference output %s: %v", raw, err)
	}
	return []float64{x}
}

// TestAgainstNumpy compares every statistic with bench/stats/reference.py,
// an independent numpy implementation of rliable's definitions. Point
// estimates must agree to rounding. The intervals come from different
// random draws, so they agree only within Monte-Carlo error: the numpy
// bound at level p must lie between Go's replicate quantiles at p ∓ δ, with
// δ five standard errors of the difference of two empirical levels,
// 5·√(2p(1−p)/R). The strata differ in location so that a bootstrap that
// mixed them would give visibly wider intervals.
func TestAgainstNumpy(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the numpy comparison runs in the full suite")
	}
	py := python(t)
	const R = 5000
	rng := rand.New(rand.NewPCG(11, 12))
	gen := func(strata, runs int, shift float64) [][]float64 {
		s := make([][]float64, strata)
		for i := range s {
			for range runs {
				s[i] = append(s[i], shift+10*float64(i)+rng.NormFloat64()*(1+float64(i)))
			}
		}
		return s
	}
	scores, x, y := gen(2, 10, 0), gen(2, 8, 0.8), gen(2, 8, 0)
	taus := []float64{-1, 0, 1, 9, 11}
	curves := make([][]float64, 10)
	for i := range curves {
		for j := range 4 {
			curves[i] = append(curves[i], float64(j)+rng.ExpFloat64())
		}
	}
	req, _ := json.Marshal(map[string]any{"scores": scores, "x": x, "y": y, "taus": taus, "curves": curves, "resamples": R, "seed": 1})
	cmd := exec.Command(py, filepath.Join("..", "bench", "stats", "reference.py"))
	cmd.Stdin = bytes.NewReader(req)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference.py: %v", err)
	}
	var ref map[string]refInterval
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("reference.py printed %q: %v", out, err)
	}

	b := Bootstrap{Resamples: R, Seed: 1}
	delta := 5 * math.Sqrt(2*0.025*0.975/R)
	qlo, qhi := b.levels()
	// within checks numpy's bounds against Go's sorted replicates d.
	within := func(what string, d []float64, point float64, r refInterval, j int) {
		t.Helper()
		if p := floats(t, r.Point)[j]; math.Abs(p-point) > 1e-12*math.Max(1, math.Abs(point)) {
			t.Errorf("%s: point %.17g, numpy %.17g", what, point, p)
		}
		for _, c := range []struct {
			name  string
			level float64
			v     float64
		}{{"lo", 0.025, floats(t, r.Lo)[j]}, {"hi", 0.975, floats(t, r.Hi)[j]}} {
			a, z := Quantile(d, c.level-delta), Quantile(d, c.level+delta)
			if c.v < a || c.v > z {
				t.Errorf("%s: numpy's %s %.6g outside Go's replicate quantiles [%.6g, %.6g] at %.3f ± %.3f", what, c.name, c.v, a, z, c.level, delta)
			}
		}
	}
	for name, stat := range map[string]Statistic{"mean": Mean, "median": Median, "iqm": IQM} {
		d, err := b.Distribution(scores, stat)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(d)
		within(name, d, stat(scores), ref[name], 0)
		iv, _ := b.Interval(scores, stat)
		if iv.Lo != Quantile(d, qlo) || iv.Hi != Quantile(d, qhi) {
			t.Errorf("%s: Interval %+v is not the 2.5 %% and 97.5 %% quantiles of Distribution", name, iv)
		}
	}

	// The improvement, profile and curve replicates, drawn as those methods
	// draw them, to compare whole distributions rather than two numbers.
	rg, rx, ry := b.rng(), newResampler(x), newResampler(y)
	d := make([]float64, R)
	for k := range d {
		d[k] = ProbabilityOfImprovement(rx.next(rg), ry.next(rg))
	}
	slices.Sort(d)
	within("probability of improvement", d, ProbabilityOfImprovement(x, y), ref["poi"], 0)
	iv, _ := b.Improvement(x, y)
	if iv.Lo != Quantile(d, qlo) || iv.Hi != Quantile(d, qhi) {
		t.Errorf("Improvement %+v disagrees with its own replicates", iv)
	}

	prof, _ := b.Profile(scores, taus)
	rg, rs := b.rng(), newResampler(scores)
	reps := make([][]float64, R)
	for k := range reps {
		reps[k] = ScoreDistribution(rs.next(rg), taus)
	}
	for j := range taus {
		col := make([]float64, R)
		for k := range reps {
			col[k] = reps[k][j]
		}
		slices.Sort(col)
		within("profile at τ="+formatG(taus[j]), col, prof.Point[j], ref["profile"], j)
	}

	band, _ := b.MeanCurve(curves)
	rg = b.rng()
	cols := make([][]float64, 4)
	for range R {
		m := make([]float64, 4)
		for range curves {
			r := rg.IntN(len(curves))
			for j := range m {
				m[j] += curves[r][j]
			}
		}
		for j := range m {
			cols[j] = append(cols[j], m[j]/float64(len(curves)))
		}
	}
	for j := range cols {
		slices.Sort(cols[j])
		within("mean curve", cols[j], band.Point[j], ref["curve"], j)
		if band.Lo[j] != Quantile(cols[j], qlo) {
			t.Errorf("MeanCurve lo[%d] %g disagrees with its own replicates %g", j, band.Lo[j], Quantile(cols[j], qlo))
		}
	}
}
