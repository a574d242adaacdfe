package pg

import (
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/policy"
)

// benchRollouts is the length of one training run in the benchmarks: long
// enough to go from the uniform policy to a learned one on the default
// world, so the figure mixes early (long, random) and late (short) rollouts.
const benchRollouts = 10000

// benchConfig mirrors lab.DefaultSettings (lab imports pg, so pg cannot
// import it); TestBenchConfigMatchesLab in lab keeps the two equal.
var benchConfig = Config{LR: 0.5, Gamma: 0.9, Batch: 4, Baseline: BaselineState}

// BenchmarkGridTrain measures whole training runs from scratch on the
// default world with the browser's default settings: each iteration resets
// to the uniform policy and runs benchRollouts rollouts with their updates.
func BenchmarkGridTrain(b *testing.B) {
	w, _ := env.NewGridWorld(env.DefaultGrid())
	p := policy.NewSoftmax(w.NumStates(), env.NumActions)
	tr, err := NewGridTrainer(w, p, benchConfig, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr.ResetLearning()
		for range benchRollouts {
			tr.Rollout()
		}
	}
	b.ReportMetric(float64(b.N)*benchRollouts/b.Elapsed().Seconds(), "rollouts/s")
}

// BenchmarkFieldTrain measures whole training runs from scratch on the
// default field.
func BenchmarkFieldTrain(b *testing.B) {
	f, _ := env.NewField(env.DefaultField())
	g := policy.Gaussian{}
	tr, err := NewFieldTrainer(f, &g, Config{LR: 0.05, Gamma: 1, Batch: 4, Baseline: BaselineMean}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	init := policy.Gaussian{LogSigma: [2]float64{-0.6931471805599453, -0.6931471805599453}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tr.ResetLearning(init)
		for range benchRollouts {
			tr.Rollout()
		}
	}
	b.ReportMetric(float64(b.N)*benchRollouts/b.Elapsed().Seconds(), "rollouts/s")
}
