// Package nn holds the neural-network pieces of pgrad's policy-gradient
// stack: multi-layer perceptrons with batched forward and backward passes
// written by hand, orthogonal initialisation, Adam, global-norm gradient
// clipping and a versioned, checksummed save format.
//
// # Layout
//
// A network's weights and biases live in one contiguous []float64 (Params)
// and their gradients in another of the same layout (Grads), so an optimiser,
// a clipping rule or a checkpoint sees the whole network as one vector.
// Layer l stores its weights as an in×out row-major matrix (the transpose
// of torch's out×in) followed by its biases; in this orientation every
// kernel's inner loop runs over contiguous memory. Batches are row-major
// (one row per sample). Forward keeps the activations in a caller-owned
// Workspace, Backward reads them from there and accumulates into Grads;
// neither allocates.
//
// # Speed
//
// Nearly all the time of a small policy network goes into one operation,
// C += A·B with 64-wide rows, so that is what is hand-written: in amd64
// assembly, a 4×32 register-blocked kernel on AVX-512 (sixteen ZMM
// accumulators) and a 4×8 one on AVX2+FMA, chosen at run time with
// golang.org/x/sys/cpu; tanh, its derivative, the bias gradient and Adam
// have vector kernels too. Every kernel has a portable Go twin, used on
// other architectures, under js/wasm and with the purego build tag, and
// the tests check that both paths agree to 1e-12. The hidden-layer tanh is
// computed as 1 − 2/(e^(2|x|)+1) with a degree-13 polynomial for e^r; it
// is within 4e-16 of math.Tanh and several times faster, so results are
// not bit-identical across architectures (nn is not used by the browser
// sessions, which need that).
//
// Figures from the package benchmarks on the 2-core AMD EPYC (Zen 5) of
// the development machine, taken while six other sessions loaded it (load
// average 6–12), so they are best-of-six and noisy:
//
//	go test -run NONE -bench 'GEMM|Forward|Backward|PPONetworks' ./nn/
//
//	kernel C(128×64) += A(128×64)·B(64×64)  AVX-512 ~80–130 GFLOP/s, AVX2 ~57, pure Go ~5
//	Forward 4-64-64-2 tanh, batch 128       ~24 µs (48 GFLOP/s with tanh); batch 4 ~1.4 µs
//	Backward 4-64-64-2, batch 128           ~43 µs (52 GFLOP/s)
//	PPO network work per iteration          ~240,000 env steps/s on one goroutine
//	  (CleanRL CartPole: 4×128 rollout forwards of actor and critic, 4 epochs × 4 minibatches
//	   of 128 with backward, clipping and Adam; environment and loss arithmetic excluded)
//
// float64 or float32: the float32 twin of the AVX-512 kernel
// (BenchmarkGEMMFloat32) runs the same product about twice as fast (~190
// against ~80–130 GFLOP/s, best of six under the same load), as the
// doubled vector width predicts. The GEMM kernels are about 40% of a PPO
// iteration's profile, so single precision would gain roughly a quarter
// end to end, while costing finite-difference gradient checks (useless at
// float32's 1e-7 resolution) and a change of every API between nn,
// policy/mlp and pg/deep. The package stays float64.
package nn
