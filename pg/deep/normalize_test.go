package deep

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// Batch updates give the mean and variance of all the data together with
// the prior (mean 0, variance 1, weight 1e-4), computed directly.
func TestRunningStatsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	s := NewRunningStats(2)
	var all []float64
	for _, n := range []int{1, 7, 3, 50} {
		x := make([]float64, 2*n)
		for i := range x {
			x[i] = 5 + 3*r.NormFloat64() + float64(i%2)*100
		}
		s.Update(x, n)
		all = append(all, x...)
	}
	N := float64(len(all) / 2)
	for j := range 2 {
		var sum float64
		for i := j; i < len(all); i += 2 {
			sum += all[i]
		}
		m := sum / (N + 1e-4)
		ss := 1e-4 * (1 + m*m)
		for i := j; i < len(all); i += 2 {
			ss += (all[i] - m) * (all[i] - m)
		}
		v := ss / (N + 1e-4)
		if math.Abs(s.Mean[j]-m) > 1e-9*math.Abs(m) || math.Abs(s.Var[j]-v) > 1e-9*v {
			t.Errorf("dimension %d: mean %v var %v, want %v %v", j, s.Mean[j], s.Var[j], m, v)
		}
	}
	if s.Count != N+1e-4 {
		t.Errorf("count %v, want %v", s.Count, N+1e-4)
	}
	dst := make([]float64, 2)
	s.Normalize(dst, []float64{s.Mean[0] + 2*math.Sqrt(s.Var[0]+NormEps), 1e9}, 1)
	if math.Abs(dst[0]-2) > 1e-12 || dst[1] != NormClip {
		t.Errorf("Normalize: %v, want [2 %v]", dst, NormClip)
	}
}

// Rewards are divided by the running standard deviation of the discounted
// return, by hand for two steps of one copy, and the return restarts after
// an episode ends.
func TestRewardNormByHand(t *testing.T) {
	rn := newRewardNorm(1, 0.5)
	rw := []float64{1}
	rn.apply(rw, []bool{false}, []bool{false})
	// R = 1: count 1.0001, mean 1/1.0001, var (1e-4 + 1e-4/1.0001)/1.0001.
	c := 1 + 1e-4
	m1 := 1 / c
	v1 := (1e-4 + 1e-4/c) / c
	if want := 1 / math.Sqrt(v1+NormEps); math.Abs(rw[0]-min(want, NormClip)) > 1e-12 {
		t.Errorf("first reward %v, want %v", rw[0], min(want, NormClip))
	}
	rw[0] = 2
	rn.apply(rw, []bool{true}, []bool{false})
	// R = 0.5·1 + 2 = 2.5.
	c2 := c + 1
	d := 2.5 - m1
	m2 := m1 + d/c2
	v2 := (v1*c + d*d*c/c2) / c2
	if math.Abs(rn.stats.Mean[0]-m2) > 1e-12 || math.Abs(rn.stats.Var[0]-v2) > 1e-12 {
		t.Errorf("statistics %v %v, want %v %v", rn.stats.Mean, rn.stats.Var, m2, v2)
	}
	if want := 2 / math.Sqrt(v2+NormEps); math.Abs(rw[0]-want) > 1e-12 {
		t.Errorf("second reward %v, want %v", rw[0], want)
	}
	if rn.ret[0] != 0 {
		t.Errorf("return %v after the episode ended, want 0", rn.ret[0])
	}
}

// With NormObs the statistics count every observation of training (the
// resets too), the networks see the normalised observations, the
// checkpoint keeps the statistics, and evaluating or predicting leaves
// them as they are.
func TestNormObs(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		cfg := short(env)
		cfg.NormObs, cfg.NormReward = true, true
		tr, err := New(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := tr.Iterate(); err != nil {
				t.Fatal(err)
			}
		}
		a := tr.Agent()
		if want := 1e-4 + float64(cfg.Envs+tr.Steps()); math.Abs(a.ObsNorm.Count-want) > 1e-9 {
			t.Errorf("%s: count %v, want %v", env, a.ObsNorm.Count, want)
		}
		// The stored observations of the last rollout are normalised: their
		// mean is near 0 and no element is beyond the clip.
		r := &tr.roll
		for j := range r.d {
			var m float64
			for i := j; i < len(r.obs); i += r.d {
				m += r.obs[i]
				if math.Abs(r.obs[i]) > NormClip {
					t.Fatalf("%s: stored observation %v beyond the clip", env, r.obs[i])
				}
			}
			if m /= float64(len(r.obs) / r.d); math.Abs(m) > 1 {
				t.Errorf("%s: dimension %d of the stored observations has mean %v", env, j, m)
			}
		}
		// The rewards are normalised too: within the clip, not all zero.
		if slices.Max(r.rewards) > NormClip || slices.Min(r.rewards) < -NormClip || slices.Max(r.rewards) == slices.Min(r.rewards) {
			t.Errorf("%s: normalised rewards from %v to %v", env, slices.Min(r.rewards), slices.Max(r.rewards))
		}
		before := a.ObsNorm.clone()
		obs := randomObs(rand.New(rand.NewPCG(2, 2)), 1, a.Space.ObsDim)
		got, _ := a.Predict(obs)
		if _, err := a.Evaluate(3, false, 1); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before.Mean, a.ObsNorm.Mean) || before.Count != a.ObsNorm.Count {
			t.Errorf("%s: evaluation changed the statistics", env)
		}
		// Predict = the same networks without normalisation, given the
		// normalised observation.
		plain := &Agent{Config: a.Config, Space: a.Space, Policy: a.Policy, Value: a.Value}
		x := make([]float64, len(obs))
		a.ObsNorm.Normalize(x, obs, 1)
		if want, _ := plain.Predict(x); !slices.Equal(got, want) {
			t.Errorf("%s: Predict %v, networks on the normalised observation %v", env, got, want)
		}
		path := filepath.Join(t.TempDir(), "a.ckpt")
		if err := a.Save(path); err != nil {
			t.Fatal(err)
		}
		b, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(b.ObsNorm.Mean, a.ObsNorm.Mean) || !slices.Equal(b.ObsNorm.Var, a.ObsNorm.Var) || b.ObsNorm.Count != a.ObsNorm.Count {
			t.Errorf("%s: statistics changed in the checkpoint", env)
		}
		if again, _ := b.Predict(obs); !slices.Equal(again, got) {
			t.Errorf("%s: Predict after Load %v, before %v", env, again, got)
		}
	}
}

// TargetKL ends the epochs once the last minibatch's approximate KL
// exceeds it: with a tiny target one epoch runs (4 Adam steps), without
// all 4 (16 steps).
func TestTargetKL(t *testing.T) {
	for _, c := range []struct {
		target      float64
		epochs, adm int
	}{{1e-12, 1, 4}, {0, 4, 16}, {1e3, 4, 16}} {
		cfg := short("cartpole")
		cfg.Epochs, cfg.Minibatches, cfg.TargetKL = 4, 4, c.target
		tr, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			s, err := tr.Iterate()
			if err != nil {
				t.Fatal(err)
			}
			if s.Epochs != c.epochs || tr.opt.adam[0].Steps() != (i+1)*c.adm {
				t.Errorf("target %g: %d epochs and %d Adam steps after %d iterations, want %d and %d",
					c.target, s.Epochs, tr.opt.adam[0].Steps(), i+1, c.epochs, (i+1)*c.adm)
			}
		}
	}
	cfg := short("cartpole")
	cfg.TargetKL = math.NaN()
	var ce *ConfigError
	if err := cfg.Validate(); !errors.As(err, &ce) || ce.Field != "TargetKL" {
		t.Errorf("TargetKL NaN: %v", err)
	}
}

// The learning rate of iteration i (0-based) of I follows the schedule:
// LR, LR·(1 − i/I), LR·½(1 + cos(πi/I)).
func TestLRSchedules(t *testing.T) {
	for _, c := range []struct {
		schedule string
		anneal   bool
		f        func(i, n float64) float64
	}{
		{"constant", false, func(i, n float64) float64 { return 1 }},
		{"", false, func(i, n float64) float64 { return 1 }},
		{"linear", false, func(i, n float64) float64 { return 1 - i/n }},
		{"", true, func(i, n float64) float64 { return 1 - i/n }},
		{"cosine", false, func(i, n float64) float64 { return 0.5 * (1 + math.Cos(math.Pi*i/n)) }},
	} {
		cfg := short("cartpole")
		cfg.LRSchedule, cfg.Anneal, cfg.LR = c.schedule, c.anneal, 1e-3
		tr, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		n := tr.Iterations()
		for i := range n {
			s, err := tr.Iterate()
			if err != nil {
				t.Fatal(err)
			}
			if want := 1e-3 * c.f(float64(i), float64(n)); s.LR != want {
				t.Errorf("%q anneal %v, iteration %d: lr %v, want %v", c.schedule, c.anneal, i, s.LR, want)
			}
		}
	}
	for _, bad := range []struct {
		schedule string
		anneal   bool
	}{{"step", false}, {"cosine", true}, {"constant", true}} {
		cfg := short("cartpole")
		cfg.LRSchedule, cfg.Anneal = bad.schedule, bad.anneal
		var ce *ConfigError
		if err := cfg.Validate(); !errors.As(err, &ce) || ce.Field != "LRSchedule" {
			t.Errorf("%q with anneal %v: %v", bad.schedule, bad.anneal, err)
		}
	}
}
