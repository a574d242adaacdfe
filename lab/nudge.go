package lab

import (
	"math/rand/v2"
	"reflect"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/seeded"
	"github.com/pgrad/pgrad/pg"
	"github.com/pgrad/pgrad/policy"
)

// A NudgeStep is one move of a nudge rollout, with the numbers its term of
// the update is made of.
type NudgeStep struct {
	Cell      env.Cell   `json:"cell"`      // s_t
	Action    env.Action `json:"action"`    // a_t
	Prob      float64    `json:"prob"`      // π(a_t|s_t) under the policy the rollout was drawn with
	Reward    float64    `json:"reward"`    // r_{t+1}, the reward of this move
	Return    float64    `json:"return"`    // G_t, the weight the engine gave this step
	Baseline  float64    `json:"baseline"`  // b(s_t)
	Advantage float64    `json:"advantage"` // G_t − b(s_t)
}

// A NudgeRollout is one rollout and the update it caused, batch 1.
type NudgeRollout struct {
	Size     int          `json:"size"`
	Start    env.Cell     `json:"start"`
	Goal     env.Cell     `json:"goal"`
	Pits     []env.Cell   `json:"pits"`
	Walls    []env.Cell   `json:"walls"`
	Steps    []NudgeStep  `json:"steps"`
	Final    env.Cell     `json:"final"` // where the last move led
	Outcome  env.Outcome  `json:"outcome"`
	Return   float64      `json:"return"` // the undiscounted sum of the rewards
	Before   [][4]float64 `json:"before"` // π(·|s) of every state before the update
	After    [][4]float64 `json:"after"`  // and after it
	Settings Settings     `json:"settings"`
	Rollouts int          `json:"rollouts"` // the nudge's rollouts so far, this one included
}

// A Nudge runs REINFORCE one rollout at a time, on the world and with the
// settings of a Grid session but with a batch of one, and records every
// number of the update: the engine's own rollout and update (pg's
// GridTrainer), on a copy of the Grid's policy and baselines, so that the
// Grid itself is not changed. The copy is taken at the first rollout and
// whenever Adopt is called; between them the nudge keeps learning on its
// own copy, one update per rollout.
type Nudge struct {
	rng      *rand.Rand
	cfg      env.GridConfig
	tr       *pg.GridTrainer
	adopt    bool
	rollouts int
}

// NewNudge returns a nudge session whose rollouts draw from seed.
func NewNudge(seed uint64) *Nudge {
	return &Nudge{rng: seeded.Rand(seed), adopt: true}
}

// Adopt makes the next rollout start from g's policy and baselines as they
// are then.
func (n *Nudge) Adopt() { n.adopt = true }

// Rollout runs one rollout on g's world with g's settings (batch 1) and
// applies its update to the nudge's policy, returning what happened. The
// error is that of the settings, which a Grid has already validated.
func (n *Nudge) Rollout(g *Grid) (NudgeRollout, error) {
	cfg := g.Config()
	set := g.Settings()
	set.Batch = 1
	c, err := set.Config()
	if err != nil {
		return NudgeRollout{}, err
	}
	if n.tr == nil || !reflect.DeepEqual(cfg, n.cfg) {
		// A goal or pit move, like on the Grid, keeps the policy.
		w, err := env.NewGridWorld(cfg)
		if err != nil {
			return NudgeRollout{}, err
		}
		tr, err := pg.NewGridTrainer(w, policy.NewSoftmax(w.NumStates(), env.NumActions), c, n.rng)
		if err != nil {
			return NudgeRollout{}, err
		}
		if n.tr != nil && !n.adopt {
			tr.CopyLearning(n.tr)
		} else {
			n.adopt = true
		}
		n.tr, n.cfg = tr, cfg
	}
	tr := n.tr
	if _, err := tr.SetConfig(c); err != nil {
		return NudgeRollout{}, err
	}
	if n.adopt {
		tr.CopyLearning(g.tr)
		n.adopt = false
	}
	w, err := env.NewGridWorld(cfg)
	if err != nil {
		return NudgeRollout{}, err
	}
	states := w.NumStates()
	r := NudgeRollout{Size: cfg.Size, Start: cfg.Start, Goal: cfg.Goal, Pits: cfg.Pits, Walls: cfg.Walls, Settings: set}
	r.Before = probRows(tr.Probs(), states)
	base := make([]float64, states)
	for s := range base {
		base[s] = tr.Baseline(s)
	}
	e := tr.Rollout()
	weights := tr.Weights()
	r.Steps = make([]NudgeStep, len(e.Actions))
	for i, a := range e.Actions {
		s := int(e.States[i])
		g, b := weights[i], base[s]
		r.Steps[i] = NudgeStep{Cell: w.Cell(s), Action: a, Prob: r.Before[s][a], Reward: e.Rewards[i],
			Return: g, Baseline: b, Advantage: g - b}
	}
	r.Final, r.Outcome, r.Return = w.Cell(e.Final), e.Outcome, e.Return
	r.After = probRows(tr.Probs(), states)
	n.rollouts++
	r.Rollouts = n.rollouts
	return r, nil
}

// probRows copies the flat π table of a trainer into rows.
func probRows(p []float64, states int) [][4]float64 {
	rows := make([][4]float64, states)
	for s := range rows {
		copy(rows[s][:], p[s*env.NumActions:])
	}
	return rows
}
