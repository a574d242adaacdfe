package pg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// A trainer that copied another's learning mid-batch continues as that
// one would after its partial batch is dropped: the same π, the same
// frozen baselines, and from the same source the same rollouts and the
// same updates.
func TestCopyLearning(t *testing.T) {
	for _, kind := range []Baseline{BaselineNone, BaselineMean, BaselineState} {
		cfg := Config{LR: 0.5, Gamma: 0.9, Batch: 4, Baseline: kind}
		w, err := env.NewGridWorld(env.DefaultGrid())
		if err != nil {
			t.Fatal(err)
		}
		src, err := NewGridTrainer(w, policy.NewSoftmax(w.NumStates(), env.NumActions), cfg, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		src.Train(202, nil) // 50 updates and a partial batch of 2
		dst, err := NewGridTrainer(w, policy.NewSoftmax(w.NumStates(), env.NumActions), cfg, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		dst.Train(3, nil)
		dst.CopyLearning(src)
		for i, p := range src.Probs() {
			if dst.Probs()[i] != p {
				t.Fatalf("%v: π[%d] = %v after the copy, source %v", kind, i, dst.Probs()[i], p)
			}
		}
		for s := range w.NumStates() {
			if dst.Baseline(s) != src.Baseline(s) {
				t.Fatalf("%v: b(%d) = %v after the copy, source %v", kind, s, dst.Baseline(s), src.Baseline(s))
			}
		}
		if kind == BaselineState && src.Baseline(8) == 0 && src.Baseline(5) == 0 {
			t.Fatal("the source's baselines are still zero: the test checks nothing")
		}
		// The source with its partial batch dropped is a third trainer that
		// copied it; both then run from equal sources.
		ref, _ := NewGridTrainer(w, policy.NewSoftmax(w.NumStates(), env.NumActions), cfg, rand.New(rand.NewPCG(5, 6)))
		ref.CopyLearning(src)
		dst.rng, ref.rng = rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
		dst.Train(40, nil)
		ref.Train(40, nil)
		for i, p := range ref.Probs() {
			if math.Float64bits(dst.Probs()[i]) != math.Float64bits(p) {
				t.Fatalf("%v: after 40 more rollouts π[%d] = %v, reference %v", kind, i, dst.Probs()[i], p)
			}
		}
		// Weights are the returns-to-go of the latest rollout.
		e := dst.Rollout()
		want := make([]float64, len(e.Rewards))
		ReturnsToGo(want, e.Rewards, cfg.Gamma)
		for i, g := range dst.Weights() {
			if g != want[i] {
				t.Fatalf("%v: Weights()[%d] = %v, G_t = %v", kind, i, g, want[i])
			}
		}
		if len(dst.Weights()) != len(e.Actions) {
			t.Fatalf("%d weights for %d steps", len(dst.Weights()), len(e.Actions))
		}
	}
}
