package lab

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/env"
)

// FuzzGridSession applies arbitrary sequences of operations, as a page
// would forward clicks and slider values: no sequence may panic, a
// rejected operation must leave the session valid, and π must stay a
// probability distribution everywhere.
func FuzzGridSession(f *testing.F) {
	f.Add(uint64(1), []byte{0, 5, 1, 2, 2, 0, 9, 3, 4, 1, 2})
	f.Add(uint64(2), []byte{1, 0, 0, 1, 4, 4, 2, 255, 0, 3, 0, 5, 7})
	f.Add(uint64(3), []byte{3, 200, 0, 50, 2, 1, 0, 60})
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		g, err := NewGrid(env.DefaultGrid(), DefaultSettings(), seed)
		if err != nil {
			t.Fatal(err)
		}
		var snap GridSnapshot
		for i := 0; i+2 < len(ops) && i < 60; i += 3 {
			a, b := int(ops[i+1]), int(ops[i+2])
			switch ops[i] % 5 {
			case 0:
				_ = g.Step(a % 64)
			case 1:
				_ = g.SetGoal(env.Cell{Row: a%5 - 1, Col: b%5 - 1})
			case 2:
				_ = g.SetPit(env.Cell{Row: a%5 - 1, Col: b%5 - 1})
			case 3:
				lrs := []float64{0, -1, math.NaN(), 0.05, 0.5, 3, math.Inf(1)}
				bases := []string{"none", "mean", "state", "", "median"}
				_ = g.SetSettings(Settings{
					LR: lrs[a%len(lrs)], Baseline: bases[b%len(bases)],
					Entropy: float64(a%3) * 0.05, Batch: b%6 - 1, Gamma: float64(a%4) / 3,
				})
			case 4:
				g.Reset()
			}
			g.SnapshotInto(&snap, a%8, int(a%5))
			for s, p := range snap.Probs {
				sum := p[0] + p[1] + p[2] + p[3]
				if math.IsNaN(sum) || math.Abs(sum-1) > 1e-9 {
					t.Fatalf("after op %d: π(·|%d) = %v", i/3, s, p)
				}
			}
			if err := g.Config().Validate(); err != nil {
				t.Fatalf("after op %d the world is invalid: %v", i/3, err)
			}
		}
	})
}
