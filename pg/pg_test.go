package pg

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// script is a rand.Source whose Float64 draws are the given numbers, in
// order: rand.Rand.Float64 keeps the low 53 bits of Uint64 and divides by
// 2⁵³.
type script struct {
	u []float64
	i int
}

func (s *script) Uint64() uint64 {
	if s.i == len(s.u) {
		panic("script: out of numbers")
	}
	u := s.u[s.i]
	s.i++
	return uint64(u * (1 << 53))
}

// tiny is the 2×2 world of the hand-computed updates: start (1,0) = state
// 2, goal (0,1) = state 1, pit (1,1) = state 3; state 0 is (0,0).
func tiny(t *testing.T) *env.GridWorld {
	t.Helper()
	w, err := env.NewGridWorld(env.GridConfig{Size: 2, Start: env.Cell{Row: 1, Col: 0}, Goal: env.Cell{Row: 0, Col: 1}, Pits: []env.Cell{{Row: 1, Col: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func near(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

// The uniform policy picks up for u < 0.25, right for u < 0.5, down for
// u < 0.75 and left above.
const uUp, uRight, uDown, uLeft = 0.1, 0.3, 0.6, 0.9

// TestOneUpdateByHand checks one batch of two rollouts from the uniform
// policy on the tiny world, α = 0.1, γ = 0.5:
//
//	rollout 1: up to (0,0) (reward 0), right into the goal (+1): G = 0.5, 1
//	rollout 2: right into the pit (−1): G = −1
//
// g[start] = 0.5·(e_up − ¼) − 1·(e_right − ¼) = (0.625, −0.875, 0.125, 0.125)
// g[(0,0)] = 1·(e_right − ¼)               = (−0.25, 0.75, −0.25, −0.25)
// θ = (α/2)·g. The baselines are zero during the first batch, so every kind
// gives the same update.
func TestOneUpdateByHand(t *testing.T) {
	for _, b := range []Baseline{BaselineNone, BaselineMean, BaselineState} {
		w := tiny(t)
		p := policy.NewSoftmax(4, 4)
		src := &script{u: []float64{uUp, uRight, uRight}}
		tr, err := NewGridTrainer(w, p, Config{LR: 0.1, Gamma: 0.5, Batch: 2, Baseline: b}, rand.New(src))
		if err != nil {
			t.Fatal(err)
		}
		e := tr.Rollout()
		if e.Outcome != env.Goal || len(e.Actions) != 2 || e.Return != 1 || e.Updated {
			t.Fatalf("rollout 1: %+v", e)
		}
		e = tr.Rollout()
		if e.Outcome != env.Pit || len(e.Actions) != 1 || e.Return != -1 || !e.Updated {
			t.Fatalf("rollout 2: %+v", e)
		}
		near(t, b.String()+" θ[start]", p.Row(2), []float64{0.03125, -0.04375, 0.00625, 0.00625})
		near(t, b.String()+" θ[(0,0)]", p.Row(0), []float64{-0.0125, 0.0375, -0.0125, -0.0125})
		near(t, b.String()+" θ[goal]", p.Row(1), []float64{0, 0, 0, 0})
		// After the batch the running means have moved through G in order:
		// b[start]: 0 → 0.05 → 0.05 + 0.1(−1 − 0.05) = −0.055; b[(0,0)] = 0.1;
		// m: 0 → 0.05 → 0.145 → 0.145 + 0.1(−1 − 0.145) = 0.0305.
		if b == BaselineState {
			near(t, "b", []float64{tr.Baseline(2), tr.Baseline(0)}, []float64{-0.055, 0.1})
		}
		if b == BaselineMean {
			near(t, "m", []float64{tr.Baseline(2)}, []float64{0.0305})
		}
	}
}

// TestSecondUpdateWithBaselineByHand continues the batch above with a
// second batch of one rollout (up, right) under each baseline and an
// entropy bonus, and checks it against the formula of the package
// documentation evaluated here with the standard library.
func TestSecondUpdateWithBaselineByHand(t *testing.T) {
	theta1 := map[int][]float64{
		2: {0.03125, -0.04375, 0.00625, 0.00625},
		0: {-0.0125, 0.0375, -0.0125, -0.0125},
	}
	softmax := func(th []float64) []float64 {
		var z float64
		for _, x := range th {
			z += math.Exp(x)
		}
		p := make([]float64, len(th))
		for i, x := range th {
			p[i] = math.Exp(x) / z
		}
		return p
	}
	for _, tc := range []struct {
		b       Baseline
		bStart  float64 // baseline of the start during batch 2
		bCorner float64 // baseline of (0,0)
		beta    float64
	}{
		{BaselineNone, 0, 0, 0},
		{BaselineMean, 0.0305, 0.0305, 0},
		{BaselineState, -0.055, 0.1, 0},
		{BaselineState, -0.055, 0.1, 0.3},
	} {
		w := tiny(t)
		p := policy.NewSoftmax(4, 4)
		// Under θ1, π(up|start) ≈ 0.2575 and π(·|(0,0)) puts right in
		// [≈0.247, ≈0.51): the scripted draws 0.1 and 0.3 still mean up, right.
		src := &script{u: []float64{uUp, uRight, uRight, uUp, uRight}}
		tr, err := NewGridTrainer(w, p, Config{LR: 0.1, Gamma: 0.5, Batch: 2, Baseline: tc.b}, rand.New(src))
		if err != nil {
			t.Fatal(err)
		}
		tr.Train(2, nil)
		if updated, err := tr.SetConfig(Config{LR: 0.1, Gamma: 0.5, Batch: 1, Baseline: tc.b, Entropy: tc.beta}); err != nil || updated {
			t.Fatalf("SetConfig with nothing pending: updated %v, error %v", updated, err)
		}
		e := tr.Rollout()
		if e.Outcome != env.Goal || len(e.Actions) != 2 || e.Actions[0] != env.Up || e.Actions[1] != env.Right {
			t.Fatalf("batch 2 rollout: %+v", e)
		}
		// G_0 = 0.5 at the start (action up), G_1 = 1 at (0,0) (action right).
		for _, st := range []struct {
			s, a int
			g, b float64
		}{{2, 0, 0.5, tc.bStart}, {0, 1, 1, tc.bCorner}} {
			pi := softmax(theta1[st.s])
			var h float64
			for _, x := range pi {
				h -= x * math.Log(x)
			}
			want := make([]float64, 4)
			for j := range 4 {
				onehot := 0.0
				if j == st.a {
					onehot = 1
				}
				dH := -pi[j] * (math.Log(pi[j]) + h)
				want[j] = theta1[st.s][j] + 0.1*((st.g-st.b)*(onehot-pi[j])+tc.beta*dH)
			}
			near(t, tc.b.String()+" θ", p.Row(st.s), want)
		}
	}
}

func TestReturnsToGo(t *testing.T) {
	r := []float64{0, -0.5, 0, 2}
	g := make([]float64, 4)
	ReturnsToGo(g, r, 0.5)
	// G3 = 2, G2 = 1, G1 = −0.5 + 0.5 = 0, G0 = 0.
	near(t, "G", g, []float64{0, 0, 1, 2})
	ReturnsToGo(r, r, 1)
	near(t, "G in place", r, []float64{1.5, 1.5, 2, 2})
}

func TestConfigValidate(t *testing.T) {
	good := Config{LR: 0.5, Gamma: 0.9, Batch: 4}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{
		{LR: 0, Gamma: 1, Batch: 1},
		{LR: -1, Gamma: 1, Batch: 1},
		{LR: math.NaN(), Gamma: 1, Batch: 1},
		{LR: math.Inf(1), Gamma: 1, Batch: 1},
		{LR: 1, Gamma: 0, Batch: 1},
		{LR: 1, Gamma: 1.01, Batch: 1},
		{LR: 1, Gamma: 1, Batch: 0},
		{LR: 1, Gamma: 1, Batch: -3},
		{LR: 1, Gamma: 1, Batch: 1, Entropy: -0.1},
		{LR: 1, Gamma: 1, Batch: 1, Baseline: 7},
	} {
		err := c.Validate()
		var se *SettingError
		if !errors.Is(err, ErrSetting) || !errors.As(err, &se) || se.Name == "" {
			t.Errorf("Validate(%+v) = %v, want a SettingError", c, err)
		}
	}
	if b, err := ParseBaseline("state"); err != nil || b != BaselineState {
		t.Errorf("ParseBaseline(state) = %v, %v", b, err)
	}
	if _, err := ParseBaseline("median"); !errors.Is(err, ErrSetting) {
		t.Errorf("ParseBaseline(median) = %v", err)
	}
}

func TestFieldUpdateByFormula(t *testing.T) {
	f, err := env.NewField(env.DefaultField())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Baseline{BaselineNone, BaselineMean} {
		g := policy.Gaussian{Mu: [2]float64{0.1, -0.2}, LogSigma: [2]float64{-0.5, -0.7}}
		const lr, beta = 0.05, 0.01
		tr, err := NewFieldTrainer(f, &g, Config{LR: lr, Gamma: 1, Batch: 3, Baseline: b, Entropy: beta}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		// A first batch moves the baseline away from zero.
		tr.Train(3, nil)
		before := g
		base := tr.Baseline()
		if b == BaselineMean && base == 0 {
			t.Fatal("the mean baseline did not move")
		}
		var sum [4]float64
		for range 3 {
			a, r, _ := tr.Rollout()
			if math.Abs(r-f.Reward(a)) > 0 {
				t.Fatalf("reported reward %v, field says %v", r, f.Reward(a))
			}
			for i := range 2 {
				s := math.Exp(before.LogSigma[i])
				sum[i] += (r - base) * (a[i] - before.Mu[i]) / (s * s)
				sum[2+i] += (r-base)*((a[i]-before.Mu[i])*(a[i]-before.Mu[i])/(s*s)-1) + beta
			}
		}
		want := []float64{
			before.Mu[0] + lr/3*sum[0], before.Mu[1] + lr/3*sum[1],
			before.LogSigma[0] + lr/3*sum[2], before.LogSigma[1] + lr/3*sum[3],
		}
		near(t, b.String()+" field θ", []float64{g.Mu[0], g.Mu[1], g.LogSigma[0], g.LogSigma[1]}, want)
	}
}

func TestFieldSigmaClamped(t *testing.T) {
	f, _ := env.NewField(env.DefaultField())
	g := policy.Gaussian{LogSigma: [2]float64{-2.9, 0.6}}
	tr, _ := NewFieldTrainer(f, &g, Config{LR: 50, Gamma: 1, Batch: 1, Entropy: 0}, rand.New(rand.NewPCG(3, 4)))
	for range 200 {
		tr.Rollout()
		for _, l := range g.LogSigma {
			if l < MinLogSigma || l > MaxLogSigma || math.IsNaN(l) {
				t.Fatalf("log σ = %v escaped [%v, %v]", l, MinLogSigma, MaxLogSigma)
			}
		}
	}
}

func TestRecorderSeesEveryUpdate(t *testing.T) {
	w, _ := env.NewGridWorld(env.DefaultGrid())
	p := policy.NewSoftmax(9, 4)
	tr, _ := NewGridTrainer(w, p, Config{LR: 0.5, Gamma: 0.9, Batch: 3}, rand.New(rand.NewPCG(5, 6)))
	var seen []Stats
	err := tr.Train(10, RecorderFunc(func(s Stats) error { seen = append(seen, s); return nil }))
	if err != nil || len(seen) != 3 || seen[2].Rollouts != 9 || seen[2].Updates != 3 || tr.Rollouts() != 10 || tr.Updates() != 3 {
		t.Fatalf("err %v, recorded %+v, %d rollouts, %d updates", err, seen, tr.Rollouts(), tr.Updates())
	}
	for _, s := range seen {
		if s.SuccessRate < 0 || s.SuccessRate > 1 || s.MeanReturn < -1 || s.MeanReturn > 1 {
			t.Errorf("implausible stats %+v", s)
		}
	}
	stop := errors.New("stop")
	if err := tr.Train(100, RecorderFunc(func(Stats) error { return stop })); err != stop || tr.Rollouts() != 12 {
		t.Errorf("a recorder's error did not stop the run at once: %v after %d rollouts", err, tr.Rollouts())
	}
}

// The stats a Recorder sees are those of the batch just applied, even when
// the batch began before Train was called.
func TestRecorderStatsAreTheBatchs(t *testing.T) {
	cfg := Config{LR: 0.5, Gamma: 0.9, Batch: 4}
	w, _ := env.NewGridWorld(env.DefaultGrid())
	twin, _ := env.NewGridWorld(env.DefaultGrid())
	tr, _ := NewGridTrainer(w, policy.NewSoftmax(9, 4), cfg, rand.New(rand.NewPCG(5, 6)))
	ref, _ := NewGridTrainer(twin, policy.NewSoftmax(9, 4), cfg, rand.New(rand.NewPCG(5, 6)))
	var want []Stats
	goals, ret := 0, 0.0
	for range 402 {
		e := ref.Rollout()
		if e.Outcome == env.Goal {
			goals++
		}
		ret += e.Return
		if e.Updated {
			want = append(want, Stats{ref.Rollouts(), ref.Updates(), float64(goals) / 4, ret / 4})
			goals, ret = 0, 0
		}
	}
	tr.Rollout()
	tr.Rollout()
	var got []Stats
	if err := tr.Train(400, RecorderFunc(func(s Stats) error { got = append(got, s); return nil })); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("grid: recorded %v\nwant %v", got, want)
	}

	fcfg := Config{LR: 0.05, Gamma: 1, Batch: 3, Baseline: BaselineMean}
	f, _ := env.NewField(env.DefaultField())
	var g1, g2 policy.Gaussian
	ft, _ := NewFieldTrainer(f, &g1, fcfg, rand.New(rand.NewPCG(9, 10)))
	fref, _ := NewFieldTrainer(f, &g2, fcfg, rand.New(rand.NewPCG(9, 10)))
	want, got = want[:0], nil
	hits, sum := 0, 0.0
	for range 301 {
		_, r, updated := fref.Rollout()
		if r > FieldSuccess {
			hits++
		}
		sum += r
		if updated {
			want = append(want, Stats{fref.Rollouts(), fref.Updates(), float64(hits) / 3, sum / 3})
			hits, sum = 0, 0
		}
	}
	ft.Rollout()
	if err := ft.Train(300, RecorderFunc(func(s Stats) error { got = append(got, s); return nil })); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("field: recorded %v\nwant %v", got, want)
	}
}

func TestGridRolloutAllocatesNothing(t *testing.T) {
	w, _ := env.NewGridWorld(env.DefaultGrid())
	p := policy.NewSoftmax(9, 4)
	tr, _ := NewGridTrainer(w, p, Config{LR: 0.5, Gamma: 0.9, Batch: 4, Baseline: BaselineState, Entropy: 0.01}, rand.New(rand.NewPCG(7, 8)))
	if n := testing.AllocsPerRun(1000, func() { tr.Rollout() }); n != 0 {
		t.Errorf("%v allocations per rollout, want 0", n)
	}
	f, _ := env.NewField(env.DefaultField())
	g := policy.Gaussian{}
	ft, _ := NewFieldTrainer(f, &g, Config{LR: 0.05, Gamma: 1, Batch: 4, Baseline: BaselineMean}, rand.New(rand.NewPCG(9, 10)))
	if n := testing.AllocsPerRun(1000, func() { ft.Rollout() }); n != 0 {
		t.Errorf("%v allocations per field rollout, want 0", n)
	}
}

func TestGreedyPathStopsAtLoops(t *testing.T) {
	w, _ := env.NewGridWorld(env.DefaultGrid())
	p := policy.NewSoftmax(9, 4)
	// Uniform θ: the greedy action is up everywhere, so from (2,0) the path
	// climbs to (0,0) and then bumps into the edge.
	path, end := GreedyPath(nil, w, p)
	want := []env.Cell{{Row: 2, Col: 0}, {Row: 1, Col: 0}, {Row: 0, Col: 0}, {Row: 0, Col: 0}}
	if end != env.Running || len(path) != len(want) {
		t.Fatalf("path %v ending %v, want %v ending in a loop", path, end, want)
	}
	// Right at (0,0) and (0,1) leads to the goal.
	p.Row(0)[1], p.Row(1)[1] = 1, 1
	path, end = GreedyPath(path[:0], w, p)
	if end != env.Goal || len(path) != 5 || path[4] != (env.Cell{Row: 0, Col: 2}) {
		t.Fatalf("path %v ending %v, want one reaching the goal", path, end)
	}
}
