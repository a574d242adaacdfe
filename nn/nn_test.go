package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// lossOf is a fixed scalar function of the outputs whose gradient is c.
func lossOf(y, c []float64) float64 {
	s := 0.0
	for i, v := range y {
		s += c[i] * v
	}
	return s
}

// randomMLP returns a network with non-zero biases, so that the bias
// gradients are exercised away from the initial state.
func randomMLP(t *testing.T, sizes []int, act Activation, seed uint64) *MLP {
	t.Helper()
	r := seeded.Rand(seed)
	gains := make([]float64, len(sizes)-1)
	for i := range gains {
		gains[i] = 1.2
	}
	m := NewMLP(sizes, act, gains, r)
	for l := range m.b {
		for i := range m.b[l] {
			m.b[l][i] = 0.3 * (2*r.Float64() - 1)
		}
	}
	return m
}

// nearKink reports whether any ReLU pre-activation of the batch is so
// close to zero that a central difference of step h could cross it.
func nearKink(m *MLP, x []float64, n int, h float64) bool {
	a := append([]float64(nil), x[:n*m.sizes[0]]...)
	for l := 0; l < len(m.w)-1; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		z := make([]float64, n*out)
		for s := 0; s < n; s++ {
			copy(z[s*out:], m.b[l])
		}
		gemmAccGo(z, a, m.w[l], n, in, out, in, 1)
		for _, v := range z {
			if math.Abs(v) < 1e3*h {
				return true
			}
		}
		for i, v := range z {
			z[i] = max(v, 0)
		}
		a = z
	}
	return false
}

func TestGradientFiniteDifference(t *testing.T) {
	shapes := [][]int{{4, 64, 64, 2}, {3, 5, 1}, {4, 64, 64, 1}, {7, 3, 9, 4}, {2, 2}}
	checked := map[Activation]int{}
	defer func() {
		// Skipping near kinks must not hollow the ReLU check out.
		if checked[ReLU] < 8 {
			t.Errorf("only %d ReLU cases were checked", checked[ReLU])
		}
	}()
	for _, act := range []Activation{Tanh, ReLU, Identity} {
		for si, sizes := range shapes {
			for _, n := range []int{1, 3, 5} {
				m := randomMLP(t, sizes, act, uint64(100*si+n))
				r := seeded.Rand(uint64(7 + si + 10*n))
				x := make([]float64, n*m.In())
				for i := range x {
					x[i] = 2*r.Float64() - 1
				}
				const h = 1e-6
				if act == ReLU && nearKink(m, x, n, h) {
					t.Logf("%v %v n=%d: input near a ReLU kink, skipped", act, sizes, n)
					continue
				}
				checked[act]++
				c := make([]float64, n*m.Out())
				for i := range c {
					c[i] = 2*r.Float64() - 1
				}
				ws := m.NewWorkspace(n + 2)
				m.ZeroGrad()
				m.Forward(ws, x, n)
				dx := append([]float64(nil), m.BackwardInput(ws, c, n)...)
				grads := append([]float64(nil), m.Grads()...)
				f := func() float64 { return lossOf(m.Forward(ws, x, n), c) }
				check := func(what string, v []float64, i int, analytic float64) {
					old := v[i]
					v[i] = old + h
					fp := f()
					v[i] = old - h
					fm := f()
					v[i] = old
					num := (fp - fm) / (2 * h)
					if err := math.Abs(num-analytic) / max(1, math.Abs(num)); err > 1e-6 {
						t.Errorf("%v %v n=%d: d/d%s[%d] = %.10g, finite difference %.10g", act, sizes, n, what, i, analytic, num)
					}
				}
				p := m.Params()
				for i := 0; i < len(p); i += 1 + len(p)/97 {
					check("param", p, i, grads[i])
				}
				check("param", p, len(p)-1, grads[len(p)-1])
				for i := range x {
					check("x", x, i, dx[i])
				}
			}
		}
	}
}

func TestBackwardAccumulates(t *testing.T) {
	m := randomMLP(t, []int{3, 8, 2}, Tanh, 1)
	ws := m.NewWorkspace(4)
	x := []float64{0.1, -0.2, 0.3, 0.5, 0.4, -0.9}
	d := []float64{1, -1, 0.5, 2}
	m.Forward(ws, x, 2)
	m.Backward(ws, d, 2)
	once := append([]float64(nil), m.Grads()...)
	m.Backward(ws, d, 2)
	for i, g := range m.Grads() {
		if math.Abs(g-2*once[i]) > 1e-12*max(1, math.Abs(g)) {
			t.Fatalf("grad %d after two backward passes is %g, want 2×%g", i, g, once[i])
		}
	}
	m.ZeroGrad()
	for i, g := range m.Grads() {
		if g != 0 {
			t.Fatalf("grad %d is %g after ZeroGrad", i, g)
		}
	}
}

// TestForwardByHand checks a 2-2-1 tanh network against arithmetic done by
// hand, pinning the parameter layout (in×out weights, then biases).
func TestForwardByHand(t *testing.T) {
	m := newShape([]int{2, 2, 1}, Tanh)
	copy(m.Params(), []float64{
		0.5, -1, // W0 row for input 0: to hidden 0, hidden 1
		2, 0.25, // W0 row for input 1
		0.1, -0.2, // b0
		3, -4, // W1: hidden 0 → out, hidden 1 → out
		0.7, // b1
	})
	ws := m.NewWorkspace(1)
	y := m.Forward(ws, []float64{1, -2}, 1)
	h0 := math.Tanh(0.5*1 + 2*-2 + 0.1)
	h1 := math.Tanh(-1*1 + 0.25*-2 - 0.2)
	want := 3*h0 - 4*h1 + 0.7
	if math.Abs(y[0]-want) > 1e-14 {
		t.Fatalf("output %.17g, want %.17g", y[0], want)
	}
}

func TestOrthogonal(t *testing.T) {
	for _, c := range []struct{ in, out int }{{4, 64}, {64, 64}, {64, 2}, {64, 1}, {3, 5}, {5, 3}} {
		for _, gain := range []float64{1, math.Sqrt2, 0.01} {
			w := make([]float64, c.in*c.out)
			Orthogonal(w, c.in, c.out, gain, seeded.Rand(uint64(c.in*c.out)))
			// torch shape is out×in; torch row o is our column o.
			if c.out <= c.in { // torch rows orthonormal: Σ_i w[i,o]w[i,p] = g²δ
				for o := 0; o < c.out; o++ {
					for p := 0; p < c.out; p++ {
						s := 0.0
						for i := 0; i < c.in; i++ {
							s += w[i*c.out+o] * w[i*c.out+p]
						}
						want := 0.0
						if o == p {
							want = gain * gain
						}
						if math.Abs(s-want) > 1e-12 {
							t.Fatalf("%dx%d gain %g: column dot (%d,%d) = %g, want %g", c.in, c.out, gain, o, p, s, want)
						}
					}
				}
			} else {
				for i := 0; i < c.in; i++ {
					for j := 0; j < c.in; j++ {
						s := dot(w[i*c.out:(i+1)*c.out], w[j*c.out:(j+1)*c.out])
						want := 0.0
						if i == j {
							want = gain * gain
						}
						if math.Abs(s-want) > 1e-12 {
							t.Fatalf("%dx%d gain %g: row dot (%d,%d) = %g, want %g", c.in, c.out, gain, i, j, s, want)
						}
					}
				}
			}
		}
	}
	// Different seeds give different matrices; the same seed the same one.
	a, b, c := make([]float64, 16), make([]float64, 16), make([]float64, 16)
	Orthogonal(a, 4, 4, 1, seeded.Rand(1))
	Orthogonal(b, 4, 4, 1, seeded.Rand(1))
	Orthogonal(c, 4, 4, 1, seeded.Rand(2))
	if a[0] != b[0] || a[0] == c[0] {
		t.Fatalf("seeding: %g %g %g", a[0], b[0], c[0])
	}
}

func TestNewMLPBiasesZero(t *testing.T) {
	m := NewMLP([]int{4, 64, 64, 2}, Tanh, []float64{math.Sqrt2, math.Sqrt2, 0.01}, seeded.Rand(3))
	for l := range m.b {
		for _, v := range m.b[l] {
			if v != 0 {
				t.Fatalf("layer %d bias %g, want 0", l, v)
			}
		}
	}
	if len(m.Params()) != 4*64+64+64*64+64+64*2+2 {
		t.Fatalf("%d params", len(m.Params()))
	}
}

// TestAdamTwoSteps checks two Adam updates against the formulas evaluated
// by hand for β1 = 0.9, β2 = 0.999, lr = 0.1, ε = 1e-8.
func TestAdamTwoSteps(t *testing.T) {
	a := NewAdam(2, 0.1, 1e-8)
	p := []float64{1, -2}
	// Step 1, g = (0.5, -3): m = 0.1g, v = 0.001g², m̂ = g, v̂ = g²,
	// p -= 0.1 · g/(|g| + ε).
	a.Step(p, []float64{0.5, -3})
	want1 := []float64{1 - 0.1*0.5/(0.5+1e-8), -2 + 0.1*3/(3+1e-8)}
	for i := range p {
		if math.Abs(p[i]-want1[i]) > 1e-15 {
			t.Fatalf("step 1: p[%d] = %.17g, want %.17g", i, p[i], want1[i])
		}
	}
	// Step 2, g = (0.2, 1): m = 0.9·m1 + 0.1g, v = 0.999·v1 + 0.001g².
	g1, g2 := []float64{0.5, -3}, []float64{0.2, 1}
	a.Step(p, g2)
	for i := range p {
		m := 0.9*(0.1*g1[i]) + 0.1*g2[i]
		v := 0.999*(0.001*g1[i]*g1[i]) + 0.001*g2[i]*g2[i]
		mh := m / (1 - 0.81)
		vh := v / (1 - 0.999*0.999)
		want := want1[i] - 0.1*mh/(math.Sqrt(vh)+1e-8)
		if math.Abs(p[i]-want) > 1e-14 {
			t.Fatalf("step 2: p[%d] = %.17g, want %.17g", i, p[i], want)
		}
	}
	if a.Steps() != 2 {
		t.Fatalf("Steps() = %d", a.Steps())
	}
}

// ScaleToNorm scales all groups together, like clip_grad_norm_ over a
// model's parameters: the norm is that of the concatenation.
func TestScaleToNormOfGroups(t *testing.T) {
	groups := [][]float64{{3, 0, 0, 0, 0}, {4}}
	norm := math.Sqrt(SumSquares(groups[0]) + SumSquares(groups[1]))
	if norm != 5 {
		t.Fatalf("norm %v, want 5", norm)
	}
	ScaleToNorm(norm, 1, groups...)
	k := 1 / (5 + 1e-6)
	if groups[0][0] != 3*k || groups[1][0] != 4*k {
		t.Errorf("clipped to %v, want scale %v", groups, k)
	}
	ScaleToNorm(1, 2, groups...) // below the limit: unchanged
	if groups[0][0] != 3*k {
		t.Errorf("a gradient under the limit changed: %v", groups)
	}
	if s := SumSquares([]float64{1, 2, 3, 4, 5, 6, 7}); s != 140 {
		t.Errorf("SumSquares = %v, want 140", s)
	}
}

func TestClipGradNorm(t *testing.T) {
	g := []float64{3, 4}
	if n := ClipGradNorm(g, 10); n != 5 || g[0] != 3 || g[1] != 4 {
		t.Fatalf("no clip expected: norm %g, g %v", n, g)
	}
	n := ClipGradNorm(g, 0.5)
	if n != 5 {
		t.Fatalf("norm before clipping %g, want 5", n)
	}
	k := 0.5 / (5 + 1e-6)
	if math.Abs(g[0]-3*k) > 1e-15 || math.Abs(g[1]-4*k) > 1e-15 {
		t.Fatalf("clipped to %v, want %v", g, []float64{3 * k, 4 * k})
	}
	if after := math.Hypot(g[0], g[1]); after > 0.5 {
		t.Fatalf("norm after clipping %g > 0.5", after)
	}
}

// TestNoAllocations checks that the per-step operations allocate nothing.
func TestNoAllocations(t *testing.T) {
	m := randomMLP(t, []int{4, 64, 64, 2}, Tanh, 1)
	ws := m.NewWorkspace(128)
	x := make([]float64, 128*4)
	d := make([]float64, 128*2)
	opt := NewAdam(len(m.Params()), 1e-3, 1e-5)
	for _, n := range []int{1, 4, 127, 128} {
		if a := testing.AllocsPerRun(20, func() {
			m.ZeroGrad()
			m.Forward(ws, x, n)
			m.Backward(ws, d, n)
			m.BackwardInput(ws, d, n)
			ClipGradNorm(m.Grads(), 0.5)
			opt.Step(m.Params(), m.Grads())
		}); a != 0 {
			t.Errorf("batch %d: %g allocations per training step", n, a)
		}
	}
}

func TestPanicsOnMisuse(t *testing.T) {
	m := randomMLP(t, []int{3, 4, 2}, Tanh, 1)
	other := randomMLP(t, []int{5, 4, 2}, Tanh, 1)
	wider := randomMLP(t, []int{3, 9, 2}, Tanh, 1)
	ws := m.NewWorkspace(2)
	cases := map[string]func(){
		"batch too big":    func() { m.Forward(ws, make([]float64, 9), 3) },
		"short input":      func() { m.Forward(ws, make([]float64, 5), 2) },
		"short dOut":       func() { m.Forward(ws, make([]float64, 6), 2); m.Backward(ws, make([]float64, 3), 2) },
		"foreign ws":       func() { other.Forward(ws, make([]float64, 10), 2) },
		"same ends":        func() { wider.Forward(ws, make([]float64, 6), 2) },
		"one size":         func() { NewMLP([]int{3}, Tanh, nil, seeded.Rand(1)) },
		"gains":            func() { NewMLP([]int{3, 2}, Tanh, []float64{1, 1}, seeded.Rand(1)) },
		"zero width":       func() { NewMLP([]int{3, 0, 2}, Tanh, []float64{1, 1}, seeded.Rand(1)) },
		"activation":       func() { NewMLP([]int{3, 2}, Activation(9), []float64{1}, seeded.Rand(1)) },
		"adam size":        func() { NewAdam(3, 1, 1).Step(make([]float64, 2), make([]float64, 2)) },
		"workspace size 0": func() { m.NewWorkspace(0) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 4 || s[:4] != "nn: " {
					t.Errorf("%s: recovered %v, want a panic with an \"nn: \" message", name, r)
				}
			}()
			f()
		}()
	}
}

func TestEmptyBatch(t *testing.T) {
	m := randomMLP(t, []int{4, 64, 2}, Tanh, 1)
	ws := m.NewWorkspace(4)
	if y := m.Forward(ws, nil, 0); len(y) != 0 {
		t.Fatalf("%d outputs for an empty batch", len(y))
	}
	m.ZeroGrad()
	if dx := m.BackwardInput(ws, nil, 0); len(dx) != 0 {
		t.Fatalf("%d input gradients for an empty batch", len(dx))
	}
	for i, g := range m.Grads() {
		if g != 0 {
			t.Fatalf("grad %d = %g after an empty batch", i, g)
		}
	}
}
