package deep_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

// signTask is a discrete task a user might write: the observation is a
// random sign s ∈ {−1, 1} (and a constant 1); action 1 pays 1 when s > 0,
// action 0 when s < 0; ten steps an episode. A random policy earns 5, the
// best 10.
type signTask struct {
	s     float64
	steps int
}

func (e *signTask) ObsDim() int                         { return 2 }
func (e *signTask) ActDim() int                         { return 2 }
func (e *signTask) Discrete() bool                      { return true }
func (e *signTask) ActionBounds() (low, high []float64) { return nil, nil }
func (e *signTask) Reset(r *rand.Rand, obs []float64) {
	e.steps = 0
	e.draw(r.Float64(), obs)
}
func (e *signTask) draw(u float64, obs []float64) {
	e.s = 1
	if u < 0.5 {
		e.s = -1
	}
	obs[0], obs[1] = e.s, 1
}
func (e *signTask) Step(a []float64, obs []float64) (float64, bool, bool) {
	r := 0.0
	if (a[0] == 1) == (e.s > 0) {
		r = 1
	}
	e.steps++
	// The next sign depends on the step count and the last action only:
	// deterministic given the actions, which is all a task needs to be.
	e.draw(float64((e.steps*7+int(a[0])*3)%10)/10, obs)
	return r, false, e.steps == 10
}

// targetTask is a continuous task: the observation is a target in [−1, 1]
// that changes every step; the reward is −(a − target)². Twenty steps an
// episode; the best return is 0, a policy that always answers 0 gets about
// −6.7.
type targetTask struct {
	x     float64
	steps int
	r     *rand.Rand
}

func (e *targetTask) ObsDim() int    { return 1 }
func (e *targetTask) ActDim() int    { return 1 }
func (e *targetTask) Discrete() bool { return false }
func (e *targetTask) ActionBounds() (low, high []float64) {
	return []float64{-1}, []float64{1}
}
func (e *targetTask) Reset(r *rand.Rand, obs []float64) {
	e.steps, e.r = 0, r
	e.x = 2*r.Float64() - 1
	obs[0] = e.x
}
func (e *targetTask) Step(a []float64, obs []float64) (float64, bool, bool) {
	d := a[0] - e.x
	e.steps++
	e.x = 2*e.r.Float64() - 1
	obs[0] = e.x
	return -d * d, false, e.steps == 20
}

// PPO trains on both tasks, registered by name, to a stated return, and
// the agents go through Save, Load and Evaluate unchanged. Given by
// constructor (NewWithEnv, LoadWithEnv) instead, the same configuration
// and seed train the same parameters bit for bit (checked over the first
// iterations, which is what the two paths could differ in), and the
// checkpoint loads and evaluates the same.
func TestCustomEnvsTrainSaveLoadEvaluate(t *testing.T) {
	tasks := []struct {
		name   string
		mk     func() control.Env
		target float64 // mean of a 100-episode deterministic evaluation
		tune   func(*deep.Config)
	}{
		{"test-sign", func() control.Env { return &signTask{} }, 9.5, func(c *deep.Config) { c.TotalSteps = 20_000 }},
		{"test-target", func() control.Env { return &targetTask{} }, -0.5, func(c *deep.Config) {
			c.TotalSteps, c.EntCoef, c.LR, c.Gamma = 60_000, 0, 1e-3, 0.5
		}},
	}
	for _, task := range tasks {
		if err := deep.Register(task.name, task.mk); err != nil {
			t.Fatal(err)
		}
		cfg, err := deep.Defaults(task.name, deep.PPO)
		if err != nil {
			t.Fatal(err)
		}
		task.tune(&cfg)
		tr, err := deep.New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Train(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		rets, err := tr.Agent().Evaluate(100, false, 5)
		if err != nil {
			t.Fatal(err)
		}
		m := mean(rets)
		t.Logf("%s: evaluation %.3f", task.name, m)
		if m < task.target {
			t.Errorf("%s: evaluation %.3f, want ≥ %g", task.name, m, task.target)
		}
		path := filepath.Join(t.TempDir(), "agent.ckpt")
		if err := tr.Agent().Save(path); err != nil {
			t.Fatal(err)
		}
		for _, byName := range []bool{true, false} {
			var a *deep.Agent
			if byName {
				a, err = deep.Load(path)
			} else {
				a, err = deep.LoadWithEnv(path, task.mk)
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Config != cfg || !a.Space.Equal(tr.Space()) {
				t.Errorf("%s: loaded %+v %+v", task.name, a.Config, a.Space)
			}
			again, err := a.Evaluate(100, false, 5)
			if err != nil || !reflect.DeepEqual(again, rets) {
				t.Errorf("%s (by name %v): evaluation after Load %v (%v), before %v", task.name, byName, mean(again), err, m)
			}
		}
		byName, _ := deep.New(cfg, 2)
		byCtor, err := deep.NewWithEnv(cfg, task.mk, 2)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			s1, err1 := byName.Iterate()
			s2, err2 := byCtor.Iterate()
			if err1 != nil || err2 != nil || s1 != s2 {
				t.Fatalf("%s: by name %+v (%v), by constructor %+v (%v)", task.name, s1, err1, s2, err2)
			}
		}
		if !reflect.DeepEqual(byName.Agent().Policy.Params(), byCtor.Agent().Policy.Params()) {
			t.Errorf("%s: NewWithEnv trained other parameters than New", task.name)
		}
	}
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// badSpace is a task whose declared spaces are set per test.
type badSpace struct {
	obs, act  int
	discrete  bool
	low, high []float64
}

func (e *badSpace) ObsDim() int                                           { return e.obs }
func (e *badSpace) ActDim() int                                           { return e.act }
func (e *badSpace) Discrete() bool                                        { return e.discrete }
func (e *badSpace) ActionBounds() (low, high []float64)                   { return e.low, e.high }
func (e *badSpace) Reset(r *rand.Rand, obs []float64)                     {}
func (e *badSpace) Step(a []float64, obs []float64) (float64, bool, bool) { return 0, false, false }

func TestRegisterRejects(t *testing.T) {
	ok := func() control.Env { return &badSpace{obs: 1, act: 2, discrete: true} }
	if err := deep.Register("test-ok", ok); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		mk    func() control.Env
		is    error
		field string
	}{
		{"test-ok", ok, deep.ErrDuplicateEnv, ""},
		{"cartpole", ok, deep.ErrDuplicateEnv, ""},
		{"", ok, deep.ErrEmptyEnvName, ""},
		{"test-nil", nil, deep.ErrBadSpace, "constructor"},
		{"test-nil-env", func() control.Env { return nil }, deep.ErrBadSpace, "constructor"},
		{"test-panic", func() control.Env { panic("boom") }, deep.ErrBadSpace, "constructor"},
		{"test-obs0", func() control.Env { return &badSpace{obs: 0, act: 2, discrete: true} }, deep.ErrBadSpace, "ObsDim"},
		{"test-obs-neg", func() control.Env { return &badSpace{obs: -3, act: 2, discrete: true} }, deep.ErrBadSpace, "ObsDim"},
		{"test-act0", func() control.Env { return &badSpace{obs: 2, act: 0, discrete: true} }, deep.ErrBadSpace, "ActDim"},
		{"test-act-neg", func() control.Env { return &badSpace{obs: 2, act: -1} }, deep.ErrBadSpace, "ActDim"},
		{"test-bounds-len", func() control.Env { return &badSpace{obs: 2, act: 2, low: []float64{-1}, high: []float64{1}} }, deep.ErrBadSpace, "ActionBounds"},
		{"test-bounds-nil", func() control.Env { return &badSpace{obs: 2, act: 1} }, deep.ErrBadSpace, "ActionBounds"},
		{"test-bounds-order", func() control.Env { return &badSpace{obs: 2, act: 1, low: []float64{1}, high: []float64{-1}} }, deep.ErrBadSpace, "ActionBounds"},
		{"test-discrete-bounds", func() control.Env {
			return &badSpace{obs: 2, act: 2, discrete: true, low: []float64{0}, high: []float64{1}}
		}, deep.ErrBadSpace, "ActionBounds"},
	}
	for _, c := range cases {
		err := deep.Register(c.name, c.mk)
		var ee *deep.EnvError
		if !errors.Is(err, c.is) || !errors.As(err, &ee) || ee.Field != c.field || ee.Env != c.name {
			t.Errorf("Register(%q): %#v, want an *EnvError %v field %q", c.name, err, c.is, c.field)
		}
	}
	for _, n := range deep.Registered() {
		if strings.HasPrefix(n, "test-") && n != "test-ok" && n != "test-sign" && n != "test-target" {
			t.Errorf("%s was registered despite the error", n)
		}
	}
}

// A checkpoint of a task that is not registered where it is loaded is an
// error naming the task; LoadWithEnv reads it.
func TestLoadUnregisteredEnvNamesIt(t *testing.T) {
	cfg, err := deep.Defaults("cartpole", deep.PPO)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Env, cfg.TotalSteps = "my-unregistered-task", cfg.Envs*cfg.Steps
	mk := func() control.Env { return &signTask{} }
	tr, err := deep.NewWithEnv(cfg, mk, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.ckpt")
	if err := tr.Agent().Save(path); err != nil {
		t.Fatal(err)
	}
	_, err = deep.Load(path)
	var ee *deep.EnvError
	if !errors.Is(err, deep.ErrUnknownEnv) || !errors.As(err, &ee) || ee.Env != "my-unregistered-task" ||
		!strings.Contains(err.Error(), `"my-unregistered-task"`) {
		t.Errorf("Load: %v, want an unknown-environment error naming the task", err)
	}
	if _, err := deep.LoadWithEnv(path, mk); err != nil {
		t.Errorf("LoadWithEnv: %v", err)
	}
	// A task of other spaces under the same name does not load it.
	other := func() control.Env { return &targetTask{} }
	if _, err := deep.LoadWithEnv(path, other); err == nil || !strings.Contains(err.Error(), "spaces") {
		t.Errorf("LoadWithEnv with another task's spaces: %v", err)
	}
}

// Validate's memory estimate uses the task's real sizes: networks and a
// rollout that CartPole's 4 observations fit in are refused for a task of
// 4,000.
func TestMemoryEstimateUsesSpaces(t *testing.T) {
	wide := func() control.Env { return &badSpace{obs: 4000, act: 2, discrete: true} }
	if err := deep.Register("test-wide-obs", wide); err != nil {
		t.Fatal(err)
	}
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.Envs, cfg.Steps, cfg.TotalSteps, cfg.Minibatches = 256, 64, 256*64, 4
	cfg.Hidden = deep.MustLayers(1024, 1024)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("CartPole: %v", err)
	}
	cfg.Env = "test-wide-obs"
	var ce *deep.ConfigError
	if err := cfg.Validate(); !errors.As(err, &ce) || ce.Field != "Hidden" || !strings.Contains(ce.Rule, "GB") {
		t.Errorf("4,000 observations: %v, want the memory limit", err)
	}
}
