package deep_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

// faulty is signTask until its copy's step number at, where it misbehaves
// as mode says.
type faulty struct {
	signTask
	mode string
	at   int
	n    int
}

var errRefused = errors.New("this action is refused")

func (f *faulty) Step(a, obs []float64) (float64, bool, bool) {
	r, te, tr := f.signTask.Step(a, obs)
	f.n++
	if f.n-1 != f.at {
		return r, te, tr
	}
	switch f.mode {
	case "nan-obs":
		obs[1] = math.NaN()
	case "inf-obs":
		obs[0] = math.Inf(1)
	case "nan-reward":
		r = math.NaN()
	case "short-obs":
		// A task that believes its observation is one number long: the
		// second element is never written.
		return r, te, tr
	case "overrun":
		obs = obs[:cap(obs)]
		obs[len(obs)] = 1 // past the end: index out of range
	case "panic":
		panic("the simulator broke")
	}
	return r, te, tr
}

func (f *faulty) CheckAction(a []float64) error {
	if f.mode == "action" && f.n == f.at {
		return errRefused
	}
	return nil
}

// A task that returns NaN or infinite observations or rewards, leaves an
// observation unwritten, writes past it, refuses an action or panics in
// Step stops training with an *EnvStepError naming the task, the step and
// the value, and the parameters are those of the last good update. The
// same task in an evaluation is an error too.
func TestBadEnvStopsTraining(t *testing.T) {
	cases := []struct {
		mode, what string
		index      int
		value      float64
	}{
		{"nan-obs", "observation", 1, math.NaN()},
		{"inf-obs", "observation", 0, math.Inf(1)},
		{"short-obs", "observation", 1, math.NaN()},
		{"nan-reward", "reward", 0, math.NaN()},
		{"overrun", "panic", 0, 0},
		{"panic", "panic", 0, 0},
		{"action", "action", 0, 0},
	}
	for _, c := range cases {
		// Short-obs: the signTask writes element 1 on each step, so the
		// faulty one skips its own Step entirely at step at.
		mk := func() control.Env { return &faulty{mode: c.mode, at: 100} }
		if c.mode == "short-obs" {
			mk = func() control.Env { return &shortObs{at: 100} }
		}
		cfg, _ := deep.Defaults("cartpole", deep.PPO)
		cfg.Env, cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.TotalSteps = "faulty-"+c.mode, 2, 64, 2, 2*64*4
		tr, err := deep.NewWithEnv(cfg, mk, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Iterate(); err != nil { // steps 0–127
			t.Fatal(err)
		}
		good := paramsOfAgent(tr.Agent())
		_, err = tr.Iterate() // the copies' step 100 is the run's step 200
		var e *deep.EnvStepError
		if !errors.As(err, &e) {
			t.Fatalf("%s: %v, want an *EnvStepError", c.mode, err)
		}
		if e.Env != cfg.Env || e.What != c.what || e.Step != 200 || !strings.Contains(err.Error(), cfg.Env) || !strings.Contains(err.Error(), "200") {
			t.Errorf("%s: %#v (%v)", c.mode, e, err)
		}
		if c.what == "observation" || c.what == "reward" {
			if e.Index != c.index || !(e.Value == c.value || math.IsNaN(c.value) && math.IsNaN(e.Value)) {
				t.Errorf("%s: element %d value %v, want %d %v", c.mode, e.Index, e.Value, c.index, c.value)
			}
		}
		if c.what == "action" && !errors.Is(err, errRefused) {
			t.Errorf("%s: %v does not wrap the task's error", c.mode, err)
		}
		if !slices.Equal(paramsOfAgent(tr.Agent()), good) {
			t.Errorf("%s: the parameters changed", c.mode)
		}
		// Evaluation: 200 episodes of 10 steps over 16 copies reach step 100.
		if _, err := tr.Agent().Evaluate(200, false, 1); !errors.As(err, &e) {
			t.Errorf("%s: evaluation returned %v", c.mode, err)
		}
		// Train reports it the same way.
		tr2, _ := deep.NewWithEnv(cfg, mk, 1)
		if err := tr2.Train(context.Background(), nil); !errors.As(err, &e) {
			t.Errorf("%s: Train returned %v", c.mode, err)
		}
	}
}

// shortObs writes only the first element of its observation at step at.
type shortObs struct {
	signTask
	at, n int
}

func (s *shortObs) Step(a, obs []float64) (float64, bool, bool) {
	s.n++
	if s.n-1 == s.at {
		var one [1]float64
		r, te, tr := s.signTask.Step(a, append(one[:0], 0, 0))
		obs[0] = 1
		return r, te, tr
	}
	return s.signTask.Step(a, obs)
}

// A task whose Reset panics or whose copies differ cannot make a trainer.
func TestBadEnvConstruction(t *testing.T) {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.Env = "bad-reset"
	if _, err := deep.NewWithEnv(cfg, func() control.Env { return &panicReset{} }, 1); err == nil || !strings.Contains(err.Error(), "bad-reset") {
		t.Errorf("a panicking Reset: %v", err)
	}
	k := 0
	differ := func() control.Env {
		k++
		if k > 2 {
			return &badSpace{obs: 3, act: 2, discrete: true}
		}
		return &signTask{}
	}
	if _, err := deep.NewWithEnv(cfg, differ, 1); !errors.Is(err, deep.ErrBadSpace) {
		t.Errorf("copies of different spaces: %v", err)
	}
}

type panicReset struct{ signTask }

func (p *panicReset) Reset(r *rand.Rand, obs []float64) { panic("no reset today") }

func paramsOfAgent(a *deep.Agent) []float64 {
	var p []float64
	for _, g := range a.Policy.Params() {
		p = append(p, g...)
	}
	return append(p, a.Value.Net().Params()...)
}
