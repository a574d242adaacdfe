package onnx_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

// reachTask is a task a user might bring: a 3-D observation (a target in
// the plane and a constant), a 2-D action with asymmetric bounds
// [−1, 3] × [−0.5, 0.5], reward −|a − target|², fifteen steps an episode.
type reachTask struct {
	x, y  float64
	steps int
	r     *rand.Rand
}

func (e *reachTask) ObsDim() int    { return 3 }
func (e *reachTask) ActDim() int    { return 2 }
func (e *reachTask) Discrete() bool { return false }
func (e *reachTask) ActionBounds() (low, high []float64) {
	return []float64{-1, -0.5}, []float64{3, 0.5}
}
func (e *reachTask) Reset(r *rand.Rand, obs []float64) {
	e.steps, e.r = 0, r
	e.draw(obs)
}
func (e *reachTask) draw(obs []float64) {
	e.x, e.y = 4*e.r.Float64()-1, e.r.Float64()-0.5
	obs[0], obs[1], obs[2] = e.x, e.y, 1
}
func (e *reachTask) Step(a []float64, obs []float64) (float64, bool, bool) {
	dx, dy := a[0]-e.x, a[1]-e.y
	e.steps++
	e.draw(obs)
	return -(dx*dx + dy*dy), false, e.steps == 15
}

// chooseTask is a discrete custom task with 5 actions: the observation
// is 4 numbers, the reward 1 for the action equal to the index of the
// largest of them (4 for none positive).
type chooseTask struct {
	obs   [4]float64
	steps int
	r     *rand.Rand
}

func (e *chooseTask) ObsDim() int                         { return 4 }
func (e *chooseTask) ActDim() int                         { return 5 }
func (e *chooseTask) Discrete() bool                      { return true }
func (e *chooseTask) ActionBounds() (low, high []float64) { return nil, nil }
func (e *chooseTask) Reset(r *rand.Rand, obs []float64) {
	e.steps, e.r = 0, r
	e.draw(obs)
}
func (e *chooseTask) draw(obs []float64) {
	for i := range e.obs {
		e.obs[i] = e.r.NormFloat64()
	}
	copy(obs, e.obs[:])
}
func (e *chooseTask) best() int {
	b, v := 4, 0.0
	for i, x := range e.obs {
		if x > v {
			b, v = i, x
		}
	}
	return b
}
func (e *chooseTask) Step(a []float64, obs []float64) (float64, bool, bool) {
	r := 0.0
	if int(a[0]) == e.best() {
		r = 1
	}
	e.steps++
	e.draw(obs)
	return r, false, e.steps == 10
}

func init() {
	// A registered custom task, exported like a built-in one.
	if err := deep.Register("onnx-test-choose", func() control.Env { return &chooseTask{} }); err != nil {
		panic(err)
	}
}

// The exported models of custom tasks, one through deep.NewWithEnv
// (continuous, squashed into asymmetric bounds) and one registered with
// deep.Register (discrete, five actions), give ONNX Runtime the outputs Go
// gives, as for the built-in tasks.
func TestRuntimeCustomEnv(t *testing.T) {
	runtime(t)
	checker(t)
	t.Run("NewWithEnv", func(t *testing.T) {
		for _, squash := range []bool{false, true} {
			cfg, err := deep.Defaults("pendulum", deep.PPO)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Env, cfg.Envs, cfg.Steps, cfg.Minibatches, cfg.TotalSteps, cfg.Squash = "reach", 4, 60, 4, 4*60*20, squash
			tr, err := deep.NewWithEnv(cfg, func() control.Env { return &reachTask{} }, 3)
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Train(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			runAgainstRuntime(t, tr.Agent(), randomObs(8, nObs, 3, 2))
		}
	})
	t.Run("Register", func(t *testing.T) {
		cfg, err := deep.Defaults("onnx-test-choose", deep.PPO)
		if err != nil {
			t.Fatal(err)
		}
		cfg.TotalSteps = 8 * cfg.Envs * cfg.Steps
		tr, err := deep.New(cfg, 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Train(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		runAgainstRuntime(t, tr.Agent(), randomObs(9, nObs, 4, 1))
	})
}
