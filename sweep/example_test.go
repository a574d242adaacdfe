package sweep_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pgrad/pgrad/env/control"
	"github.com/pgrad/pgrad/pg/deep"
	"github.com/pgrad/pgrad/stats"
	"github.com/pgrad/pgrad/sweep"
)

// flip is a task of the user's own: say which side the coin shows; it
// alternates, five steps an episode.
type flip struct{ side, steps int }

func (c *flip) ObsDim() int                         { return 1 }
func (c *flip) ActDim() int                         { return 2 }
func (c *flip) Discrete() bool                      { return true }
func (c *flip) ActionBounds() (low, high []float64) { return nil, nil }
func (c *flip) Reset(r *rand.Rand, obs []float64) {
	c.side, c.steps = r.IntN(2), 0
	obs[0] = float64(2*c.side - 1)
}
func (c *flip) Step(a, obs []float64) (reward float64, terminated, truncated bool) {
	if int(a[0]) == c.side {
		reward = 1
	}
	c.steps++
	c.side = 1 - c.side
	obs[0] = float64(2*c.side - 1)
	return reward, false, c.steps == 5
}

// A registered environment of one's own is swept from Go: the Resolver
// turns a combination into a full deep.Config, the Runner trains it into
// the task's directory and returns the deterministic evaluation's mean.
func Example() {
	if err := deep.Register("flip", func() control.Env { return &flip{} }); err != nil {
		panic(err)
	}
	resolve := func(env string, c sweep.Combination, seed uint64) (json.RawMessage, error) {
		cfg, err := deep.Defaults(env, deep.PPO)
		if err != nil {
			return nil, err
		}
		cfg.TotalSteps = 2048
		if cfg.LR, err = strconv.ParseFloat(c[0].Value, 64); err != nil {
			return nil, err
		}
		return json.Marshal(cfg)
	}
	m, err := sweep.NewManifest("flip", []sweep.Param{{Name: "lr", Values: []string{"1e-7", "3e-3"}}}, []uint64{1, 2, 3}, resolve)
	if err != nil {
		panic(err)
	}
	m.Score, m.CurveX, m.CurveY = "mean return of 10 deterministic episodes", "steps", "mean return of the last 20 episodes"
	run := sweep.RunnerFunc(func(ctx context.Context, t sweep.Task, dir string) (sweep.Result, error) {
		var cfg deep.Config
		if err := json.Unmarshal(t.Resolved, &cfg); err != nil {
			return sweep.Result{}, err
		}
		tr, err := deep.New(cfg, t.Seed)
		if err != nil {
			return sweep.Result{}, err
		}
		var curve sweep.Curve
		err = tr.Train(ctx, deep.RecorderFunc(func(s deep.Stats) error {
			curve.X, curve.Y = append(curve.X, float64(s.Steps)), append(curve.Y, s.Recent)
			return nil
		}))
		if err != nil {
			return sweep.Result{}, err
		}
		if err := tr.Agent().Save(filepath.Join(dir, "agent.ckpt")); err != nil {
			return sweep.Result{}, err
		}
		rets, err := tr.Agent().Evaluate(10, false, t.Seed+1000)
		if err != nil {
			return sweep.Result{}, err
		}
		mean := 0.0
		for _, r := range rets {
			mean += r / float64(len(rets))
		}
		return sweep.Result{Score: mean, Curve: curve}, nil
	})
	dir, _ := os.MkdirTemp("", "pgrad-sweep-example-")
	defer os.RemoveAll(dir)
	if err := sweep.WriteManifest(dir, m); err != nil {
		panic(err)
	}
	out, err := sweep.RunLocal(context.Background(), dir, m, run, sweep.Options{Jobs: 2})
	if err != nil {
		panic(err)
	}
	rep, err := sweep.BuildReport(dir, m, stats.Bootstrap{Resamples: 1000, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("done:", out.Done)
	for _, c := range rep.Configs {
		fmt.Printf("%s: IQM %.1f over seeds %v\n", c.Label, c.IQM.Point, c.Seeds)
	}
	fmt.Printf("P(lr=3e-3 > lr=1e-7) = %.2f\n", rep.Improvement[1][0].Point)
	// Output:
	// done: 6
	// lr=1e-7: IQM 3.3 over seeds [1 2 3]
	// lr=3e-3: IQM 5.0 over seeds [1 2 3]
	// P(lr=3e-3 > lr=1e-7) = 0.67
}
