package pg

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/policy"
)

// TestACUpdateByHand checks one batch of two rollouts on the tiny world,
// α = 0.1, α_V = 0.5, γ = 0.5, λ = 0.5, with V(0,0) = 0.2 and V(start) = 0.4:
//
//	rollout 1: up to (0,0), then right into the goal (+1):
//	  δ_1 = 1 − 0.2 = 0.8, δ_0 = 0.5·0.2 − 0.4 = −0.3, Â_1 = 0.8, Â_0 = −0.3 + 0.25·0.8 = −0.1
//	rollout 2: right into the pit: δ = Â = −1 − 0.4 = −1.4
//
// g[start] = −0.1·(e_up − ¼) − 1.4·(e_right − ¼) = (0.275, −1.025, 0.375, 0.375)
// g[(0,0)] = 0.8·(e_right − ¼) = (−0.2, 0.6, −0.2, −0.2); θ = (α/2)·g.
// V(start) = 0.4 + 0.5·mean(−0.1, −1.4) = 0.025, V(0,0) = 0.2 + 0.5·0.8 = 0.6.
func TestACUpdateByHand(t *testing.T) {
	w := tiny(t)
	p := policy.NewSoftmax(4, 4)
	tr, err := NewACTrainer(w, p, ACConfig{LR: 0.1, CriticLR: 0.5, Gamma: 0.5, Lambda: 0.5, Batch: 2}, rand.New(&script{u: []float64{uUp, uRight, uRight}}))
	if err != nil {
		t.Fatal(err)
	}
	v := tr.Values()
	v[0], v[2] = 0.2, 0.4
	if e := tr.Rollout(); e.Outcome != env.Goal || e.Updated {
		t.Fatalf("rollout 1: %+v", e)
	}
	if e := tr.Rollout(); e.Outcome != env.Pit || !e.Updated {
		t.Fatalf("rollout 2: %+v", e)
	}
	near(t, "θ[start]", p.Row(2), []float64{0.01375, -0.05125, 0.01875, 0.01875})
	near(t, "θ[(0,0)]", p.Row(0), []float64{-0.01, 0.03, -0.01, -0.01})
	near(t, "V", v, []float64{0.6, 0, 0.025, 0})
}

// TestACBootstrapsAtTheCap: a rollout cut by the step cap (1 here) after
// a move into the edge, from V(start) = 0.4 with γ = 0.5, has
// δ = 0 + 0.5·0.4 − 0.4 = −0.2; one ending in the pit does not bootstrap.
func TestACBootstrapsAtTheCap(t *testing.T) {
	w, err := env.NewGridWorld(env.GridConfig{Size: 2, Start: env.Cell{Row: 1, Col: 0}, Goal: env.Cell{Row: 0, Col: 1}, Pits: []env.Cell{{Row: 1, Col: 1}}, MaxSteps: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := policy.NewSoftmax(4, 4)
	tr, err := NewACTrainer(w, p, ACConfig{LR: 1, CriticLR: 1, Gamma: 0.5, Lambda: 1, Batch: 1}, rand.New(&script{u: []float64{uLeft}}))
	if err != nil {
		t.Fatal(err)
	}
	tr.Values()[2] = 0.4
	if e := tr.Rollout(); e.Outcome != env.Capped {
		t.Fatalf("rollout: %+v", e)
	}
	// θ[start] = 1·(−0.2)·(e_left − ¼); V(start) = 0.4 − 0.2.
	near(t, "θ[start]", p.Row(2), []float64{0.05, 0.05, 0.05, -0.15})
	near(t, "V(start)", tr.Values()[2:3], []float64{0.2})
}

// The critic's convergence to the exact V^π: critic_test.go.

// TestACAndPPOLearnTheDefaultWorld trains actor-critic (TD(0) and GAE
// λ = 0.9) and PPO with the page's defaults on the seed's world for 1,000
// rollouts with each of 10 seeds: every run's greedy path reaches the goal
// and at least 90 of its last 100 rollouts do.
func TestACAndPPOLearnTheDefaultWorld(t *testing.T) {
	for _, c := range []ACConfig{
		{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0, Batch: 4},
		{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0.9, Batch: 4},
		{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0.9, Batch: 8, Clip: 0.2, Epochs: 4},
	} {
		for seed := uint64(1); seed <= 10; seed++ {
			w, err := env.NewGridWorld(env.DefaultGrid())
			if err != nil {
				t.Fatal(err)
			}
			p := policy.NewSoftmax(9, 4)
			var roll func() *Episode
			if c.Epochs > 0 {
				tr, err := NewPPOTrainer(w, p, c, seeded.Rand(seed))
				if err != nil {
					t.Fatal(err)
				}
				roll = tr.Rollout
			} else {
				tr, err := NewACTrainer(w, p, c, seeded.Rand(seed))
				if err != nil {
					t.Fatal(err)
				}
				roll = tr.Rollout
			}
			goals := 0
			for i := range 1000 {
				if e := roll(); i >= 900 && e.Outcome == env.Goal {
					goals++
				}
			}
			path, end := GreedyPath(nil, w, p)
			if goals < 90 || end != env.Goal {
				t.Errorf("%+v seed %d: %d of the last 100 reached the goal, greedy path %v ends %v", c, seed, goals, path, end)
			}
		}
	}
}

func TestACConfigErrors(t *testing.T) {
	ok := ACConfig{LR: 0.5, CriticLR: 0.5, Gamma: 0.9, Lambda: 0.9, Batch: 4, Clip: 0.2, Epochs: 4}
	for name, mod := range map[string]func(*ACConfig){
		"lr":        func(c *ACConfig) { c.LR = -1 },
		"critic-lr": func(c *ACConfig) { c.CriticLR = 1.5 },
		"gamma":     func(c *ACConfig) { c.Gamma = math.NaN() },
		"lambda":    func(c *ACConfig) { c.Lambda = 2 },
		"batch":     func(c *ACConfig) { c.Batch = 0 },
		"entropy":   func(c *ACConfig) { c.Entropy = math.Inf(1) },
		"clip":      func(c *ACConfig) { c.Clip = 1 },
		"epochs":    func(c *ACConfig) { c.Epochs = 0 },
	} {
		c := ok
		mod(&c)
		var se *SettingError
		if err := c.ValidatePPO(); !errors.As(err, &se) || se.Name != name || !errors.Is(err, ErrSetting) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := ok.ValidatePPO(); err != nil {
		t.Error(err)
	}
	w := tiny(t)
	if _, err := NewPPOTrainer(w, policy.NewSoftmax(4, 4), ACConfig{LR: 1, CriticLR: 1, Gamma: 1, Batch: 1}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("PPO without a clip or epochs was accepted")
	}
}
