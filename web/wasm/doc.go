// Command wasm is the bridge between the explainer page and the Go engine:
// built with GOOS=js GOARCH=wasm, it runs one gridworld session and one
// Gaussian field session from package lab inside the browser tab and hands
// the page everything it draws.
//
// Each widget of the page has its own bridge file: the seed's lab (the
// grid and field sessions) is main_js.go with bridge.go and frame.go; a
// new widget adds a native file with its session and frame encoding and a
// *_js.go file whose init appends its methods to widgets (see
// web/static/README.md).
//
// # API
//
// When the sessions are ready the program sets globalThis.pgradCore and
// dispatches an Event named "pgrad-core-ready" on globalThis. The page's
// engine.js wraps pgradCore into globalThis.pgrad, whose methods throw, and
// then dispatches "pgrad-ready". Go functions cannot throw into JavaScript,
// so every pgradCore method returns a JS Error object instead of its result
// when its input is bad; the session is then left exactly as it was.
//
// No value passed from JavaScript ends the Go program or changes a session
// when it is rejected: every method reads its arguments through one
// decoder (args.go) that turns a BigInt, a Symbol, a Proxy or getter that
// throws, a frozen object or a value of the wrong type into an Error
// naming the method and the argument ("pgrad: step: n must be a number,
// not a BigInt"), and every call runs under recover. Objects are read by
// their own enumerable data properties only (Object.keys and
// Object.getOwnPropertyDescriptor): an inherited key is neither an
// unknown key nor applied, and a getter is refused, never run.
//
// One call's work is bounded by size (a time slice would make a run
// depend on the machine and break replay from the seed): step(n) takes
// at most 300,000 environment steps of work, n × the world's step cap
// (8,333 rollouts on the 3×3 world, whose cap is 36), and stepField(n) at
// most 25,000 samples. In headless Chromium on the README's machine the
// largest calls took about 60 and 65 ms (TestBrowserHostileArguments logs
// them); a larger n is an Error that states the bound.
//
//	step(n)                 0 ≤ n ≤ 300,000 / step cap rollouts on the grid, then the grid frame
//	stepField(n)            0 ≤ n ≤ 25,000 samples on the field, then the field frame
//	setGoal(row, col)       move the goal, keep the policy; the grid frame
//	setPit(row, col)        move the pit, keep the policy; the grid frame
//	setGoalAndPit(gr, gc, pr, pc)  move the goal and the pit at once (they may
//	                        swap); the grid frame
//	setTarget(x, y)         move the field's target; the field frame
//	setSettings(obj)        any of {lr, baseline, entropy, batch, gamma, credit} for the grid;
//	                        any other key is an Error
//	setFieldSettings(obj)   the same for the field
//	settings()              the grid's settings and the seed, as a plain object
//	fieldSettings()         the field's settings and the seed
//	reset()                 both sessions afresh from the seed, keeping settings,
//	                        goal, pit and target (so the seed still reproduces the run)
//	fieldWarning()          the sentence of the field's warning, "" for none
//	restart(seed)           new sessions from seed, a whole number from 0 to 2^53
//	                        or its decimal text (the URL hash's; "" is an Error),
//	                        keeping settings, goal, pit and target
//	nudge(fromLab)          one rollout of the nudge session (lab.Nudge) on the
//	                        grid's world with the grid's settings and a batch
//	                        of one; fromLab (default false) first copies the
//	                        grid's policy and baselines (it does so by itself
//	                        at the first call). The nudge frame; the grid is
//	                        not changed (nudge.go, nudge_js.go)
//	varianceStart(k, b, c, x, y, uniform)
//	                        the variance lab (lab.Variance): freeze the grid's
//	                        policy (uniform: the uniform one) and start K = k
//	                        estimates of batch b per baseline, return offset c,
//	                        projected on θ entries x and y (state·4 + action;
//	                        x = y: the start cell's up and right)
//	varianceSet(k, b, c, x, y)   the same settings, keeping the frozen policy
//	varianceStep(n)         up to n ≤ 1000 more estimates per baseline
//	criticStep(n)           n actor-critic rollouts (lab.Critic, made on the
//	                        grid's world at the first call); the critic frame
//	criticSet(lr, vlr, gamma, lambda, batch)   its settings; the critic frame
//	criticReset()           a new critic on the grid's world as it is now
//	compareStart()          the compare run (lab.Compare) on the grid's world
//	                        with the critic's settings; compareStep(n) advances it by at most
//	                        n rollouts; both return the compare frame
//	compareCommand(algo, seed)   the pgrad command of one run, a string
//	clipStart(eps, k, lr, b, uniform)
//	                        the clip widget (lab.Clip): one batch of b rollouts
//	                        with the grid's policy, K = k epochs at step lr;
//	                        clipSet(eps, k, lr, b) changes them (a new b
//	                        collects a new batch), clipCollect() a new batch
//	                        (tab10.go, tab10_js.go)
//
// # Frame layout
//
// A frame is one Float64Array that the bridge reuses from call to call (it
// is replaced only when it must grow), so a frame is valid until the next
// call and may be longer than its content. Every count and index is an
// exact integer; cells are numbered row·N+col. A grid frame has a header of
// 20 slots:
//
//	[0]  1 (grid frame)          [10] goal moves M
//	[1]  grid size N             [11] greedy path length G
//	[2]  rollouts so far         [12] batch size
//	[3]  start cell              [13] success rate, last 100 rollouts (NaN before any)
//	[4]  goal cell               [14] mean return, last 100 rollouts (NaN before any)
//	[5]  pits P                  [15] the length of this frame in slots
//	[6]  walls W                 [16] where the greedy path ends (0 loop, 1 goal, 2 pit, 3 capped)
//	[7]  trajectories K          [17] updates so far
//	[8]  total trajectory steps T
//	[9]  curve points C          [18] baseline in use (0 none, 1 mean, 2 state)
//	                             [19] mean moves per rollout, last 100 (NaN before any)
//
// then, in order: π as N·N·4 values (actions up, right, down, left); the
// baseline b(s) in use for each of the N·N cells (0 for none); P pit
// cells; W wall cells; K trajectories, oldest first, each as outcome
// (1 goal, 2 pit, 3 capped), return, its length L and L steps encoded as
// cell·4+action; C curve points as (rollouts, success rate, mean return,
// mean moves per rollout), each over the last 100 rollouts, thinned to at most 300 with the newest kept; M rollout counts at which the
// goal or the pit moved; G cells of the greedy path, from the start.
//
// A field frame has a header of 20 slots too:
//
//	[0]  2 (field frame)         [10] landscape resolution R
//	[1]  rollouts so far         [11] lowest action coordinate
//	[2]  μx   [3] μy             [12] highest action coordinate
//	[4]  σx   [5] σy             [13] batch size
//	[6]  target x                [14] mean reward, last 100 samples (NaN before any)
//	[7]  target y                [15] the length of this frame in slots
//	[8]  samples S               [16] success rate (reward > 0.5), last 100 (NaN before any)
//	[9]  curve points C          [17] target moves M
//	                             [18] width of the reward bump
//	                             [19] updates so far
//
// then S samples as (x, y, reward), oldest first; C curve points as above;
// M rollout counts at which the target moved; and the reward landscape as
// R·R values, row 0 at the highest y, column 0 at the lowest x, each taken
// at the centre of its pixel; last, one slot: the field's warning (0 none,
// 1 the learning rate is above lab.FieldLRLimit, 2 μ has left the plane),
// whose sentence fieldWarning() returns.
//
// A nudge frame (one rollout and the update it caused) has a header of 20
// slots:
//
//	[0]  3 (nudge frame)         [10] learning rate α
//	[1]  grid size N             [11] discount γ
//	[2]  steps T                 [12] baseline (0 none, 1 mean, 2 per state)
//	[3]  start cell              [13] entropy bonus β
//	[4]  goal cell               [14] the nudge's rollouts so far
//	[5]  pits P                  [15] the length of this frame in slots
//	[6]  walls W                 [16] credit (0 return-to-go G_t, 1 the whole return G_0)
//	                             [17]–[19] zero
//	[7]  outcome (1 goal, 2 pit, 3 capped)
//	[8]  return (undiscounted)
//	[9]  the cell the last move led to
//
// then π before the update as N·N·4 values, π after it as N·N·4 values, P
// pit cells, W wall cells, and T steps of 7 values each: cell s_t, action
// a_t, π(a_t|s_t) before the update, reward r_{t+1}, the step's weight
// (G_t, or G_0 with the whole-return credit), b(s_t) and the weight minus
// b(s_t).
//
// A variance frame has a header of 20 slots:
//
//	[0]  10 (variance frame)     [10] ∇J, y
//	[1]  K                       [11] θ entries D
//	[2]  estimates drawn k       [12] γ
//	[3]  batch B                 [13] baselines (3)
//	[4]  offset c                [14] the frozen policy's exact J
//	[5]  x entry  [6] y entry    [15] the length of this frame in slots
//	[7]  exact mean, x           [16] credit (0 return-to-go, 1 whole return)
//	[8]  exact mean, y           [17], [18] the start cell's up and right entries
//	[9]  ∇J, x                   [19] 1 when the uniform policy is frozen
//
// then per baseline (none, mean, state) 12 slots: baseline code, cloud mean
// x, y, bias ‖mean − exact‖, noise √(trace/k), trace of the covariance, the
// no-baseline trace over this one's, projected covariance xx, xy, yy, points
// P, 0; then each baseline's P points as (x, y).
//
// A critic frame: [0] 11, [1] N, [2] rollouts, [3] start, [4] goal, [5]
// pits P, [6] walls W, [7] curve points C, [8] success rate and [9] mean
// return of the last 100 (NaN before any), [10] max |V − V^π| over live
// cells, [11] α, [12] α_V, [13] γ, [14] λ, [15] length, [16] batch; then π
// as N·N·4 values, the learned V and the exact V^π as N·N each, P pit and W
// wall cells, C curve points as (rollouts, success rate, mean return).
//
// A compare frame: [0] 12, [1] blocks done by every run, [2] blocks per
// run, [3] seeds, [4] rollouts per run, [5] rollouts per block, [6]
// learners L (REINFORCE, REINFORCE with the per-state baseline,
// actor-critic), [15] length; then per learner, per block done, (rollouts
// at its end, mean success rate over the seeds, the 95 % band's low and
// high); then per learner the mean over seeds of the success rate of the
// last 100 rollouts.
//
// A clip frame: [0] 13, [1] ε, [2] K, [3] α, [4] B, [5] samples, [6]
// batches collected, [7] rollouts of the batch that reached the goal, [8]
// L(r) points R, [9] the plain run's lowest J, [10] the clipped run's, [11]
// the mean advantage of the start cell's samples, [12] 1 for the uniform
// policy, [13] cells the batch's samples are in, [14] those of them whose
// samples took more than one move, [15] length; then R points (r, L for Â = +1, L for Â = −1); then
// for the plain and then the clipped run, epochs 0…K of 8 slots: π at the
// start (4), exact J, smallest and largest ratio, clipped share.
package main
