package deep

import (
	"math"

	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/policy/mlp"
)

// minibatches holds the update's buffers: a permutation of the rollout's
// rows and one minibatch gathered from it.
type minibatches struct {
	size                                 int // rows of a full minibatch
	perm                                 []int
	mObs, mAct, mLogp, mAdv, mRet, mOldV []float64
	newLogp, ent, dLogp, dV              []float64
	polWS, valWS                         *mlp.Workspace

	// The value network's half of a step, possibly on a helper goroutine
	// (SetParallel): valueJob is t.valueStep bound once, jobN its batch
	// size, jobLoss and jobSq (Σ of its gradients squared) its results.
	par      *pair
	valueJob func()
	jobN     int
	jobLoss  float64
	jobSq    float64
}

func newMinibatches(t *Trainer) minibatches {
	nT := t.roll.n * t.roll.T
	mb := nT / t.cfg.Minibatches
	d, aw := t.roll.d, t.roll.aw
	f := func(k int) []float64 { return make([]float64, k) }
	m := minibatches{
		size: mb, perm: make([]int, nT),
		mObs: f(mb * d), mAct: f(mb * aw), mLogp: f(mb), mAdv: f(mb), mRet: f(mb), mOldV: f(mb),
		newLogp: f(mb), ent: f(mb), dLogp: f(mb), dV: f(mb),
		polWS: t.pol.NewWorkspace(mb), valWS: t.val.NewWorkspace(mb),
		par: &pair{serial: true}, valueJob: t.valueStep,
	}
	for i := range m.perm {
		m.perm[i] = i
	}
	return m
}

// update runs Epochs passes of shuffled minibatches over the rollout, one
// gradient step each, and returns the losses and diagnostics averaged
// over the steps.
func (t *Trainer) update() Stats {
	cfg := t.cfg
	r, m := &t.roll, &t.mb
	t.opt.keep()
	nT := r.n * r.T
	d, aw := r.d, r.aw
	var s Stats
	var updates float64
	for range cfg.Epochs {
		s.Epochs++
		var lastKL float64
		if cfg.Epochs > 1 || cfg.Minibatches > 1 {
			t.rng.Shuffle(nT, func(i, j int) { m.perm[i], m.perm[j] = m.perm[j], m.perm[i] })
		}
		// As in CleanRL, a batch that does not divide evenly ends with a
		// smaller minibatch.
		for b := 0; b < nT; b += m.size {
			k := min(m.size, nT-b)
			for j, row := range m.perm[b : b+k] {
				// Element by element: a row is a few values (4 and 1 for
				// CartPole), and copy's call into memmove cost more than
				// the copying (3% of BenchmarkPPOCleanRL on AVX2).
				mo, ro := m.mObs[j*d:(j+1)*d], r.obs[row*d:(row+1)*d]
				for i := range mo {
					mo[i] = ro[i]
				}
				ma, ra := m.mAct[j*aw:(j+1)*aw], r.act[row*aw:(row+1)*aw]
				for i := range ma {
					ma[i] = ra[i]
				}
				m.mLogp[j], m.mAdv[j], m.mRet[j], m.mOldV[j] = r.logp[row], r.adv[row], r.ret[row], r.values[row]
			}
			if cfg.NormAdv {
				NormalizeInPlace(m.mAdv[:k])
			}
			pl, vl, h, st := t.step(k)
			s.PolicyLoss += pl
			s.ValueLoss += vl
			s.Entropy += h
			s.ApproxKL += st.ApproxKL
			s.ClipFrac += st.ClipFrac
			updates++
			lastKL = st.ApproxKL
		}
		if cfg.TargetKL > 0 && lastKL > cfg.TargetKL {
			break
		}
	}
	s.PolicyLoss /= updates
	s.ValueLoss /= updates
	s.Entropy /= updates
	s.ApproxKL /= updates
	s.ClipFrac /= updates
	s.ExplainedVar = ExplainedVariance(r.values, r.ret)
	return s
}

// step takes one gradient step on the minibatch of k rows in t.mb. With
// SetParallel(true) the value network's forward and backward passes run on
// the helper goroutine while the policy's run here; the two touch disjoint
// memory, so the result does not depend on scheduling.
func (t *Trainer) step(k int) (pl, vl, h float64, st ClipStats) {
	cfg := t.cfg
	m := &t.mb
	t.opt.zeroGrads()
	m.jobN = k
	m.par.run(m.valueJob)
	logp, dLogp := m.newLogp[:k], m.dLogp[:k]
	t.pol.Evaluate(m.polWS, m.mObs, m.mAct, k, logp, m.ent)
	if cfg.Algo == PPO {
		pl, st = ClippedSurrogateLoss(dLogp, logp, m.mLogp[:k], m.mAdv[:k], cfg.Clip)
	} else {
		// The diagnostics are still meaningful: the batch was collected by
		// the same parameters, so the ratio is 1 up to rounding. The
		// surrogate's gradient goes to scratch space.
		_, st = ClippedSurrogateLoss(dLogp, logp, m.mLogp[:k], m.mAdv[:k], cfg.Clip)
		pl = PolicyGradientLoss(dLogp, logp, m.mAdv[:k])
	}
	for _, e := range m.ent[:k] {
		h += e
	}
	h /= float64(k)
	t.pol.Backward(m.polWS, m.mAct, dLogp, -cfg.EntCoef/float64(k), k)
	m.par.wait()
	vl = m.jobLoss
	if cfg.MaxGradNorm > 0 {
		// The value network's share of the squared norm was summed on the
		// helper; the sum is taken in a fixed order, so it is the same on
		// every run.
		sq := m.jobSq
		for _, g := range t.pol.Grads() {
			sq += nn.SumSquares(g)
		}
		nn.ScaleToNorm(math.Sqrt(sq), cfg.MaxGradNorm, t.opt.grads...)
	}
	t.opt.step()
	return pl, vl, h, st
}

// valueStep is the value network's half of a minibatch step, run on the
// helper goroutine with its size in mb.jobN; it leaves the loss in
// mb.jobLoss.
func (t *Trainer) valueStep() {
	m := &t.mb
	k := m.jobN
	v := t.val.Forward(m.valWS, m.mObs, k)
	clip := 0.0
	if t.cfg.ClipValue {
		clip = t.cfg.Clip
	}
	m.jobLoss = ValueLoss(m.dV[:k], v, m.mOldV, m.mRet, clip)
	for i := range m.dV[:k] {
		m.dV[i] *= t.cfg.VFCoef
	}
	t.val.Backward(m.valWS, m.dV, k)
	if t.cfg.MaxGradNorm > 0 {
		m.jobSq = nn.SumSquares(t.val.Net().Grads())
	}
}
