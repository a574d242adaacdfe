package nn

import (
	"fmt"
	"math"
	"testing"
)

// macs returns the multiply-adds of one forward pass of one row.
func macs(sizes []int) int {
	s := 0
	for l := 1; l < len(sizes); l++ {
		s += sizes[l-1] * sizes[l]
	}
	return s
}

// benchNet returns CleanRL's CartPole actor and an input batch.
func benchNet(b *testing.B, sizes []int, n int) (*MLP, *Workspace, []float64, []float64) {
	m := NewMLP(sizes, Tanh, []float64{math.Sqrt2, math.Sqrt2, 0.01}, newRand(1))
	ws := m.NewWorkspace(n)
	x := make([]float64, n*m.In())
	r := newRand(2)
	for i := range x {
		x[i] = r.Float64() - 0.5
	}
	d := make([]float64, n*m.Out())
	for i := range d {
		d[i] = r.Float64() - 0.5
	}
	return m, ws, x, d
}

var benchShapes = [][]int{{4, 64, 64, 2}, {4, 64, 64, 1}}

// BenchmarkForward reports GFLOP/s counting a multiply-add as two flops.
func BenchmarkForward(b *testing.B) {
	for _, sizes := range benchShapes {
		for _, n := range []int{1, 4, 128} {
			b.Run(fmt.Sprintf("%v/batch%d", sizes, n), func(b *testing.B) {
				m, ws, x, _ := benchNet(b, sizes, n)
				b.ReportAllocs()
				for b.Loop() {
					m.Forward(ws, x, n)
				}
				b.ReportMetric(float64(2*macs(sizes)*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkBackward times one backward pass (after one forward, not timed
// separately); it does about twice the forward's multiply-adds.
func BenchmarkBackward(b *testing.B) {
	for _, sizes := range benchShapes {
		for _, n := range []int{4, 128} {
			b.Run(fmt.Sprintf("%v/batch%d", sizes, n), func(b *testing.B) {
				m, ws, x, d := benchNet(b, sizes, n)
				m.Forward(ws, x, n)
				b.ReportAllocs()
				for b.Loop() {
					m.Backward(ws, d, n)
				}
				// dW for every layer, dx for all but the first.
				flops := 2 * n * (2*macs(sizes) - sizes[0]*sizes[1])
				b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkTrainStep times Forward+Backward+Adam on one minibatch of 128.
func BenchmarkTrainStep(b *testing.B) {
	m, ws, x, d := benchNet(b, benchShapes[0], 128)
	opt := NewAdam(len(m.Params()), 2.5e-4, 1e-5)
	b.ReportAllocs()
	for b.Loop() {
		m.ZeroGrad()
		m.Forward(ws, x, 128)
		m.Backward(ws, d, 128)
		ClipGradNorm(m.Grads(), 0.5)
		opt.Step(m.Params(), m.Grads())
	}
}

// BenchmarkAdam times one Adam step over the actor's 4,610 parameters.
func BenchmarkAdam(b *testing.B) {
	m, _, _, _ := benchNet(b, benchShapes[0], 1)
	opt := NewAdam(len(m.Params()), 2.5e-4, 1e-5)
	for i := range m.Grads() {
		m.Grads()[i] = float64(i%7) - 3
	}
	for b.Loop() {
		opt.Step(m.Params(), m.Grads())
	}
}

// BenchmarkClipGradNorm times the norm and scaling of the actor's gradient.
func BenchmarkClipGradNorm(b *testing.B) {
	m, _, _, _ := benchNet(b, benchShapes[0], 1)
	g := m.Grads()
	for b.Loop() {
		for i := range g {
			g[i] = 1
		}
		ClipGradNorm(g, 0.5)
	}
}
