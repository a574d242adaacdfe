package main

import (
	"math"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// The frame kinds and sizes of the layout documented in the package comment.
const (
	headerLen   = 20
	kindGrid    = 1
	kindField   = 2
	recentTraj  = 24  // trajectories per grid frame: enough to see a trend, few enough to read
	recentDots  = 160 // field samples per frame
	maxCurve    = 300 // curve points per frame; the chart is narrower than that in pixels
	landscapeRs = 48  // landscape resolution; the canvas smooths it
)

// encodeGrid writes the grid frame of s into dst, growing it only when it
// is too small, and returns it. The snapshot's curve is drawn as it is:
// thin it when taking the snapshot.
func encodeGrid(dst []float64, s *lab.GridSnapshot) []float64 {
	curve := len(s.Curve)
	steps := 0
	for _, t := range s.Trajectories {
		steps += len(t.Actions)
	}
	n := headerLen + len(s.Probs)*5 + len(s.Pits) + len(s.Walls) +
		3*len(s.Trajectories) + steps + curveSlots*curve + len(s.GoalMoves) + len(s.GreedyPath)
	dst = grow(dst, n)
	idx := func(c env.Cell) float64 { return float64(c.Row*s.Size + c.Col) }
	h := dst[:headerLen]
	h[0] = kindGrid
	h[1] = float64(s.Size)
	h[2] = float64(s.Rollouts)
	h[3] = idx(s.Start)
	h[4] = idx(s.Goal)
	h[5] = float64(len(s.Pits))
	h[6] = float64(len(s.Walls))
	h[7] = float64(len(s.Trajectories))
	h[8] = float64(steps)
	h[9] = float64(curve)
	h[10] = float64(len(s.GoalMoves))
	h[11] = float64(len(s.GreedyPath))
	h[12] = float64(s.Settings.Batch)
	h[13], h[14] = math.NaN(), math.NaN()
	if s.Rollouts > 0 {
		h[13], h[14] = s.SuccessRate, s.MeanReturn
	}
	h[15] = float64(n)
	h[16] = float64(s.GreedyEnd)
	h[17] = float64(s.Updates)
	h[18] = baselineCode(s.Settings.Baseline)
	h[19] = math.NaN()
	if s.Rollouts > 0 {
		h[19] = s.MeanLength
	}
	i := headerLen
	for _, p := range s.Probs {
		i += copy(dst[i:], p[:])
	}
	i += copy(dst[i:], s.Baselines)
	for _, c := range s.Pits {
		dst[i] = idx(c)
		i++
	}
	for _, c := range s.Walls {
		dst[i] = idx(c)
		i++
	}
	for _, t := range s.Trajectories {
		dst[i] = float64(t.Outcome)
		dst[i+1] = t.Return
		dst[i+2] = float64(len(t.Actions))
		i += 3
		for j, a := range t.Actions {
			dst[i] = idx(t.Cells[j])*4 + float64(a)
			i++
		}
	}
	i = putCurve(dst, i, s.Curve)
	for _, r := range s.GoalMoves {
		dst[i] = float64(r)
		i++
	}
	for _, c := range s.GreedyPath {
		dst[i] = idx(c)
		i++
	}
	return dst
}

// fieldView is what a field frame needs beyond the snapshot: the reward
// landscape over [lo, hi]², cached because it changes only when the target
// moves.
type fieldView struct {
	lo, hi    float64
	landscape []float64 // landscapeRs², see the package comment
}

// encodeField writes the field frame of s into dst, growing it only when it
// is too small, and returns it; the curve as for encodeGrid.
func encodeField(dst []float64, s *lab.FieldSnapshot, v *fieldView, warning fieldWarning) []float64 {
	curve := len(s.Curve)
	n := headerLen + 3*len(s.Samples) + curveSlots*curve + len(s.TargetMoves) + len(v.landscape) + 1
	dst = grow(dst, n)
	h := dst[:headerLen]
	h[0] = kindField
	h[1] = float64(s.Rollouts)
	h[2], h[3] = s.Mu[0], s.Mu[1]
	h[4], h[5] = s.Sigma[0], s.Sigma[1]
	h[6], h[7] = s.Target[0], s.Target[1]
	h[8] = float64(len(s.Samples))
	h[9] = float64(curve)
	h[10] = landscapeRs
	h[11], h[12] = v.lo, v.hi
	h[13] = float64(s.Settings.Batch)
	h[14], h[16] = math.NaN(), math.NaN()
	if s.Rollouts > 0 {
		h[14], h[16] = s.MeanReturn, s.SuccessRate
	}
	h[15] = float64(n)
	h[17] = float64(len(s.TargetMoves))
	h[18] = s.Width
	h[19] = float64(s.Updates)
	i := headerLen
	for _, p := range s.Samples {
		dst[i], dst[i+1], dst[i+2] = p.A[0], p.A[1], p.Reward
		i += 3
	}
	i = putCurve(dst, i, s.Curve)
	for _, r := range s.TargetMoves {
		dst[i] = float64(r)
		i++
	}
	i += copy(dst[i:], v.landscape)
	dst[i] = float64(warning)
	return dst
}

// fill evaluates reward at the centre of every pixel of the
// landscape, top row first.
func (v *fieldView) fill(reward func(a [2]float64) float64) {
	if v.landscape == nil {
		v.landscape = make([]float64, landscapeRs*landscapeRs)
	}
	px := (v.hi - v.lo) / landscapeRs
	for r := 0; r < landscapeRs; r++ {
		y := v.hi - (float64(r)+0.5)*px
		for c := 0; c < landscapeRs; c++ {
			x := v.lo + (float64(c)+0.5)*px
			v.landscape[r*landscapeRs+c] = reward([2]float64{x, y})
		}
	}
}

// curveSlots is the number of slots of one curve point.
const curveSlots = 4

// putCurve writes the points of c and returns the next index.
func putCurve(dst []float64, i int, c []lab.CurvePoint) int {
	for _, p := range c {
		dst[i], dst[i+1], dst[i+2], dst[i+3] = float64(p.Rollouts), p.SuccessRate, p.MeanReturn, p.MeanLength
		i += curveSlots
	}
	return i
}

// baselineCode numbers a baseline name as the frame does: 0 none, 1 mean,
// 2 state.
func baselineCode(name string) float64 {
	switch name {
	case "mean":
		return 1
	case "state":
		return 2
	}
	return 0
}

// A fieldWarning is the last slot of a field frame: 0 none, 1 the
// learning rate is above lab.FieldLRLimit, 2 μ has left the plane. The
// page asks fieldWarning() for the sentence when it changes.
type fieldWarning int

func fieldWarningOf(f *lab.Field) fieldWarning {
	w, ok := f.Warning()
	switch {
	case !ok:
		return 0
	case w.OffPlane:
		return 2
	}
	return 1
}

// grow returns dst resliced to n, reallocating only when its capacity is
// too small (with room to spare, so that frames settle on one buffer).
func grow(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n, n+n/2)
}
