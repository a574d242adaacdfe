package deep_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
)

// One environment, three steps, the episode terminating at the second:
// the advantage of the last step starts afresh from the bootstrap value.
func ExampleGAE() {
	rewards := []float64{1, 1, 1}
	values := []float64{0.5, 0.5, 0.5}
	term := []bool{false, true, false}
	trunc := []bool{false, false, false}
	adv := make([]float64, 3)
	ret := make([]float64, 3)
	deep.GAE(adv, ret, rewards, values, term, trunc, nil, []float64{2}, 1, 0.9, 1, true)
	fmt.Printf("advantages %.2f\nreturns    %.2f\n", adv, ret)
	// Output:
	// advantages [1.40 0.50 2.30]
	// returns    [1.90 1.00 2.80]
}

// A Recorder sees every update; returning ErrStop ends the run cleanly.
func ExampleTrainer_Train() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.TotalSteps = 20_000
	tr, err := deep.New(cfg, 1)
	if err != nil {
		panic(err)
	}
	updates := 0
	err = tr.Train(context.Background(), deep.RecorderFunc(func(s deep.Stats) error {
		updates++
		if s.Steps >= 10_000 {
			return deep.ErrStop
		}
		return nil
	}))
	fmt.Println(err, updates, tr.Steps())
	// Output:
	// <nil> 20 10240
}

// coin is a task of one's own: the observation says which of two actions
// pays 1 this step; five steps an episode. Any type with these six methods
// (control.Env) trains, evaluates, saves and loads.
type coin struct{ side, steps int }

func (c *coin) ObsDim() int                         { return 1 }
func (c *coin) ActDim() int                         { return 2 }
func (c *coin) Discrete() bool                      { return true }
func (c *coin) ActionBounds() (low, high []float64) { return nil, nil }
func (c *coin) Reset(r *rand.Rand, obs []float64) {
	c.side, c.steps = r.IntN(2), 0
	obs[0] = float64(2*c.side - 1)
}
func (c *coin) Step(a, obs []float64) (reward float64, terminated, truncated bool) {
	if int(a[0]) == c.side {
		reward = 1
	}
	c.steps++
	c.side = 1 - c.side
	obs[0] = float64(2*c.side - 1)
	return reward, false, c.steps == 5
}

// Register gives the task a name that Defaults, New, Load and Evaluate
// then accept like "cartpole".
func ExampleRegister() {
	if err := deep.Register("coin", func() control.Env { return &coin{} }); err != nil {
		panic(err)
	}
	cfg, _ := deep.Defaults("coin", deep.PPO)
	cfg.TotalSteps = 10_240
	tr, _ := deep.New(cfg, 1)
	if err := tr.Train(context.Background(), nil); err != nil {
		panic(err)
	}
	rets, _ := tr.Agent().Evaluate(10, false, 2)
	fmt.Println(rets)
	// Output:
	// [5 5 5 5 5 5 5 5 5 5]
}

// NewWithEnv takes the constructor itself, with no registration; cfg.Env
// only names the task in the checkpoint, which LoadWithEnv reads back.
func ExampleNewWithEnv() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO) // a starting point
	cfg.Env, cfg.TotalSteps = "my-coin", 10_240
	newCoin := func() control.Env { return &coin{} }
	tr, err := deep.NewWithEnv(cfg, newCoin, 1)
	if err != nil {
		panic(err)
	}
	if err := tr.Train(context.Background(), nil); err != nil {
		panic(err)
	}
	path := filepath.Join(os.TempDir(), "pgrad-example-coin.ckpt")
	defer os.Remove(path)
	if err := tr.Agent().Save(path); err != nil {
		panic(err)
	}
	a, err := deep.LoadWithEnv(path, newCoin)
	if err != nil {
		panic(err)
	}
	rets, _ := a.Evaluate(3, false, 2)
	fmt.Println(a.Config.Env, a.Space.ObsDim, a.Space.ActDim, rets)
	_, err = deep.Load(path) // "my-coin" is not registered
	fmt.Println(err != nil)
	// Output:
	// my-coin 1 2 [5 5 5]
	// true
}

// A run stopped between two iterations and continued from its
// checkpoint's bytes ends exactly where the uninterrupted run does.
func ExampleResume() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.TotalSteps = 4 * 512
	whole, _ := deep.New(cfg, 3)
	whole.Train(context.Background(), nil)

	half, _ := deep.New(cfg, 3)
	half.Iterate()
	half.Iterate()
	b, _ := half.Checkpoint(nil) // what pgrad train -save-every writes
	rest, _, err := deep.Resume("in memory", b)
	if err != nil {
		panic(err)
	}
	rest.Train(context.Background(), nil)
	p, q := whole.Agent().Policy.Params()[0], rest.Agent().Policy.Params()[0]
	fmt.Println(rest.Steps(), slices.Equal(p, q))
	// Output:
	// 2048 true
}

// Predict gives the deterministic action for one observation: an index for
// CartPole; Probs the probabilities it comes from.
func ExampleAgent_Predict() {
	cfg, _ := deep.Defaults("cartpole", deep.PPO)
	cfg.TotalSteps = 10_240
	tr, _ := deep.New(cfg, 1)
	tr.Train(context.Background(), nil)
	a := tr.Agent()
	obs := []float64{0, 0, 0.1, 0.5} // the pole falling to the right
	act, _ := a.Predict(obs)
	p, _ := a.Probs(obs)
	fmt.Println(act, p[1] > 0.5)
	// Output:
	// [1] true
}
