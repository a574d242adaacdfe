package main

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// decodeNudge reads a nudge frame back by the layout of the package doc.
func decodeNudge(t *testing.T, f []float64) lab.NudgeRollout {
	t.Helper()
	if f[0] != kindNudge || int(f[15]) != len(f) {
		t.Fatalf("kind %v, length %v of %d", f[0], f[15], len(f))
	}
	n := int(f[1])
	cellOf := func(v float64) env.Cell { return env.Cell{Row: int(v) / n, Col: int(v) % n} }
	r := lab.NudgeRollout{Size: n, Start: cellOf(f[3]), Goal: cellOf(f[4]), Outcome: env.Outcome(f[7]), Return: f[8],
		Final: cellOf(f[9]), Rollouts: int(f[14])}
	r.Settings.LR, r.Settings.Gamma, r.Settings.Entropy = f[10], f[11], f[13]
	r.Settings.Baseline = [...]string{"none", "mean", "state"}[int(f[12])]
	r.Settings.Credit = [...]string{"", "return"}[int(f[16])]
	i := headerLen
	rows := func() [][4]float64 {
		out := make([][4]float64, n*n)
		for s := range out {
			copy(out[s][:], f[i:i+4])
			i += 4
		}
		return out
	}
	r.Before = rows()
	r.After = rows()
	for range int(f[5]) {
		r.Pits = append(r.Pits, cellOf(f[i]))
		i++
	}
	for range int(f[6]) {
		r.Walls = append(r.Walls, cellOf(f[i]))
		i++
	}
	for range int(f[2]) {
		r.Steps = append(r.Steps, lab.NudgeStep{Cell: cellOf(f[i]), Action: env.Action(f[i+1]), Prob: f[i+2],
			Reward: f[i+3], Return: f[i+4], Baseline: f[i+5], Advantage: f[i+6]})
		i += nudgeStep
	}
	if i != len(f) {
		t.Fatalf("decoded %d slots of %d", i, len(f))
	}
	return r
}

func bitsEqual(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// checkNudge compares a decoded frame with the session's own record.
func checkNudge(t *testing.T, got, want lab.NudgeRollout) {
	t.Helper()
	if got.Size != want.Size || got.Start != want.Start || got.Goal != want.Goal || got.Outcome != want.Outcome ||
		!bitsEqual(got.Return, want.Return) || got.Final != want.Final || got.Rollouts != want.Rollouts ||
		got.Settings.LR != want.Settings.LR || got.Settings.Gamma != want.Settings.Gamma ||
		got.Settings.Baseline != want.Settings.Baseline || got.Settings.Credit != want.Settings.Credit || got.Settings.Entropy != want.Settings.Entropy {
		t.Errorf("header %+v, want %+v", got, want)
	}
	if len(got.Pits) != len(want.Pits) || len(got.Walls) != len(want.Walls) || len(got.Steps) != len(want.Steps) {
		t.Fatalf("%d pits %d walls %d steps, want %d %d %d", len(got.Pits), len(got.Walls), len(got.Steps), len(want.Pits), len(want.Walls), len(want.Steps))
	}
	for i := range got.Pits {
		if got.Pits[i] != want.Pits[i] {
			t.Errorf("pit %d at %v, want %v", i, got.Pits[i], want.Pits[i])
		}
	}
	for s := range got.Before {
		for j := range 4 {
			if !bitsEqual(got.Before[s][j], want.Before[s][j]) || !bitsEqual(got.After[s][j], want.After[s][j]) {
				t.Errorf("state %d action %d: π %v → %v, want %v → %v", s, j, got.Before[s][j], got.After[s][j], want.Before[s][j], want.After[s][j])
			}
		}
	}
	for i, s := range got.Steps {
		w := want.Steps[i]
		if s.Cell != w.Cell || s.Action != w.Action || !bitsEqual(s.Prob, w.Prob) || !bitsEqual(s.Reward, w.Reward) ||
			!bitsEqual(s.Return, w.Return) || !bitsEqual(s.Baseline, w.Baseline) || !bitsEqual(s.Advantage, w.Advantage) {
			t.Errorf("step %d: %+v, want %+v", i, s, w)
		}
	}
}

// The bridge's nudge frames decode to what a lab.Nudge made from the same
// seed and the same operations records, on the default world and on one
// with the goal and the pit moved.
func TestNudgeFrame(t *testing.T) {
	b := newTestBridge(t)
	g, err := lab.NewGrid(env.DefaultGrid(), lab.DefaultSettings(), defaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	n := lab.NewNudge(defaultSeed)
	check := func(fromLab bool) {
		t.Helper()
		f, err := b.nudgeRollout(fromLab)
		if err != nil {
			t.Fatal(err)
		}
		if fromLab {
			n.Adopt()
		}
		want, err := n.Rollout(g)
		if err != nil {
			t.Fatal(err)
		}
		checkNudge(t, decodeNudge(t, f), want)
	}
	check(false)
	check(false)
	for _, s := range []interface{ Step(int) error }{b.grid, g} {
		if err := s.Step(200); err != nil {
			t.Fatal(err)
		}
	}
	check(true)
	for _, s := range []*lab.Grid{b.grid, g} {
		if err := s.SetPit(env.Cell{Row: 1, Col: 2}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGoal(env.Cell{Row: 0, Col: 0}); err != nil {
			t.Fatal(err)
		}
	}
	check(false)
	check(true)
	f, _ := b.nudgeRollout(false)
	if d := decodeNudge(t, f); d.Goal != (env.Cell{Row: 0, Col: 0}) || len(d.Pits) != 1 || d.Pits[0] != (env.Cell{Row: 1, Col: 2}) {
		t.Errorf("the nudge ran on goal %v pits %v, not the moved world", d.Goal, d.Pits)
	}
	if b.grid.Rollouts() != 200 {
		t.Errorf("the nudge changed the grid: %d rollouts", b.grid.Rollouts())
	}
}
