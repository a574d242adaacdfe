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
// accumulators) and a 6×8 one on AVX2+FMA (twelve YMM accumulators; 4×8
// and 1×8 for leftover rows, the same bits), chosen at run time with
// golang.org/x/sys/cpu; tanh, its derivative, the bias gradient, the
// narrow output layers, the weight transposes, the gradient clipping's
// scaling and Adam have vector kernels too. bench/RESULTS.md has the
// AVX2-only (Zen 3) figures and why they stay below the AVX-512 ones. Every kernel has a portable Go twin, used on
// other architectures, under js/wasm and with the purego build tag, and
// the tests check that both paths agree to 1e-12. The hidden-layer tanh is
// computed as 1 − 2/(e^(2|x|)+1), with e^r from a degree-13 polynomial
// (AVX2 and Go) or, after a further reduction through an eight-entry table
// of 2^(j/8), a degree-8 one (AVX-512); every form is within 4e-16 of
// math.Tanh and several times faster. Results of the fast mode are
// therefore not bit-identical across architectures.
//
// # Portable mode
//
// SetPortable(true) (pgrad train -portable) selects the pure-Go twins at
// run time, whatever the CPU has, and routes Exp and Log (which the
// policies and losses call through this package) to internal/fmath's
// platform-identical implementations. A seeded pg/deep run then gives the
// same bits natively on amd64 and under js/wasm, where the page's CartPole
// tab runs: pg/deep's TestPortableGolden checks one golden file natively,
// with the purego tag and in Node. The purego build tag still removes the
// assembly altogether, but keeps the standard library's math unless
// SetPortable is called. The fast mode's speed is unchanged by the switch
// (BenchmarkPPOCleanRL before and after, same CPU time within noise);
// BenchmarkPPOCleanRLPortable gives the portable speed.
//
// Figures from the package benchmarks on the 2-core AMD EPYC (Zen 5,
// full-width AVX-512) of the development machine, best of eight runs taken
// while six other sessions loaded it (load average about 6), so noisy:
//
//	go test -run NONE -bench 'GEMM|Forward|Backward|PPONetworks' ./nn/
//	go test -tags purego -run NONE -bench 'GEMM|Forward|Backward|PPONetworks' ./nn/
//
//	                                            assembly            pure Go
//	kernel C(128×64) += A(128×64)·B(64×64)      131 GFLOP/s         7.6 GFLOP/s
//	  same on AVX2 only (4×8 kernel)            ~57 GFLOP/s
//	kernel dW(64×64) += aᵀ(64×128)·dy(128×64)   114 GFLOP/s
//	Forward 4-64-64-2 tanh, batch 128           17.6 µs (65 GFLOP/s)   257 µs
//	Forward 4-64-64-2 tanh, batch 4             0.62 µs
//	Forward 4-64-64-2 tanh, batch 1             0.24 µs
//	Backward 4-64-64-2, batch 128               23.7 µs (94 GFLOP/s)   307 µs
//	Adam over 4,610 parameters                  1.8 µs
//	tanh                                        0.52 ns a value
//	PPO network work, one goroutine             ~326,000 env steps/s   ~25,000
//
// The last line is BenchmarkPPONetworks: CleanRL's CartPole iteration (4×128
// rollout forwards of actor and critic, then 4 epochs × 4 minibatches of 128
// with backward, clipping and Adam for each) without the environment and
// the loss arithmetic, so it is the ceiling nn puts on PPO. The whole PPO
// loop (pg/deep's BenchmarkPPOCleanRL, or pgrad bench cartpole) ran at
// about 280,000 steps/s with GOMAXPROCS=1 and 205,000 with 2 in the same
// loaded conditions, where the second core was rarely free. Profiles of the
// whole PPO loop (go test -cpuprofile with pg/deep's BenchmarkPPOCleanRL)
// put about half the time in the GEMM kernel, a sixth in tanh and a few
// percent each in Adam, the tanh derivative, the transposes and the
// narrow output layers.
//
// float64 or float32: the float32 twin of the AVX-512 kernel
// (BenchmarkGEMMFloat32) runs the same product twice as fast (259 against
// 131 GFLOP/s, same runs), as the doubled vector width predicts. With the
// GEMM at about half of a PPO iteration, single precision would gain about
// a third end to end, while costing finite-difference gradient checks
// (useless at float32's 1e-7 resolution) and a change of every API between
// nn, policy/mlp and pg/deep; float64 already meets the speed target. The
// package stays float64.
package nn
