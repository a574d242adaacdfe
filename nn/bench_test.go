package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
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
	m := NewMLP(sizes, Tanh, []float64{math.Sqrt2, math.Sqrt2, 0.01}, seeded.Rand(1))
	ws := m.NewWorkspace(n)
	x := make([]float64, n*m.In())
	r := seeded.Rand(2)
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

// ppoIteration does the network work of one PPO iteration in CleanRL's
// CartPole configuration: 128 rollout steps of 4 envs through the actor and
// the critic, then 4 epochs of 4 minibatches of 128 with a backward pass,
// clipping and an Adam step per network. Environment stepping and the loss
// arithmetic are left out, so this is the ceiling nn puts on PPO.
type ppoNets struct {
	actor, critic *MLP
	aws, cws      *Workspace
	aopt, copt    *Adam
	obs, dA, dC   []float64
}

func newPPONets() *ppoNets {
	g := []float64{math.Sqrt2, math.Sqrt2}
	p := &ppoNets{
		actor:  NewMLP([]int{4, 64, 64, 2}, Tanh, append(g, 0.01), seeded.Rand(1)),
		critic: NewMLP([]int{4, 64, 64, 1}, Tanh, append(g, 1), seeded.Rand(2)),
	}
	p.aws, p.cws = p.actor.NewWorkspace(128), p.critic.NewWorkspace(128)
	p.aopt = NewAdam(len(p.actor.Params()), 2.5e-4, 1e-5)
	p.copt = NewAdam(len(p.critic.Params()), 2.5e-4, 1e-5)
	r := seeded.Rand(3)
	p.obs = make([]float64, 512*4)
	for i := range p.obs {
		p.obs[i] = 0.1 * (r.Float64() - 0.5)
	}
	p.dA, p.dC = make([]float64, 128*2), make([]float64, 128)
	for i := range p.dA {
		p.dA[i] = 1e-3 * (r.Float64() - 0.5)
	}
	for i := range p.dC {
		p.dC[i] = 1e-3 * (r.Float64() - 0.5)
	}
	return p
}

func (p *ppoNets) rollout(net *MLP, ws *Workspace) {
	for s := 0; s < 128; s++ {
		net.Forward(ws, p.obs[s*16:(s+1)*16], 4)
	}
}

func (p *ppoNets) train(net *MLP, ws *Workspace, opt *Adam, d []float64) {
	for epoch := 0; epoch < 4; epoch++ {
		for mb := 0; mb < 4; mb++ {
			net.ZeroGrad()
			net.Forward(ws, p.obs[mb*512:(mb+1)*512], 128)
			net.Backward(ws, d, 128)
			ClipGradNorm(net.Grads(), 0.5)
			opt.Step(net.Params(), net.Grads())
		}
	}
}

// BenchmarkPPONetworks reports env steps per second that nn alone would
// allow, on one goroutine and with the actor and the critic trained on two.
func BenchmarkPPONetworks(b *testing.B) {
	b.Run("serial", func(b *testing.B) {
		p := newPPONets()
		b.ReportAllocs()
		for b.Loop() {
			p.rollout(p.actor, p.aws)
			p.rollout(p.critic, p.cws)
			p.train(p.actor, p.aws, p.aopt, p.dA)
			p.train(p.critic, p.cws, p.copt, p.dC)
		}
		b.ReportMetric(512*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	})
	b.Run("actor-critic-parallel", func(b *testing.B) {
		p := newPPONets()
		done := make(chan struct{})
		for b.Loop() {
			p.rollout(p.actor, p.aws)
			p.rollout(p.critic, p.cws)
			go func() {
				p.train(p.critic, p.cws, p.copt, p.dC)
				done <- struct{}{}
			}()
			p.train(p.actor, p.aws, p.aopt, p.dA)
			<-done
		}
		b.ReportMetric(512*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	})
}

// BenchmarkGEMM times the kernel alone on the hidden layer's shapes.
func BenchmarkGEMM(b *testing.B) {
	for _, c := range []struct {
		name    string
		m, k, p int
		trans   bool
	}{{"fwd128x64x64", 128, 64, 64, false}, {"dW64x128x64", 64, 128, 64, true}, {"fwd4x64x64", 4, 64, 64, false}} {
		b.Run(c.name, func(b *testing.B) {
			a := make([]float64, c.m*c.k)
			bb := make([]float64, c.k*c.p)
			cc := make([]float64, c.m*c.p)
			for i := range a {
				a[i] = 1e-3 * float64(i%5)
			}
			ars, acs := c.k, 1
			if c.trans {
				ars, acs = 1, c.m
			}
			for b.Loop() {
				gemmAcc(cc, a, bb, c.m, c.k, c.p, ars, acs)
			}
			_ = cc
			b.ReportMetric(float64(2*c.m*c.k*c.p)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGEMMGo times the portable kernel (the one the page runs in
// WebAssembly and pgrad train -portable natively) on the shapes of
// pgrad's CartPole PPO update: the hidden layer forward and its weight
// gradient, the first layer (k = 4 inputs) and a two-output head's
// transposed weight gradient.
func BenchmarkGEMMGo(b *testing.B) {
	for _, c := range []struct {
		name    string
		m, k, p int
		trans   bool
	}{{"fwd128x64x64", 128, 64, 64, false}, {"dW64x128x64", 64, 128, 64, true}, {"fwd128x4x64", 128, 4, 64, false}, {"head2x128x64", 2, 128, 64, true}, {"fwd4x64x64", 4, 64, 64, false}} {
		b.Run(c.name, func(b *testing.B) {
			a := make([]float64, c.m*c.k)
			bb := make([]float64, c.k*c.p)
			cc := make([]float64, c.m*c.p)
			for i := range a {
				a[i] = 1e-3 * float64(i%5)
			}
			ars, acs := c.k, 1
			if c.trans {
				ars, acs = 1, c.m
			}
			for b.Loop() {
				gemmAccGo(cc, a, bb, c.m, c.k, c.p, ars, acs)
			}
			b.ReportMetric(float64(2*c.m*c.k*c.p)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTanh times the hidden activation over one minibatch's layer.
func BenchmarkTanh(b *testing.B) {
	src := make([]float64, 128*64)
	for i := range src {
		src[i] = float64(i%17)*0.3 - 2.4
	}
	y := make([]float64, len(src))
	for b.Loop() {
		copy(y, src)
		tanhInPlace(y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(y)), "ns/value")
}
