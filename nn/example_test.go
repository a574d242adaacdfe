package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/nn"
)

// A tiny regression: fit y = 2x − 1 with a 1-16-1 tanh network, the way a
// value network is trained: forward a batch, set the gradient of the loss
// with respect to the outputs, backward, clip, and step Adam.
func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	net := nn.NewMLP([]int{1, 16, 1}, nn.Tanh, []float64{math.Sqrt2, 1}, r)
	ws := net.NewWorkspace(32)
	opt := nn.NewAdam(len(net.Params()), 0.01, 1e-8)
	x := make([]float64, 32)
	for i := range x {
		x[i] = float64(i)/16 - 1
	}
	dOut := make([]float64, 32)
	var loss float64
	for step := 0; step < 2000; step++ {
		y := net.Forward(ws, x, 32)
		loss = 0
		for i, v := range y {
			e := v - (2*x[i] - 1)
			loss += e * e / 32
			dOut[i] = 2 * e / 32 // d loss / d y
		}
		net.ZeroGrad()
		net.Backward(ws, dOut, 32)
		nn.ClipGradNorm(net.Grads(), 1)
		opt.Step(net.Params(), net.Grads())
	}
	fmt.Printf("mean squared error below 1e-4: %v\n", loss < 1e-4)
	// Output: mean squared error below 1e-4: true
}
