package deep

import (
	"bytes"
	"context"
	"encoding/json"
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
		EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5, Hidden: MustLayers(64, 64), Activation: "tanh", RewardScale: 1,
		NoTruncationBootstrap: true}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("CleanRL() = %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

// Validate names the field, the value and the rule in a *ConfigError (an
// *EnvError for an unknown task), so that a front end maps them to its own
// words without reading the text.
func TestValidate(t *testing.T) {
	good, _ := Defaults("cartpole", PPO)
	cases := []struct {
		name   string
		change func(*Config)
		field  string // of the *ConfigError; "" for an *EnvError
		value  string
		want   string // in the rule
	}{
		{"algo", func(c *Config) { c.Algo = "dqn" }, "Algo", `"dqn"`, "want reinforce, a2c or ppo"},
		{"env", func(c *Config) { c.Env = "acrobat" }, "", "", "unknown environment"},
		{"steps", func(c *Config) { c.TotalSteps = 0 }, "TotalSteps", "0", "must be positive"},
		{"envs", func(c *Config) { c.Envs = -1 }, "Envs", "-1", "must be positive"},
		{"lr nan", func(c *Config) { c.LR = math.NaN() }, "LR", "NaN", "must be a number"},
		{"lr inf", func(c *Config) { c.LR = math.Inf(1) }, "LR", "+Inf", "must be a number"},
		{"gamma", func(c *Config) { c.Gamma = 1.5 }, "Gamma", "1.5", "(0, 1]"},
		{"clip", func(c *Config) { c.Clip = 0 }, "Clip", "0", "must be a number"},
		{"ent", func(c *Config) { c.EntCoef = math.NaN() }, "EntCoef", "NaN", "must be a number"},
		{"minibatches", func(c *Config) { c.Minibatches = 1 << 20 }, "Minibatches", "1048576", "more than the batch of 512"},
		{"short run", func(c *Config) { c.TotalSteps = c.Envs*c.Steps - 1 }, "TotalSteps", "511", "fewer than one rollout"},
		{"hidden", func(c *Config) { c.Hidden = MustLayers(64, 0) }, "Hidden", "64,0", "positive"},
		{"activation", func(c *Config) { c.Activation = "gelu" }, "Activation", `"gelu"`, "want tanh or relu"},
		{"too many envs", func(c *Config) { c.Envs = 100_000 }, "Envs", "100000", "too large (at most 1024)"},
		{"too many steps", func(c *Config) { c.Steps = 1 << 40 }, "Steps", "1099511627776", "too large"},
		{"huge rollout", func(c *Config) { c.Envs, c.Steps = 1024, 1024 }, "Envs", "1024", "a rollout too large"},
		{"too long", func(c *Config) { c.TotalSteps = 1 << 62 }, "TotalSteps", "4611686018427387904", "too large"},
		{"too many epochs", func(c *Config) { c.Epochs = 1 << 30 }, "Epochs", "1073741824", "too large"},
		{"too wide", func(c *Config) { c.Hidden = MustLayers(64, 100_000_000) }, "Hidden", "100000000", "too large (at most 4096)"},
		{"too big", func(c *Config) { c.Hidden = MustLayers(4096, 4096, 4096, 4096) }, "Hidden", "4096,4096,4096,4096", "would need about"},
		{"reinforce λ", func(c *Config) { c.Algo, c.Lambda = Reinforce, 0.95 }, "Lambda", "0.95", "must be 1 with REINFORCE"},
	}
	for _, c := range cases {
		cfg := good
		c.change(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "deep: ") {
			t.Errorf("%s: error %v", c.name, err)
			continue
		}
		var ce *ConfigError
		var ee *EnvError
		switch {
		case c.field == "":
			if !errors.As(err, &ee) || !errors.Is(err, ErrUnknownEnv) || ee.Env != cfg.Env {
				t.Errorf("%s: error %#v, want an *EnvError for %q", c.name, err, cfg.Env)
			}
		case !errors.As(err, &ce):
			t.Errorf("%s: error %#v is not a *ConfigError", c.name, err)
		case ce.Field != c.field || ce.Value != c.value || !strings.Contains(ce.Rule, c.want) || !errors.Is(err, ErrRange) && !errors.Is(err, ErrUnknownValue):
			t.Errorf("%s: %#v, want field %s, value %s, rule with %q", c.name, ce, c.field, c.value, c.want)
		}
		if _, err := New(cfg, 1); err == nil {
			t.Errorf("%s: New accepted a bad configuration", c.name)
		}
	}
	if _, err := MakeLayers(make([]int, 9)...); err == nil {
		t.Error("MakeLayers accepted 9 layers")
	} else if ce, ok := err.(*ConfigError); !ok || ce.Field != "Hidden" {
		t.Errorf("MakeLayers(9 layers): %#v", err)
	}
	// The largest networks and rollouts within the limits are accepted.
	wide, many := good, good
	wide.Hidden = MustLayers(4096, 4096)
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

// A copy of a Config is independent of the original, Hidden included, and
// Hidden goes to JSON as a plain list.
func TestConfigCopyIsIndependent(t *testing.T) {
	c1, _ := Defaults("cartpole", PPO)
	c2 := c1
	w := c2.Hidden.Widths()
	w[0] = 7
	c2.Hidden = MustLayers(w...)
	if c1.Hidden.Widths()[0] != 64 || c2.Hidden.Widths()[0] != 7 {
		t.Errorf("c1 %v, c2 %v", c1.Hidden, c2.Hidden)
	}
	c1.Hidden.Widths()[1] = 9 // a copy: changes nothing
	if c1.Hidden.String() != "64,64" {
		t.Errorf("Widths returned the storage: %v", c1.Hidden)
	}
	b, err := json.Marshal(c1)
	if err != nil || !strings.Contains(string(b), `"hidden":[64,64]`) {
		t.Fatalf("%s %v", b, err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || back != c1 {
		t.Errorf("round trip: %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"hidden":[1,1,1,1,1,1,1,1,1]}`), &back); err == nil {
		t.Error("9 hidden layers decoded")
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
		// Past the budget Iterate refuses, rather than running the
		// annealed learning rate below zero, and changes nothing.
		before := fmt.Sprint(tr.Agent().Policy.Params())
		if _, err := tr.Iterate(); !errors.Is(err, ErrBudget) {
			t.Errorf("%s: Iterate after the budget: %v, want ErrBudget", env, err)
		}
		if fmt.Sprint(tr.Agent().Policy.Params()) != before || tr.Steps() != tr.Budget() {
			t.Errorf("%s: Iterate past the budget changed the trainer", env)
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
	cfg.RewardScale = 1e300 // the first update overflows (an lr above 1e6 is refused)
	cfg.MaxGradNorm = 0
	cfg.Anneal = false
	tr, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := make([][]float64, len(tr.opt.params))
	for g, p := range tr.opt.params {
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
		for g, p := range tr.opt.params {
			before[g] = append(before[g][:0], p...)
		}
	}
	if !diverged {
		t.Fatal("a learning rate of 1e300 did not diverge")
	}
	if !mlp.Finite(tr.opt.params...) {
		t.Error("parameters are not finite after divergence")
	}
	for g, p := range tr.opt.params {
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
		if err := tr.collect(); err != nil {
			t.Fatal(err)
		}
		tr.advantages()
		r := &tr.roll
		k := -1
		for i, tc := range r.trunc {
			if tc {
				k = i
				break
			}
		}
		if k != 199*2 {
			t.Fatalf("first truncation at index %d, want %d (step 199 of env 0)", k, 199*2)
		}
		next := r.values[k+2] // V of the reset observation of env 0
		delta := r.rewards[k] - r.values[k]
		if bootstrap {
			d := r.d
			final := r.truncObs[:d]
			if c, s := final[0], final[1]; math.Abs(c*c+s*s-1) > 1e-12 {
				t.Fatalf("final observation %v is not a pendulum observation", final)
			}
			if reflect.DeepEqual(final, r.obs[(k+2)*d:(k+3)*d]) {
				t.Fatal("final observation equals the reset observation")
			}
			v := tr.val.Forward(tr.val.NewWorkspace(1), final, 1)[0]
			if r.truncValues[k] != v || v == next {
				t.Errorf("bootstrap value %v, V(final) %v, V(reset) %v", r.truncValues[k], v, next)
			}
			delta += cfg.Gamma * v
		}
		if math.Abs(r.adv[k]-delta) > 1e-12 {
			t.Errorf("bootstrap=%v: advantage at the truncation %v, want %v", bootstrap, r.adv[k], delta)
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
	if got := tr.opt.adam[0].Steps(); got != 5 {
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
		"narrower networks": {Config: f.Config, Sections: other(func(c *Config) { c.Hidden = MustLayers(32, 64) })},
		"one hidden layer":  {Config: f.Config, Sections: other(func(c *Config) { c.Hidden = MustLayers(64) })},
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
