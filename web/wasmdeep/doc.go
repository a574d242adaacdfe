// Command wasmdeep is the neural engine of the page's CartPole section:
// pg/deep, policy/mlp, nn (in portable mode) and env/control built with
// GOOS=js GOARCH=wasm into pgrad-deep.wasm, a second module beside the
// page's pgrad.wasm, loaded only when the reader reaches the section. It
// runs inside a Web Worker (web/static/deep-worker.js), one session of
// package lab/neural at a time, so that training iterations, which take
// tens of milliseconds each, never hold up the page's animation frames.
//
// # API
//
// When ready the program sets globalThis.pgradDeepCore and dispatches an
// Event named "pgrad-deep-ready" on globalThis. Every method returns a JS
// Error object instead of its result when its input is bad, and the
// session is then left exactly as it was.
//
//	configure(obj)          a new session from {env, algo, seed, lr, hidden}
//	                        (all five keys required; any other key is an
//	                        Error); then a frame
//	iterate(n, from)        0 ≤ n ≤ 1000 training iterations (fewer at the end
//	                        of the schedule); then a frame with no played
//	                        steps whose curve starts at point from
//	frame(k, watch, from)   play 0 ≤ k ≤ 5000 steps of the watched policy
//	                        (watch: a snapshot index, −1 for the live policy;
//	                        changing it starts the episodes over) and return
//	                        a frame whose curve starts at point from
//	defaults(env, algo)     pgrad train's {seed, lr, hidden} for them
//	command()               the pgrad train line of the session's run so far
//
// # Frame layout
//
// A frame is one Float64Array that the bridge reuses from call to call (it
// is replaced only when it must grow), valid until the next call and
// possibly longer than its content. The header has 32 slots:
//
//	[0]  3 (neural frame)          [16] watched snapshot (−1: live policy)
//	[1]  task (0 CartPole-v1,      [17] played episode's step count
//	     1 Pendulum-v1, 2 Acrobot) [18] played episode's return so far
//	[2]  iterations done           [19] played episodes finished
//	[3]  iterations of the schedule[20] return of the last finished one (NaN)
//	[4]  environment steps         [21] observation length D
//	[5]  training episodes         [22] action width A
//	[6]  mean return, last 20      [23] played states K in this frame
//	     episodes (NaN before one) [24] policy loss
//	[7]  entropy                   [25] value loss
//	[8]  approx. KL                [26] learning rate of the last update
//	[9]  clip fraction             [27] seconds spent training
//	[10] explained variance        [28] seconds of one task step (τ, dt)
//	[11] training steps per second [29] seed
//	[12] the length of this frame  [30] hidden width
//	[13] first curve point F       [31] algorithm (0 REINFORCE, 1 A2C, 2 PPO)
//	[14] curve points C here
//	[15] snapshots S
//
// then C curve points from index F as (environment steps, mean return of
// the last 20 episodes) after each iteration; S iterations at which the
// snapshots were taken; and K played states, each as D observation values,
// A action values (the index for a discrete task, the clipped action for a
// continuous one; zeros at an episode's first state), the episode's step
// count and 1 if that step ended the episode (else 0). With k = 0 the
// frame holds one state: the current one.
package main
