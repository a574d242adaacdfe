package main

import (
	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
	"github.com/pgrad/pgrad/pg"
)

// The nudge frame's kind and the slots per step (see the package comment).
const (
	kindNudge = 3
	nudgeStep = 7
)

// nudge runs one rollout of the nudge session on the grid's world with the
// grid's settings and a batch of one; fromLab first takes the grid's
// policy and baselines. It returns the frame of that rollout.
func (b *bridge) nudgeRollout(fromLab bool) ([]float64, error) {
	if fromLab {
		b.nudge.Adopt()
	}
	r, err := b.nudge.Rollout(b.grid)
	if err != nil {
		return nil, err
	}
	b.nudgeBuf = encodeNudge(b.nudgeBuf, &r)
	return b.nudgeBuf, nil
}

// encodeNudge writes the frame of one nudge rollout into dst, growing it
// only when it is too small, and returns it.
func encodeNudge(dst []float64, r *lab.NudgeRollout) []float64 {
	states := r.Size * r.Size
	n := headerLen + 8*states + len(r.Pits) + len(r.Walls) + nudgeStep*len(r.Steps)
	dst = grow(dst, n)
	idx := func(c env.Cell) float64 { return float64(c.Row*r.Size + c.Col) }
	base, _ := pg.ParseBaseline(r.Settings.Baseline) // a lab.Grid's settings are valid
	credit, _ := pg.ParseCredit(r.Settings.Credit)
	h := dst[:headerLen]
	h[0] = kindNudge
	h[1] = float64(r.Size)
	h[2] = float64(len(r.Steps))
	h[3] = idx(r.Start)
	h[4] = idx(r.Goal)
	h[5] = float64(len(r.Pits))
	h[6] = float64(len(r.Walls))
	h[7] = float64(r.Outcome)
	h[8] = r.Return
	h[9] = idx(r.Final)
	h[10] = r.Settings.LR
	h[11] = r.Settings.Gamma
	h[12] = float64(base)
	h[13] = r.Settings.Entropy
	h[14] = float64(r.Rollouts)
	h[15] = float64(n)
	h[16] = float64(credit)
	h[17], h[18], h[19] = 0, 0, 0
	i := headerLen
	for _, p := range r.Before {
		i += copy(dst[i:], p[:])
	}
	for _, p := range r.After {
		i += copy(dst[i:], p[:])
	}
	for _, c := range r.Pits {
		dst[i] = idx(c)
		i++
	}
	for _, c := range r.Walls {
		dst[i] = idx(c)
		i++
	}
	for _, s := range r.Steps {
		dst[i] = idx(s.Cell)
		dst[i+1] = float64(s.Action)
		dst[i+2] = s.Prob
		dst[i+3] = s.Reward
		dst[i+4] = s.Return
		dst[i+5] = s.Baseline
		dst[i+6] = s.Advantage
		i += nudgeStep
	}
	return dst
}
