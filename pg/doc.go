// Package pg holds tabular REINFORCE, the learning rule of the seed:
// roll out the policy, then push up the log-probability of the actions
// taken by an amount proportional to the return that followed them.
//
// GridTrainer trains a policy.Softmax on an env.GridWorld, and
// FieldTrainer a policy.Gaussian on an env.Field. Both run batches of
// rollouts and update after every Config.Batch of them. The neural
// algorithms (A2C, PPO) live in pg/deep.
//
// # The update, precisely
//
// This paragraph is the specification that the reference implementation
// in bench/ follows; the unit tests check the code against it.
//
// A rollout starts at the start state and samples a_t ~ π(·|s_t) until it
// enters the goal or a pit or has made the step cap's number of moves
// (env.GridWorld.MaxSteps). Sampling draws u = r.Float64() and takes the
// first action a with u < π(0|s)+…+π(a|s) (sums accumulated left to right,
// action 3 when u is above all of them). r_{t+1} is the reward of the move
// a_t. The returns-to-go are G_t = r_{t+1} + γ·G_{t+1}, G_T = 0, computed
// backwards. The return a rollout reports (Episode.Return) is the
// undiscounted sum of its rewards.
//
// Each step t gets a weight W_t, chosen by Config.Credit: the
// return-to-go W_t = G_t for CreditToGo (the default), or the same
// number W_t = G_0 = r_1 + γ·r_2 + … for every step of the rollout for
// CreditReturn (the seed's one-liner, where a move is also credited with
// the rewards that came before it). Below, G_t stands for W_t.
//
// For a batch of B rollouts drawn with the same θ the update is
//
//	θ ← θ + α · (1/B) · Σ_rollouts Σ_t [ ∇θ log π(a_t|s_t) · (G_t − b(s_t)) + β · ∇θ H(π(·|s_t)) ]
//
// with π(·|s) = e/Σe where e_j = exp(θ[s][j] − max θ[s]) (the sum taken
// left to right), ∂ log π(a|s)/∂θ[s][j] = 1{j=a} − π(j|s) and
// ∂H(π(·|s))/∂θ[s][j] = −π(j|s)·(log π(j|s) + H(π(·|s))); α is Config.LR,
// β is Config.Entropy. For each step, the per-state sum is accumulated as
// g[s][j] += (G_t−b(s_t))·(1{j=a_t} − π(j|s_t)) + β·∂H/∂θ[s][j], rollout by
// rollout, t ascending; then θ[s][j] += (α/B)·g[s][j]. B is Config.Batch,
// except when SetConfig lowers the batch below the rollouts already
// gathered: those are applied at once, with B their number. A rollout's
// terms are added when it ends, with the γ, baseline and β in effect then;
// α is the one in effect at the update. The browser's
// defaults (lab.DefaultSettings) are α = 0.5, γ = 0.9, B = 4,
// BaselineState, β = 0 and CreditToGo.
//
// The baseline b is 0 for BaselineNone. For BaselineMean it is one number,
// for BaselineState one number per state; both are exponential running
// means of the weights G_t (W_t above) with rate κ = BaselineRate, start at 0,
// and are held fixed during a batch. After the batch's update, they move
// through the batch's steps, rollout by rollout, t ascending:
// m ← m + κ·(G_t − m) and b[s_t] ← b[s_t] + κ·(G_t − b[s_t]). Both are
// always tracked, so switching the baseline kind in the middle of a run
// uses the means gathered so far.
//
// The field is the same rule with one step per rollout: G = R = the reward
// of the sampled point a, b = the running mean (for both BaselineMean and
// BaselineState; there is only one state), parameters μ₀, μ₁, log σ₀,
// log σ₁ with ∇ log π from policy.Gaussian.GradLogProb and ∇H = (0,0,1,1).
// After each update log σ is clamped to [MinLogSigma, MaxLogSigma], so
// exploration never collapses to a point nor blows up.
//
// Exponentials and logarithms come from internal/fmath, and products in
// sums are rounded on their own (explicit float64 conversions), so a run
// gives the same bits in the browser (wasm) and in the terminal.
package pg
