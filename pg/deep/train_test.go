package deep

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/ckpt"
	"github.com/pgrad/pgrad/policy/mlp"

	"github.com/pgrad/pgrad/internal/golden"
)

var (
	long = flag.Bool("long", false, "run the longer convergence tests")
)

// trainAndEvaluate trains cfg from seed for its whole budget and returns
// the mean and standard deviation of one 100-episode deterministic
// evaluation of the final policy, on evaluation seeds the run never saw.
func trainAndEvaluate(t *testing.T, cfg Config, seed uint64) (float64, float64) {
	t.Helper()
	tr, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rets, err := tr.Agent().Evaluate(100, false, seed+77)
	if err != nil {
		t.Fatal(err)
	}
	return meanOf(rets)
}

// seeds returns 1..n, or 1..long with the -long flag.
func seeds(n, nLong int) []uint64 {
	if *long {
		n = nLong
	}
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

func meanOf(x []float64) (float64, float64) {
	var m, s float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// Every default configuration, trained for its whole budget, ends with a
// policy that solves its task: a 100-episode evaluation mean of at least
// 475 on CartPole-v1 (a random policy gets about 22) and at least −250 on
// Pendulum-v1. By hand, seeds 1–8 (PPO on Pendulum: 1–12) ended at 500 on
// CartPole with every algorithm, and PPO on Pendulum at −213 at worst.
// The suite runs the first seeds; -long runs more, and the Pendulum runs
// of A2C and REINFORCE (2M steps each).
func TestDefaultsSolve(t *testing.T) {
	if testing.Short() {
		t.Skip("convergence test")
	}
	cases := []struct {
		env, algo    string
		target       float64
		seeds, nLong int
	}{
		{"cartpole", PPO, 475, 3, 8},
		{"cartpole", A2C, 475, 1, 8},
		{"cartpole", Reinforce, 475, 1, 8},
		{"pendulum", PPO, -250, 3, 8},
		{"pendulum", A2C, -250, 0, 3},
		{"pendulum", Reinforce, -250, 0, 3},
	}
	for _, c := range cases {
		cfg, err := Defaults(c.env, c.algo)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range seeds(c.seeds, c.nLong) {
			m, sd := trainAndEvaluate(t, cfg, seed)
			t.Logf("%s %s seed %d: %.1f ± %.1f after %d steps", c.env, c.algo, seed, m, sd, cfg.TotalSteps)
			if m < c.target {
				t.Errorf("%s %s seed %d: evaluation mean %.1f ± %.1f after %d steps, want ≥ %v",
					c.env, c.algo, seed, m, sd, cfg.TotalSteps, c.target)
			}
		}
	}
}

func TestCleanRLPreset(t *testing.T) {
	c := CleanRL()
	want := Config{Env: "cartpole", Algo: PPO, Envs: 4, Steps: 128, TotalSteps: 500000, Gamma: 0.99, Lambda: 0.95,
		LR: 2.5e-4, Anneal: true, AdamEps: 1e-5, Epochs: 4, Minibatches: 4, Clip: 0.2, ClipValue: true, NormAdv: true,
		EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5, Hidden: []int{64, 64}, Activation: "tanh", RewardScale: 1,
		NoTruncationBootstrap: true}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("CleanRL() = %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

func TestValidate(t *testing.T) {
	good, _ := Defaults("cartpole", PPO)
	cases := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"algo", func(c *Config) { c.Algo = "dqn" }, "unknown algorithm"},
		{"env", func(c *Config) { c.Env = "acrobat" }, "unknown environment"},
		{"steps", func(c *Config) { c.TotalSteps = 0 }, "total steps must be positive"},
		{"envs", func(c *Config) { c.Envs = -1 }, "envs must be positive"},
		{"lr nan", func(c *Config) { c.LR = math.NaN() }, "lr must be a number"},
		{"lr inf", func(c *Config) { c.LR = math.Inf(1) }, "lr must be a number"},
		{"gamma", func(c *Config) { c.Gamma = 1.5 }, "gamma"},
		{"clip", func(c *Config) { c.Clip = 0 }, "clip"},
		{"ent", func(c *Config) { c.EntCoef = math.NaN() }, "ent coef"},
		{"minibatches", func(c *Config) { c.Minibatches = 1 << 20 }, "minibatches"},
		{"short run", func(c *Config) { c.TotalSteps = c.Envs*c.Steps - 1 }, "fewer than one rollout"},
		{"hidden", func(c *Config) { c.Hidden = []int{64, 0} }, "hidden"},
		{"activation", func(c *Config) { c.Activation = "gelu" }, "activation"},
		{"too many envs", func(c *Config) { c.Envs = 100_000 }, "envs 100000 is too large (at most 1024)"},
		{"too many steps", func(c *Config) { c.Steps = 1 << 40 }, "steps 1099511627776 is too large"},
		{"huge rollout", func(c *Config) { c.Envs, c.Steps = 1024, 1024 }, "1024 envs × 1024 steps is too large"},
		{"too long", func(c *Config) { c.TotalSteps = 1 << 62 }, "total steps 4611686018427387904 is too large"},
		{"too many epochs", func(c *Config) { c.Epochs = 1 << 30 }, "epochs 1073741824 is too large"},
		{"too wide", func(c *Config) { c.Hidden = []int{64, 100_000_000} }, "hidden width 100000000 is too large (at most 4096)"},
		{"too deep", func(c *Config) { c.Hidden = make([]int, 100) }, "number of hidden layers 100 is too large (at most 8)"},
		{"too big", func(c *Config) { c.Hidden = []int{4096, 4096, 4096, 4096} }, "would need about"},
	}
	for _, c := range cases {
		cfg := good
		c.change(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "deep: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if _, err := New(cfg, 1); err == nil {
			t.Errorf("%s: New accepted a bad configuration", c.name)
		}
	}
	// The largest networks and rollouts within the limits are accepted.
	wide, many := good, good
	wide.Hidden = []int{4096, 4096}
	many.Envs, many.Steps, many.TotalSteps = 1024, 64, 1_000_000_000
	for _, c := range []Config{wide, many} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v rejected: %v", c, err)
		}
	}
	if _, err := Defaults("cartpole", "sarsa"); err == nil {
		t.Error("Defaults accepted an unknown algorithm")
	}
}

// short returns a configuration that runs a few small iterations.
func short(env string) Config {
	cfg, _ := Defaults(env, PPO)
	cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.Epochs, cfg.TotalSteps = 4, 64, 4, 2, 4*64*5
	return cfg
}

func runStats(t *testing.T, cfg Config, seed uint64) []Stats {
	t.Helper()
	return runStatsParallel(t, cfg, seed, false)
}

func runStatsParallel(t *testing.T, cfg Config, seed uint64, parallel bool) []Stats {
	t.Helper()
	tr, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	tr.SetParallel(parallel)
	var all []Stats
	if err := tr.Train(context.Background(), RecorderFunc(func(s Stats) error {
		all = append(all, s)
		return nil
	})); err != nil {
		t.Fatal(err)
	}
	return all
}

// The value network on a helper goroutine (SetParallel) changes nothing but
// the wall time: the metrics agree bit for bit with the serial run's.
func TestParallelEqualsSerial(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		cfg := short(env)
		serial, parallel := runStatsParallel(t, cfg, 7, false), runStatsParallel(t, cfg, 7, true)
		if len(serial) == 0 || fmt.Sprintf("%#v", serial) != fmt.Sprintf("%#v", parallel) {
			t.Errorf("%s: serial and parallel runs differ:\n%v\n%v", env, serial, parallel)
		}
	}
}

// A seeded run is reproducible bit for bit; the golden file pins its
// metrics so that an unintended change of the algorithm shows up.
func TestReproducibleGolden(t *testing.T) {
	var b bytes.Buffer
	for _, env := range []string{"cartpole", "pendulum"} {
		cfg := short(env)
		a, c := runStats(t, cfg, 42), runStats(t, cfg, 42)
		if !reflect.DeepEqual(fmt.Sprint(a), fmt.Sprint(c)) {
			t.Errorf("%s: two runs with the same seed differ:\n%v\n%v", env, a, c)
		}
		d := runStats(t, cfg, 43)
		if fmt.Sprint(a) == fmt.Sprint(d) {
			t.Errorf("%s: seeds 42 and 43 gave the same run", env)
		}
		for _, s := range a {
			// Eight significant digits: the same on every machine whose
			// arithmetic differs from this one's at most in the last bits
			// of a few operations (FMA or not), over this short a run.
			fmt.Fprintf(&b, "%s %d %d %d %.8g %.8g %.8g %.8g %.8g %.8g %.8g\n", env, s.Iteration, s.Steps, s.Episodes,
				s.Recent, s.PolicyLoss, s.ValueLoss, s.Entropy, s.ApproxKL, s.ClipFrac, s.ExplainedVar)
		}
	}
	golden.Check(t, filepath.Join("testdata", "metrics.golden"), b.Bytes())
}

func TestCheckpointRoundTrip(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		cfg := short(env)
		tr, err := New(cfg, 5)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Train(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "a.ckpt")
		if err := tr.Agent().Save(path); err != nil {
			t.Fatal(err)
		}
		a, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Config, cfg) {
			t.Errorf("%s: config %+v, want %+v", env, a.Config, cfg)
		}
		for g, p := range tr.Agent().Policy.Params() {
			if !reflect.DeepEqual(p, a.Policy.Params()[g]) {
				t.Errorf("%s: policy group %d differs after the round trip", env, g)
			}
		}
		if !reflect.DeepEqual(tr.Agent().Value.Net().Params(), a.Value.Net().Params()) {
			t.Errorf("%s: value network differs after the round trip", env)
		}
		r1, _ := tr.Agent().Evaluate(5, true, 3)
		r2, _ := a.Evaluate(5, true, 3)
		if !reflect.DeepEqual(r1, r2) {
			t.Errorf("%s: evaluations differ: %v vs %v", env, r1, r2)
		}
		// Training continues from the loaded networks (shared, so this
		// comes after the comparison), and the first trainer still works
		// after Train closed its helper.
		tr2, err := FromAgent(a, 6)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr2.Iterate(); err != nil {
			t.Fatal(err)
		}
		tr2.Close()
		if _, err := tr.Iterate(); err != nil {
			t.Errorf("%s: Iterate after Train: %v", env, err)
		}
		tr.Close()

		data, _ := os.ReadFile(path)
		bad := map[string][]byte{
			"truncated": data[:len(data)/2],
			"foreign":   []byte("\x89PNG\r\n\x1a\n not a checkpoint at all"),
			"flipped":   append(append([]byte{}, data[:len(data)-20]...), append([]byte{data[len(data)-20] ^ 1}, data[len(data)-19:]...)...),
			"empty":     {},
		}
		for name, b := range bad {
			p := filepath.Join(t.TempDir(), name)
			os.WriteFile(p, b, 0o644)
			if _, err := Load(p); err == nil {
				t.Errorf("%s: Load accepted a %s checkpoint", env, name)
			}
		}
	}
}

func TestDivergenceKeepsLastGoodParameters(t *testing.T) {
	cfg := short("cartpole")
	cfg.LR = 1e300 // the first update overflows
	cfg.MaxGradNorm = 0
	cfg.Anneal = false
	tr, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]float64, len(tr.parms))
	for g, p := range tr.parms {
		before[g] = append([]float64(nil), p...)
	}
	var diverged bool
	for i := range 5 {
		if _, err := tr.Iterate(); errors.Is(err, ErrDiverged) {
			diverged = true
			var d *DivergedError
			if !errors.As(err, &d) || d.Iteration != i+1 {
				t.Errorf("error %#v, want a *DivergedError for iteration %d", err, i+1)
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
		for g, p := range tr.parms {
			before[g] = append(before[g][:0], p...)
		}
	}
	if !diverged {
		t.Fatal("a learning rate of 1e300 did not diverge")
	}
	if !mlp.Finite(tr.parms...) {
		t.Error("parameters are not finite after divergence")
	}
	for g, p := range tr.parms {
		if !reflect.DeepEqual(p, before[g]) {
			t.Errorf("group %d: parameters are not those before the bad update", g)
		}
	}
}

func TestIterateAllocatesNothing(t *testing.T) {
	for _, env := range []string{"cartpole", "pendulum"} {
		cfg := short(env)
		cfg.TotalSteps = maxTotalSteps
		tr, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr.Iterate()
		if a := testing.AllocsPerRun(5, func() { tr.Iterate() }); a != 0 {
			t.Errorf("%s: %v allocations per iteration", env, a)
		}
		tr.Close()
	}
}

func TestInterruptedTrainReturnsContextError(t *testing.T) {
	cfg := short("cartpole")
	tr, _ := New(cfg, 1)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := tr.Train(ctx, RecorderFunc(func(s Stats) error {
		n++
		if n == 2 {
			cancel()
		}
		return nil
	}))
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("error %v after %d iterations, want context.Canceled after 2", err, n)
	}
}

// A recorder may wrap ErrStop; Train still ends cleanly.
func TestWrappedErrStopEndsCleanly(t *testing.T) {
	tr, _ := New(short("cartpole"), 1)
	n := 0
	err := tr.Train(context.Background(), RecorderFunc(func(s Stats) error {
		n++
		return fmt.Errorf("reached the target: %w", ErrStop)
	}))
	if err != nil || n != 1 {
		t.Errorf("error %v after %d iterations, want nil after 1", err, n)
	}
}

// The rollout wires time-limit truncations into GAE: with bootstrapping,
// the truncated step's target uses V of the episode's final observation
// (not of the reset observation that follows it); without, none.
func TestRolloutBootstrapsTruncation(t *testing.T) {
	for _, bootstrap := range []bool{true, false} {
		cfg, _ := Defaults("pendulum", PPO)
		cfg.Envs, cfg.Steps, cfg.Minibatches = 2, 256, 2 // Pendulum truncates at step 200
		cfg.NoTruncationBootstrap = !bootstrap
		tr, err := New(cfg, 9)
		if err != nil {
			t.Fatal(err)
		}
		tr.rollout()
		k := -1
		for i, tc := range tr.trunc {
			if tc {
				k = i
				break
			}
		}
		if k != 199*2 {
			t.Fatalf("first truncation at index %d, want %d (step 199 of env 0)", k, 199*2)
		}
		next := tr.values[k+2] // V of the reset observation of env 0
		delta := tr.rewards[k] - tr.values[k]
		if bootstrap {
			d := tr.obsDim
			final := tr.truncObs[:d]
			if c, s := final[0], final[1]; math.Abs(c*c+s*s-1) > 1e-12 {
				t.Fatalf("final observation %v is not a pendulum observation", final)
			}
			if reflect.DeepEqual(final, tr.obs[(k+2)*d:(k+3)*d]) {
				t.Fatal("final observation equals the reset observation")
			}
			v := tr.val.Forward(tr.val.NewWorkspace(1), final, 1)[0]
			if tr.truncValues[k] != v || v == next {
				t.Errorf("bootstrap value %v, V(final) %v, V(reset) %v", tr.truncValues[k], v, next)
			}
			delta += cfg.Gamma * v
		}
		if math.Abs(tr.adv[k]-delta) > 1e-12 {
			t.Errorf("bootstrap=%v: advantage at the truncation %v, want %v", bootstrap, tr.adv[k], delta)
		}
		tr.Close()
	}
}

// A batch that does not divide into the minibatches ends with a smaller
// one, as in CleanRL, and every sample is used.
func TestUnevenMinibatches(t *testing.T) {
	cfg := short("pendulum")
	cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.Epochs, cfg.TotalSteps = 3, 10, 4, 1, 30
	tr, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	s, err := tr.Iterate()
	if err != nil || math.IsNaN(s.PolicyLoss) {
		t.Fatalf("%v %+v", err, s)
	}
	// 30 samples in minibatches of 7: four full ones and one of 2; Adam
	// counts the steps.
	if got := tr.opts[0].Steps(); got != 5 {
		t.Errorf("%d optimiser steps, want 5", got)
	}
}

// A well-formed checkpoint whose content does not make an agent is an
// error, not a panic: networks of another task, a missing section, a bad
// configuration.
func TestLoadRejectsMismatchedContent(t *testing.T) {
	dir := t.TempDir()
	cp, _ := New(short("cartpole"), 1)
	pd, _ := New(short("pendulum"), 1)
	cpPath, pdPath := filepath.Join(dir, "cp"), filepath.Join(dir, "pd")
	if err := cp.Agent().Save(cpPath); err != nil {
		t.Fatal(err)
	}
	if err := pd.Agent().Save(pdPath); err != nil {
		t.Fatal(err)
	}
	f, err := ckpt.Load(cpPath)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := ckpt.Load(pdPath)
	// Networks of the right task but another shape or activation.
	other := func(change func(*Config)) []ckpt.Section {
		cfg := short("cartpole")
		change(&cfg)
		tr, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "other")
		if err := tr.Agent().Save(p); err != nil {
			t.Fatal(err)
		}
		o, err := ckpt.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		return o.Sections
	}
	// A checkpoint whose CRC is valid but whose numbers are not finite.
	poisoned := func(a *Agent, group int) []ckpt.Section {
		p := filepath.Join(dir, "poisoned")
		saved := a.Policy.Params()[group][0]
		a.Policy.Params()[group][0] = math.NaN()
		err := a.Save(p)
		a.Policy.Params()[group][0] = saved
		if err != nil {
			t.Fatal(err)
		}
		o, err := ckpt.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		return o.Sections
	}
	cases := map[string]*ckpt.File{
		"narrower networks": {Config: f.Config, Sections: other(func(c *Config) { c.Hidden = []int{32, 64} })},
		"one hidden layer":  {Config: f.Config, Sections: other(func(c *Config) { c.Hidden = []int{64} })},
		"relu networks":     {Config: f.Config, Sections: other(func(c *Config) { c.Activation = "relu" })},
		"NaN weight":        {Config: f.Config, Sections: poisoned(cp.Agent(), 0)},
		"NaN log σ":         {Config: g.Config, Sections: poisoned(pd.Agent(), 1)},
		"pendulum networks in a cartpole checkpoint": {Config: f.Config, Sections: g.Sections},
		"no value network":                           {Config: f.Config, Sections: f.Sections[:1]},
		"bad config":                                 {Config: []byte(`{"env": 3}`), Sections: f.Sections},
		"invalid config":                             {Config: []byte(`{"env": "cartpole", "algo": "ppo"}`), Sections: f.Sections},
		"garbage network":                            {Config: f.Config, Sections: []ckpt.Section{{Name: "policy", Data: []byte("xx")}, {Name: "value", Data: []byte("yy")}}},
	}
	for name, c := range cases {
		p := filepath.Join(dir, "x")
		if err := ckpt.Save(p, c); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err == nil {
			t.Errorf("%s: Load accepted it", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	// The untouched checkpoints load.
	for _, p := range []string{cpPath, pdPath} {
		if _, err := Load(p); err != nil {
			t.Error(err)
		}
	}
}
