package lab

import (
	"errors"
	"math"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/pg/exact"
	"github.com/pgrad/pgrad/policy"
)

func trainedGrid(t *testing.T, rollouts int) *Grid {
	t.Helper()
	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Step(rollouts); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestVarianceClouds: with K = 1,000 estimates of batch 4 at a policy
// trained for 100 rollouts, every cloud's mean is within 3 noise levels
// (√(trace/K), the bias expected from sampling alone) of the exact mean;
// the baselines cut the variance; an offset c = 5 on every return spreads
// the no-baseline cloud at least tenfold and leaves the exact mean where
// it was; the projection shows the entries it names.
func TestVarianceClouds(t *testing.T) {
	g := trainedGrid(t, 100)
	set := DefaultVarianceSettings()
	set.Estimates = 1000
	v, err := NewVariance(g, set, 7)
	if err != nil {
		t.Fatal(err)
	}
	for !v.Step(50) {
	}
	var s VarianceSnapshot
	v.SnapshotInto(&s)
	if s.Drawn != 1000 || len(s.Clouds[0].Points) != 1000 {
		t.Fatalf("drawn %d, points %d", s.Drawn, len(s.Clouds[0].Points))
	}
	start := 6
	if s.Settings.X != start*4+0 || s.Settings.Y != start*4+1 {
		t.Errorf("default projection %d, %d; want the start cell's up and right", s.Settings.X, s.Settings.Y)
	}
	// The exact mean is pg/exact's, at the grid's θ.
	e := exact.New(g.world, 0.9)
	e.Compute(g.world, g.pol)
	want := make([]float64, 36)
	e.EstimatorMean(want, false, 0)
	if s.Exact[0] != want[24] || s.Exact[1] != want[25] {
		t.Errorf("exact point %v, want %v", s.Exact, [2]float64{want[24], want[25]})
	}
	for _, c := range s.Clouds {
		if !(c.Bias < 3*c.Noise) {
			t.Errorf("%v: bias %.4f is more than 3 noise levels (%.4f)", c.Baseline, c.Bias, c.Noise)
		}
	}
	if !(s.Clouds[2].Ratio > 1.1 && s.Clouds[1].Ratio > 1.1) {
		t.Errorf("variance ratios %v, %v: the baselines should cut the variance", s.Clouds[1].Ratio, s.Clouds[2].Ratio)
	}
	before := s.Clouds[0].Trace
	exactBefore := s.Exact
	set.Offset = 5
	if err := v.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	for !v.Step(50) {
	}
	v.SnapshotInto(&s)
	if s.Exact != exactBefore {
		t.Errorf("the offset moved the exact point from %v to %v", exactBefore, s.Exact)
	}
	if !(s.Clouds[0].Trace > 10*before) {
		t.Errorf("c = 5: no-baseline trace %.3g, was %.3g", s.Clouds[0].Trace, before)
	}
	if !(s.Clouds[1].Ratio > 50) {
		t.Errorf("c = 5: the mean baseline's ratio is %v", s.Clouds[1].Ratio)
	}
	for _, c := range s.Clouds {
		if !(c.Bias < 3*c.Noise) {
			t.Errorf("c = 5, %v: bias %.4f is more than 3 noise levels (%.4f)", c.Baseline, c.Bias, c.Noise)
		}
	}
	// Re-projecting keeps the estimates.
	set.X, set.Y = 0, 1
	set.Estimates = 1000
	if err := v.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	if v.drawn != 1000 {
		t.Errorf("a new projection dropped the estimates (%d left)", v.drawn)
	}
}

func TestVarianceBadSettings(t *testing.T) {
	g := trainedGrid(t, 0)
	v, err := NewVariance(g, DefaultVarianceSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	good := v.Settings()
	for name, mod := range map[string]func(*VarianceSettings){
		"k": func(s *VarianceSettings) { s.Estimates = 5 },
		"b": func(s *VarianceSettings) { s.Batch = 65 },
		"c": func(s *VarianceSettings) { s.Offset = math.NaN() },
		"x": func(s *VarianceSettings) { s.X = 36 },
	} {
		s := good
		mod(&s)
		var se *SettingError
		if err := v.SetSettings(s); !errors.As(err, &se) || se.Name != name || !errors.Is(err, pg.ErrSetting) {
			t.Errorf("%s: %v", name, err)
		}
		if v.Settings() != good {
			t.Errorf("%s: a bad setting changed the session", name)
		}
	}
}

// TestCriticSession: the exact V^π drawn is pg/exact's for the session's
// policy, and after 4,000 rollouts the learned V of the start (visited by
// every rollout) is within 0.05 of it; cells the learned policy avoids keep
// stale values (the 1e-3 check with a fixed policy is pg's
// TestCriticReachesExactV).
func TestCriticSession(t *testing.T) {
	c, err := NewCritic(env.DefaultGrid(), DefaultCriticSettings(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Step(4000); err != nil {
		t.Fatal(err)
	}
	var s CriticSnapshot
	c.SnapshotInto(&s, 0)
	want := make([]float64, 9)
	if err := exact.Values(want, nil, c.world, c.pol, 0.9); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if s.ExactV[i] != want[i] {
			t.Errorf("V^π(%d) drawn %v, exact %v", i, s.ExactV[i], want[i])
		}
	}
	if d := math.Abs(s.V[6] - s.ExactV[6]); d > 0.05 || s.SuccessRate < 0.9 {
		t.Errorf("after 4,000 rollouts: |V − V^π| at the start %.3f, success %.2f", d, s.SuccessRate)
	}
	bad := DefaultCriticSettings()
	bad.Lambda = 2
	var se *pg.SettingError
	if err := c.SetSettings(bad); !errors.As(err, &se) || se.Name != "lambda" {
		t.Errorf("λ = 2: %v", err)
	}
}

// TestCompare runs the compare to the end: each curve's band holds its
// mean, actor-critic and REINFORCE with a baseline finish above 0.9 on
// average, and each run's numbers are those of a trainer built as the
// printed command builds it (seeded.Rand(seed)).
func TestCompare(t *testing.T) {
	cm, err := NewCompare(env.DefaultGrid(), DefaultCriticSettings())
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for !cm.Step(600) {
		steps++
	}
	if cm.Blocks() != CompareRollouts/CompareBlock {
		t.Fatalf("blocks %d", cm.Blocks())
	}
	for a := range CompareAlgos {
		curve := cm.Curve(nil, a)
		for _, p := range curve {
			if !(p[2] <= p[1] && p[1] <= p[3]) {
				t.Errorf("%s at %v: band [%v, %v] misses the mean %v", CompareAlgos[a], p[0], p[2], p[3], p[1])
			}
		}
		last := curve[len(curve)-1][1]
		if a > 0 && last < 0.9 {
			t.Errorf("%s: final mean success %.2f", CompareAlgos[a], last)
		}
		t.Logf("%s: final block mean %.3f [%.3f, %.3f]", CompareAlgos[a], last, curve[len(curve)-1][2], curve[len(curve)-1][3])
	}
	_ = steps
	// Seed 5's actor-critic rebuilt by hand.
	w, _ := env.NewGridWorld(env.DefaultGrid())
	ac, _ := DefaultCriticSettings().Config()
	tr, _ := pg.NewACTrainer(w, policy.NewSoftmax(9, 4), ac, seeded.Rand(5))
	goals := 0
	for i := range CompareRollouts {
		if tr.Rollout().Outcome == env.Goal && i >= CompareRollouts-100 {
			goals++
		}
	}
	if got := cm.Success(2, 4); got != float64(goals)/100 {
		t.Errorf("seed 5 ac: compare says %v, a fresh trainer %v", got, float64(goals)/100)
	}
	if c := cm.Command(2, 5); c != "pgrad train gridworld -algo ac -critic-lr 0.5 -lambda 0.9 -lr 0.5 -gamma 0.9 -batch 4 -rollouts 1000 -seed 5" {
		t.Errorf("command %q", c)
	}
}

// TestClipSession: epoch 0 is the batch's policy for both objectives
// (ratios 1, J that of θ), the exact J per epoch is pg/exact's, and at a
// policy trained for 100 rollouts with α = 5, K = 20 the plain objective's
// J falls below where it started on seed 1 while the clipped one's does not;
// the clipped run keeps its largest ratio below the plain run's.
func TestClipSession(t *testing.T) {
	g := trainedGrid(t, 100)
	c, err := NewClip(g, DefaultClipSettings(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var s ClipSnapshot
	c.SnapshotInto(&s)
	if len(s.Plain) != 21 || len(s.Clip) != 21 {
		t.Fatalf("epochs %d, %d", len(s.Plain), len(s.Clip))
	}
	e := exact.New(g.world, 0.9)
	e.Compute(g.world, g.pol)
	if s.Plain[0] != s.Clip[0] || s.Plain[0].J != e.J || s.Plain[0].MinRatio != 1 || s.Plain[0].MaxRatio != 1 {
		t.Errorf("epoch 0: %+v and %+v, J %v", s.Plain[0], s.Clip[0], e.J)
	}
	last := len(s.Plain) - 1
	if !(s.PlainWorstJ < s.Plain[0].J-0.1) || !(s.ClippedWorstJ >= s.Clip[0].J) {
		t.Errorf("plain worst J %.3f, clipped worst %.3f, from %.3f", s.PlainWorstJ, s.ClippedWorstJ, s.Plain[0].J)
	}
	if !(s.Clip[last].MaxRatio < s.Plain[last].MaxRatio) {
		t.Errorf("largest ratio: clipped %.3f, plain %.3f", s.Clip[last].MaxRatio, s.Plain[last].MaxRatio)
	}
	for i := range s.Curve {
		r := s.Curve[i][0]
		if r < 0.8 && s.Curve[i][1] != r || r > 1.2 && s.Curve[i][1] != 1.2 || r > 1.2 && s.Curve[i][2] != -r || r < 0.8 && s.Curve[i][2] != -0.8 {
			t.Errorf("L(%v) = %v, %v", r, s.Curve[i][1], s.Curve[i][2])
		}
	}
	// The cells of the batch, and those with samples of more than one move.
	moves := map[int32]map[env.Action]bool{}
	for _, x := range c.batch {
		if moves[x.State] == nil {
			moves[x.State] = map[env.Action]bool{}
		}
		moves[x.State][x.Action] = true
	}
	mixed := 0
	for _, m := range moves {
		if len(m) > 1 {
			mixed++
		}
	}
	if s.Cells != len(moves) || s.MixedCells != mixed || mixed == 0 {
		t.Errorf("cells %d, mixed %d; want %d and %d (> 0 for this batch)", s.Cells, s.MixedCells, len(moves), mixed)
	}
	bad := DefaultClipSettings()
	bad.Epochs = 51
	var se *SettingError
	if err := c.SetSettings(bad); !errors.As(err, &se) || se.Name != "k" {
		t.Errorf("K = 51: %v", err)
	}
}
