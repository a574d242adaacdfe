package lab

import (
	"math"
	"reflect"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/fmath"
)

// batchOne returns a grid like g's settings but updating after every rollout.
func batchOne(t *testing.T, cfg env.GridConfig, set Settings, seed uint64) *Grid {
	t.Helper()
	s := set
	s.Batch = 1
	g, err := NewGrid(cfg, s, seed)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func mustNudge(t *testing.T, n *Nudge, g *Grid) NudgeRollout {
	t.Helper()
	r, err := n.Rollout(g)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sameRows(a, b [][4]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range 4 {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				return false
			}
		}
	}
	return true
}

// The nudge's update is Step's with a batch of one: from the same policy
// and the same source of randomness, a Grid with Batch 1 draws the same
// rollouts and reaches the same π, bit for bit, rollout after rollout,
// also after the goal and the pit move.
func TestNudgeIsStepWithBatchOne(t *testing.T) {
	whole := DefaultSettings()
	whole.Credit = "return"
	for i, seed := range []uint64{1, 7, 42, 5} {
		set := DefaultSettings()
		if i == 3 {
			set = whole // every step weighted by the rollout's G_0
		}
		lab, err := NewGrid(env.DefaultGrid(), set, 99) // never stepped: uniform, zero baselines
		if err != nil {
			t.Fatal(err)
		}
		ref := batchOne(t, env.DefaultGrid(), set, seed)
		n := NewNudge(seed)
		var prev [][4]float64
		for k := range 120 {
			if k == 60 {
				for _, g := range []*Grid{lab, ref} {
					if err := g.SetPit(cell(0, 1)); err != nil {
						t.Fatal(err)
					}
					if err := g.SetGoal(cell(1, 2)); err != nil {
						t.Fatal(err)
					}
				}
			}
			r := mustNudge(t, n, lab)
			if prev != nil && !sameRows(r.Before, prev) {
				t.Fatalf("seed %d rollout %d: π before is not π after the previous rollout", seed, k)
			}
			prev = r.After
			if err := ref.Step(1); err != nil {
				t.Fatal(err)
			}
			s := ref.Snapshot(1)
			if !sameRows(r.After, s.Probs) {
				t.Fatalf("seed %d rollout %d: π after the nudge differs from Step with batch 1", seed, k)
			}
			if set.Credit == "return" {
				for _, st := range r.Steps {
					if st.Return != r.Steps[0].Return {
						t.Fatalf("whole-return credit, but step weights %v and %v differ", st.Return, r.Steps[0].Return)
					}
				}
			}
			tr := s.Trajectories[0]
			if len(r.Steps) != len(tr.Actions) || r.Outcome != tr.Outcome || r.Return != tr.Return || r.Final != tr.Cells[len(tr.Cells)-1] {
				t.Fatalf("seed %d rollout %d: %d steps ending %v (%v), Step's %d ending %v", seed, k, len(r.Steps), r.Outcome, r.Final, len(tr.Actions), tr.Outcome)
			}
			for i, st := range r.Steps {
				if st.Cell != tr.Cells[i] || st.Action != tr.Actions[i] {
					t.Fatalf("seed %d rollout %d step %d: %v %v, Step's %v %v", seed, k, i, st.Cell, st.Action, tr.Cells[i], tr.Actions[i])
				}
			}
			if k >= 60 && (r.Goal != cell(1, 2) || !reflect.DeepEqual(r.Pits, []env.Cell{cell(0, 1)})) {
				t.Fatalf("rollout %d on goal %v pits %v, want the moved world", k, r.Goal, r.Pits)
			}
		}
		// The lab itself was only read.
		if lab.Rollouts() != 0 || !sameRows(lab.Snapshot(0).Probs, uniformRows(9)) {
			t.Errorf("the nudge changed the lab's session")
		}
	}
}

func uniformRows(n int) [][4]float64 {
	rows := make([][4]float64, n)
	for i := range rows {
		rows[i] = [4]float64{0.25, 0.25, 0.25, 0.25}
	}
	return rows
}

// After the lab has trained, a nudge starts from the lab's π and baselines,
// and its recorded numbers rebuild the update by hand: G_t from the
// rewards and γ, the advantage G_t − b(s_t), then
// θ[s][j] += α·Σ_t (G_t − b(s_t))·(1{j=a_t} − π(j|s_t)) and a softmax.
func TestNudgeNumbersRebuildTheUpdate(t *testing.T) {
	for _, baseline := range []string{"state", "mean", "none"} {
		for seed := uint64(1); seed <= 5; seed++ {
			set := DefaultSettings()
			set.Baseline = baseline
			g, err := NewGrid(env.DefaultGrid(), set, seed)
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Step(40 + 4*int(seed)); err != nil { // whole batches: no partial batch
				t.Fatal(err)
			}
			if err := g.SetGoal(cell(2, 2)); err != nil {
				t.Fatal(err)
			}
			if err := g.Step(12); err != nil {
				t.Fatal(err)
			}
			theta := append([]float64(nil), g.pol.Theta...)
			before := g.Snapshot(0).Probs
			n := NewNudge(100 + seed)
			r := mustNudge(t, n, g)
			if !sameRows(r.Before, before) {
				t.Fatalf("%s seed %d: the nudge did not start from the lab's π", baseline, seed)
			}
			if !sameRows(g.Snapshot(0).Probs, before) || g.Rollouts() != 52+4*int(seed) {
				t.Fatalf("%s seed %d: the nudge changed the lab", baseline, seed)
			}
			// G_t = r_{t+1} + γ G_{t+1}, the last G the last reward.
			gamma := set.Gamma
			var G float64
			for i := len(r.Steps) - 1; i >= 0; i-- {
				G = r.Steps[i].Reward + gamma*G
				if math.Abs(r.Steps[i].Return-G) > 1e-12 {
					t.Errorf("%s seed %d step %d: G_t = %v, by hand %v", baseline, seed, i, r.Steps[i].Return, G)
				}
			}
			grad := make([]float64, len(theta))
			for i, st := range r.Steps {
				s := st.Cell.Row*r.Size + st.Cell.Col
				want := g.tr.Baseline(s)
				if st.Baseline != want || st.Advantage != st.Return-st.Baseline {
					t.Errorf("%s seed %d step %d: b = %v (lab's %v), advantage %v", baseline, seed, i, st.Baseline, want, st.Advantage)
				}
				if baseline == "none" && st.Baseline != 0 {
					t.Errorf("no baseline, but b = %v", st.Baseline)
				}
				if st.Prob != before[s][st.Action] {
					t.Errorf("%s seed %d step %d: π(a|s) = %v, lab's %v", baseline, seed, i, st.Prob, before[s][st.Action])
				}
				for j := range 4 {
					x := -before[s][j]
					if j == int(st.Action) {
						x++
					}
					grad[4*s+j] += st.Advantage * x
				}
			}
			visits := map[env.Cell]int{}
			for _, st := range r.Steps {
				visits[st.Cell]++
			}
			for s := range r.Size * r.Size {
				var e [4]float64
				var sum float64
				for j := range 4 {
					e[j] = fmath.Exp(theta[4*s+j] + set.LR*grad[4*s+j])
					sum += e[j]
				}
				for j := range 4 {
					if got, want := r.After[s][j], e[j]/sum; math.Abs(got-want) > 1e-12 {
						t.Errorf("%s seed %d: π(%d|%d) after = %v, by hand %v", baseline, seed, j, s, got, want)
					}
				}
			}
			// A state visited once: the taken action's π moves with the
			// advantage's sign.
			for _, st := range r.Steps {
				s := st.Cell.Row*r.Size + st.Cell.Col
				if visits[st.Cell] != 1 || st.Advantage == 0 {
					continue
				}
				if d := r.After[s][st.Action] - r.Before[s][st.Action]; (d > 0) != (st.Advantage > 0) {
					t.Errorf("%s seed %d: advantage %v at %v but π(a|s) moved by %v", baseline, seed, st.Advantage, st.Cell, d)
				}
			}
		}
	}
}

// Adopt takes the lab's policy again; without it the nudge keeps its own.
func TestNudgeAdopt(t *testing.T) {
	g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), 3)
	if err != nil {
		t.Fatal(err)
	}
	n := NewNudge(3)
	first := mustNudge(t, n, g)
	if err := g.Step(200); err != nil {
		t.Fatal(err)
	}
	second := mustNudge(t, n, g)
	if !sameRows(second.Before, first.After) {
		t.Error("without Adopt the second rollout did not start where the first left")
	}
	n.Adopt()
	third := mustNudge(t, n, g)
	if !sameRows(third.Before, g.Snapshot(0).Probs) {
		t.Error("after Adopt the rollout did not start from the lab's π")
	}
	if third.Rollouts != 3 {
		t.Errorf("rollout count %d, want 3", third.Rollouts)
	}
}
