package nn

import (
	"fmt"
	"math/rand/v2"
)

// Activation selects the nonlinearity applied after every hidden layer.
type Activation int

// The hidden activations an MLP supports. The output layer is always linear.
const (
	Tanh Activation = iota
	ReLU
	Identity
)

// String returns the activation's lower-case name.
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	case Identity:
		return "identity"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// MLP is a fully connected network: dense layers with a hidden activation
// between them and a linear output layer.
//
// All weights and biases live in one contiguous slice (Params), and their
// gradients in another of the same layout (Grads), so an optimiser or a
// clipping rule sees the whole network as one vector. Layer l holds its
// weights as an in×out row-major matrix followed by its out biases; the
// in×out orientation (the transpose of torch's) makes every inner loop of
// the forward and backward passes run over contiguous memory.
type MLP struct {
	sizes  []int
	hidden Activation
	params []float64
	grads  []float64
	w, b   [][]float64 // per-layer views into params
	gw, gb [][]float64 // per-layer views into grads
}

// NewMLP returns a network with the given layer sizes (input first, output
// last), hidden activation and per-layer gains for the orthogonal weight
// initialisation. Biases start at zero.
//
// It panics if there are fewer than two sizes, a size is not positive,
// len(gains) != len(sizes)-1, or the activation is unknown: these are
// programmer errors.
func NewMLP(sizes []int, hidden Activation, gains []float64, r *rand.Rand) *MLP {
	m := newShape(sizes, hidden)
	if len(gains) != len(sizes)-1 {
		panic(fmt.Sprintf("nn: %d gains for %d layers", len(gains), len(sizes)-1))
	}
	for l := range m.w {
		Orthogonal(m.w[l], sizes[l], sizes[l+1], gains[l], r)
	}
	return m
}

// newShape allocates a zero network of the given shape.
func newShape(sizes []int, hidden Activation) *MLP {
	if len(sizes) < 2 {
		panic("nn: an MLP needs at least an input and an output size")
	}
	if hidden < Tanh || hidden > Identity {
		panic(fmt.Sprintf("nn: unknown activation %d", int(hidden)))
	}
	total := 0
	for l, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("nn: layer size %d is %d, want > 0", l, s))
		}
		if l > 0 {
			total += sizes[l-1]*s + s
		}
	}
	m := &MLP{
		sizes:  append([]int(nil), sizes...),
		hidden: hidden,
		params: make([]float64, total),
		grads:  make([]float64, total),
	}
	L := len(sizes) - 1
	m.w, m.b = make([][]float64, L), make([][]float64, L)
	m.gw, m.gb = make([][]float64, L), make([][]float64, L)
	off := 0
	for l := 0; l < L; l++ {
		in, out := sizes[l], sizes[l+1]
		m.w[l] = m.params[off : off+in*out : off+in*out]
		m.gw[l] = m.grads[off : off+in*out : off+in*out]
		off += in * out
		m.b[l] = m.params[off : off+out : off+out]
		m.gb[l] = m.grads[off : off+out : off+out]
		off += out
	}
	return m
}

// Params returns all weights and biases as one slice that aliases the
// network: writing to it changes the network. The layout is stable: for each
// layer in order, its in×out row-major weights, then its out biases.
func (m *MLP) Params() []float64 { return m.params }

// Grads returns the gradient accumulators, in the layout of Params.
func (m *MLP) Grads() []float64 { return m.grads }

// ZeroGrad sets every gradient accumulator to zero.
func (m *MLP) ZeroGrad() { clear(m.grads) }

// In returns the input width.
func (m *MLP) In() int { return m.sizes[0] }

// Out returns the output width.
func (m *MLP) Out() int { return m.sizes[len(m.sizes)-1] }

// Sizes returns a copy of the layer sizes, input first.
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Hidden returns the hidden activation.
func (m *MLP) Hidden() Activation { return m.hidden }

// Workspace holds the activations of one batch between Forward and
// Backward, and the scratch space of the backward pass, so that neither
// allocates. A workspace belongs to the network that made it; two
// goroutines need two workspaces.
type Workspace struct {
	maxBatch int
	acts     [][]float64 // acts[0] is the input, acts[l] the output of layer l
	d0, d1   []float64   // ping-pong deltas, maxBatch × widest layer
	dx       []float64   // gradient with respect to the input
	wt       []float64   // a transposed weight matrix
	t        []float64   // a transposed weight gradient of a narrow layer
	zero     []float64   // a row of zeros as wide as the widest layer
}

// NewWorkspace returns a workspace for batches of up to maxBatch rows.
// It panics if maxBatch < 1.
func (m *MLP) NewWorkspace(maxBatch int) *Workspace {
	if maxBatch < 1 {
		panic(fmt.Sprintf("nn: workspace batch %d, want ≥ 1", maxBatch))
	}
	ws := &Workspace{maxBatch: maxBatch, acts: make([][]float64, len(m.sizes))}
	widest, wmax := 0, 0
	for l, s := range m.sizes {
		ws.acts[l] = make([]float64, maxBatch*s)
		widest = max(widest, s)
		if l > 0 {
			wmax = max(wmax, m.sizes[l-1]*s)
		}
	}
	ws.d0 = make([]float64, maxBatch*widest)
	ws.d1 = make([]float64, maxBatch*widest)
	ws.dx = make([]float64, maxBatch*m.sizes[0])
	ws.wt = make([]float64, wmax)
	ws.t = make([]float64, wmax)
	ws.zero = make([]float64, widest)
	return ws
}

// MaxBatch returns the largest batch the workspace holds.
func (ws *Workspace) MaxBatch() int { return ws.maxBatch }

func (m *MLP) checkBatch(ws *Workspace, buf []float64, width, n int, what string) {
	if n < 0 || n > ws.maxBatch {
		panic(fmt.Sprintf("nn: batch %d outside the workspace's 0..%d", n, ws.maxBatch))
	}
	if len(ws.acts) != len(m.sizes) {
		panic("nn: workspace of another network")
	}
	for l, a := range ws.acts {
		if len(a) != ws.maxBatch*m.sizes[l] {
			panic("nn: workspace of another network")
		}
	}
	if len(buf) < n*width {
		panic(fmt.Sprintf("nn: %s has %d values, want %d×%d", what, len(buf), n, width))
	}
}

// Forward computes the outputs of n rows of input x (n×In, row-major) and
// returns them as an n×Out view into ws, valid until the next Forward on
// ws. It keeps the activations in ws for Backward.
//
// It panics if n exceeds the workspace's batch or x is too short.
func (m *MLP) Forward(ws *Workspace, x []float64, n int) []float64 {
	m.checkBatch(ws, x, m.sizes[0], n, "input")
	copy(ws.acts[0], x[:n*m.sizes[0]])
	L := len(m.w)
	for l := 0; l < L; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		y := ws.acts[l+1][:n*out]
		a := ws.acts[l][:n*in]
		if out < narrow {
			for s := 0; s < n; s++ {
				copy(y[s*out:(s+1)*out], m.b[l])
			}
			// A few outputs (a policy or value head): dot products of each
			// input row with a row of the transposed weights beat a GEMM
			// whose rows are narrower than one vector register.
			wt := ws.wt[:in*out]
			transpose(wt, m.w[l], in, out)
			dotRows(y, a, wt, n, in, out)
		} else {
			// y = bias + a·W, the bias as a row repeated for every sample.
			gemm(y, m.b[l], 0, a, m.w[l], n, in, out, in, 1)
		}
		if l < L-1 {
			activate(m.hidden, y)
		}
	}
	return ws.acts[L][:n*m.sizes[L]]
}

// Backward accumulates into Grads the gradient of a scalar loss whose
// gradient with respect to the outputs of the last Forward on ws is dOut
// (n×Out). n must be the n of that Forward.
//
// It panics if n exceeds the workspace's batch or dOut is too short.
func (m *MLP) Backward(ws *Workspace, dOut []float64, n int) {
	m.backward(ws, dOut, n, false)
}

// BackwardInput does what Backward does and also returns the gradient with
// respect to the inputs of the last Forward, as an n×In view into ws valid
// until the next backward pass on ws.
func (m *MLP) BackwardInput(ws *Workspace, dOut []float64, n int) []float64 {
	return m.backward(ws, dOut, n, true)
}

func (m *MLP) backward(ws *Workspace, dOut []float64, n int, wantDx bool) []float64 {
	L := len(m.w)
	m.checkBatch(ws, dOut, m.sizes[L], n, "output gradient")
	dy := ws.d0[:n*m.sizes[L]]
	copy(dy, dOut)
	spare := ws.d1
	for l := L - 1; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		a := ws.acts[l][:n*in]
		if out < narrow {
			// dWᵀ (out×in) = dyᵀ (out×n) · a (n×in) keeps the kernel's rows
			// long; it is then added to dW transposed.
			t := ws.t[:out*in]
			gemm(t, ws.zero, 0, dy, a, out, n, in, 1, out)
			gw := m.gw[l]
			for o := 0; o < out; o++ {
				for i, v := range t[o*in : (o+1)*in] {
					gw[i*out+o] += v
				}
			}
		} else {
			// dW (in×out) += aᵀ (in×n) · dy (n×out): a is read transposed.
			gemmAcc(m.gw[l], a, dy, in, n, out, 1, in)
		}
		colSum(m.gb[l], dy, n, out)
		if l == 0 && !wantDx {
			break
		}
		var dx []float64
		if l == 0 {
			dx = ws.dx[:n*in]
		} else {
			dx = spare[:n*in]
		}
		// dx (n×in) = dy (n×out) · Wᵀ (out×in), through a transposed copy so
		// that the kernel's inner loop stays contiguous.
		wt := ws.wt[:in*out]
		transpose(wt, m.w[l], in, out)
		gemm(dx, ws.zero, 0, dy, wt, n, out, in, out, 1)
		if l > 0 {
			activateGrad(m.hidden, dx, a)
		}
		spare = dy[:cap(dy)]
		dy = dx
	}
	if wantDx {
		return ws.dx[:n*m.sizes[0]]
	}
	return nil
}

// narrow is the output width below which a layer is computed with dot
// products instead of the GEMM kernel (whose column blocks are 8 wide).
const narrow = 8

// activate applies the hidden activation in place.
func activate(act Activation, y []float64) {
	switch act {
	case Tanh:
		tanhInPlace(y)
	case ReLU:
		for i, v := range y {
			if v < 0 {
				y[i] = 0
			}
		}
	}
}

// activateGrad multiplies d by the activation's derivative, written in terms
// of the activation's output y.
func activateGrad(act Activation, d, y []float64) {
	y = y[:len(d)]
	switch act {
	case Tanh:
		tanhGrad(d, y)
	case ReLU:
		for i, v := range y {
			if v <= 0 {
				d[i] = 0
			}
		}
	}
}
