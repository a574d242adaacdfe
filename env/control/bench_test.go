package control

import (
	"fmt"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// BenchmarkCartPoleStep times one step of one copy.
func BenchmarkCartPoleStep(b *testing.B) {
	c := NewCartPole()
	obs := make([]float64, 4)
	r := seeded.Rand(1)
	c.Reset(r, obs)
	act := []float64{0}
	for b.Loop() {
		act[0] = 1 - act[0]
		if _, term, trunc := c.Step(act, obs); term || trunc {
			c.Reset(r, obs)
		}
	}
}

// BenchmarkVecStep compares stepping the copies in place with spreading
// them over goroutines; the metric is environment steps per second.
func BenchmarkVecStep(b *testing.B) {
	for _, env := range []struct {
		name string
		mk   func() Env
	}{{"cartpole", cartPoleEnv}, {"pendulum", func() Env { return NewPendulum() }}} {
		for _, n := range []int{4, 64} {
			for _, workers := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/envs%d/workers%d", env.name, n, workers), func(b *testing.B) {
					v := NewVec(env.mk, n, 1)
					v.SetWorkers(workers)
					defer v.Close()
					obs, final := make([]float64, n*v.ObsDim()), make([]float64, n*v.ObsDim())
					rew, term, trunc := make([]float64, n), make([]bool, n), make([]bool, n)
					acts := make([]float64, n*v.ActLen())
					v.Reset(obs)
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						for k := range acts {
							acts[k] = float64((i + k) & 1)
						}
						i++
						v.Step(acts, obs, rew, term, trunc, final)
						v.Finished()
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
				})
			}
		}
	}
}
