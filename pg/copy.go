package pg

import "fmt"

// CopyLearning makes t continue from where src is: θ of src's policy is
// copied into t's, and both of t's baselines (the frozen ones and the ones
// that move during a batch) are set to the frozen ones src's next rollout
// would use. t's partial batch is dropped; its settings, source of
// randomness and counters are kept. It panics if the two policies differ
// in shape.
func (t *GridTrainer) CopyLearning(src *GridTrainer) {
	if len(t.pol.Theta) != len(src.pol.Theta) || len(t.base) != len(src.base) {
		panic(fmt.Sprintf("pg: CopyLearning: a policy of %d values from one of %d", len(t.pol.Theta), len(src.pol.Theta)))
	}
	copy(t.pol.Theta, src.pol.Theta)
	copy(t.base, src.base)
	copy(t.baseNext, src.base)
	t.mean, t.meanNext = src.mean, src.mean
	clear(t.grad)
	clear(t.touched)
	t.list = t.list[:0]
	t.dropBatch()
	t.Sync()
}

// Weights returns the weight of each step of the latest rollout as its
// terms were added to the batch, before the baseline is subtracted (G_t,
// or G_0 with CreditReturn, plus Config.Offset); a view valid until the
// next rollout.
func (t *GridTrainer) Weights() []float64 { return t.ret[:len(t.ep.States)] }
