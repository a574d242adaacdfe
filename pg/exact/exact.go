// Package exact computes the quantities that pg's learners estimate, for a
// tabular softmax policy on a gridworld, without sampling: the objective
// J(θ), the values V^π and Q^π, the policy gradient ∇J(θ) and the mean of
// the sampled REINFORCE estimator.
//
// # The chain, and how the step cap enters
//
// A rollout of pg.GridTrainer starts at the start state, moves until it
// enters the goal or a pit, and is cut after T = env.GridWorld.MaxSteps
// moves. The cut makes the process depend on time: what a state is worth
// depends on how many moves are left. Eval therefore works on the chain
// whose states are pairs (s, k), k = the moves left. Entering the goal or a
// pit, or reaching k = 0, absorbs. The chain's transition matrix is block
// triangular in k (every move lowers k by one), so its linear system
//
//	V_k(s) = Σ_a π(a|s) · [ r(s,a) + γ · 1{s' live} · V_{k−1}(s') ],  V_0 = 0,
//
// with s' the cell the move leads to, is solved exactly by back-substitution
// in k. Q_k(s,a) is the bracket. J(θ) = V_T(start) is the expected
// discounted return G_0 of a capped rollout, which is what a sampled
// rollout's G_0 estimates (with γ = 1, the expected Episode.Return).
//
// The occupancy d_t(s) = P(s_t = s, the rollout still running at t) for
// t = 0 … T−1 follows the chain forward from the start. The policy-gradient
// theorem for this finite horizon (Sutton et al. 2000) gives
//
//	∂J/∂θ[s][j] = Σ_t γ^t · d_t(s) · π(j|s) · (Q_{T−t}(s,j) − V_{T−t}(s)).
//
// pg's estimator weights each step by its return-to-go G_t = r_{t+1} +
// γ·G_{t+1}, not by γ^t·G_t, so with γ < 1 it does not estimate ∇J: its
// mean (EstimatorMean) is the same sum without the γ^t (Thomas 2014, "Bias
// in natural actor-critic algorithms"); weighting every step by the whole
// discounted return G_0 (pg.CreditReturn) does estimate ∇J. A baseline that is fixed during the
// batch, as pg's are, leaves the mean unchanged, since Σ_a π(a|s)·∇log
// π(a|s) = 0. With γ = 1 the two coincide. The entropy bonus β adds
// β·Σ_t d_t(s)·∂H(π(·|s))/∂θ[s][j] to the estimator's mean.
//
// Values solves the system without a cap, (I − γ P_π) V = r_π over the live
// cells, by Gaussian elimination: the value that a critic which bootstraps
// at the step cap learns (pg.ACTrainer), since the cap is then not part of
// the task.
//
// Walls are never occupied (a move into one stays put); the goal and the
// pits have value 0, as they end the rollout on entry.
package exact

import (
	"errors"
	"fmt"
	"math"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/internal/fmath"
	"github.com/pgrad/pgrad/policy"
)

// An Eval holds the exact finite-horizon quantities of one policy on one
// world with one discount. Its slices are laid out by moves left k (V, Q)
// or time t (Occupancy), each a block of NumStates entries. Compute fills
// it; the same Eval can be reused for another θ without allocating.
type Eval struct {
	States, Steps int // Steps is the step cap T
	Start         int
	Gamma         float64

	// Probs holds π(a|s) at s*4+a.
	Probs []float64
	// V holds V_k(s) at k*States+s, k = 0 … T.
	V []float64
	// Q holds Q_k(s,a) at (k*States+s)*4+a, k = 1 … T (block 0 is zero).
	Q []float64
	// Occupancy holds d_t(s) at t*States+s, t = 0 … T−1.
	Occupancy []float64
	// J is V_T(start).
	J float64

	next []int32 // next[s*4+a]
	rew  []float64
	live []bool // not terminal, not a wall
}

// New returns an Eval sized for w. It panics if gamma is not in (0, 1].
func New(w *env.GridWorld, gamma float64) *Eval {
	if !(gamma > 0 && gamma <= 1) {
		panic(fmt.Sprintf("exact: discount %v not in (0, 1]", gamma))
	}
	n, T := w.NumStates(), w.MaxSteps()
	return &Eval{
		States: n, Steps: T, Gamma: gamma,
		Probs:     make([]float64, n*env.NumActions),
		V:         make([]float64, (T+1)*n),
		Q:         make([]float64, (T+1)*n*env.NumActions),
		Occupancy: make([]float64, T*n),
		next:      make([]int32, n*env.NumActions),
		rew:       make([]float64, n*env.NumActions),
		live:      make([]bool, n),
	}
}

// Compute evaluates p on w, whose layout may have changed since New as
// long as its size and step cap have not. It panics if p or w does not fit
// the Eval.
func (e *Eval) Compute(w *env.GridWorld, p *policy.Softmax) {
	n, T := e.States, e.Steps
	if w.NumStates() != n || w.MaxSteps() != T || p.States != n || p.Actions != env.NumActions {
		panic("exact: Compute: world or policy does not match the Eval")
	}
	e.Start = w.Start()
	e.model(w)
	for s := range n {
		p.Probs(e.Probs[s*4:s*4+4], s)
	}
	const A = env.NumActions
	g := e.Gamma
	clear(e.V[:n])
	clear(e.Q[:n*A])
	for k := 1; k <= T; k++ {
		prev := e.V[(k-1)*n : k*n]
		v := e.V[k*n : (k+1)*n]
		q := e.Q[k*n*A : (k+1)*n*A]
		for s := range n {
			if !e.live[s] {
				v[s] = 0
				clear(q[s*A : s*A+A])
				continue
			}
			var sum float64
			for a := range A {
				i := s*A + a
				x := e.rew[i]
				if t := e.next[i]; e.live[t] {
					x += float64(g * prev[t])
				}
				q[i] = x
				sum += float64(e.Probs[i] * x)
			}
			v[s] = sum
		}
	}
	e.J = e.V[T*n+e.Start]
	clear(e.Occupancy)
	e.Occupancy[e.Start] = 1
	for t := 0; t+1 < T; t++ {
		d := e.Occupancy[t*n : (t+1)*n]
		nd := e.Occupancy[(t+1)*n : (t+2)*n]
		for s, m := range d {
			if m == 0 {
				continue
			}
			for a := range A {
				if nx := e.next[s*A+a]; e.live[nx] {
					nd[nx] += float64(m * e.Probs[s*A+a])
				}
			}
		}
	}
}

// model reads the world's moves and rewards.
func (e *Eval) model(w *env.GridWorld) {
	for s := range e.States {
		e.live[s] = !w.Wall(s) && w.Terminal(s) == env.Running
		for a := range env.NumActions {
			nx, r, _ := w.Move(s, env.Action(a))
			e.next[s*4+a], e.rew[s*4+a] = int32(nx), r
		}
	}
}

// Value returns V_k(s), the expected discounted return from s with k moves
// left.
func (e *Eval) Value(k, s int) float64 { return e.V[k*e.States+s] }

// Action returns Q_k(s,a).
func (e *Eval) Action(k, s, a int) float64 { return e.Q[(k*e.States+s)*4+a] }

// Grad writes ∇J(θ) into dst (len States*4, at s*4+j), by the policy-gradient
// theorem.
func (e *Eval) Grad(dst []float64) { e.sum(dst, true, 0) }

// EstimatorMean writes the expectation of pg.GridTrainer's per-rollout
// estimate Σ_t [∇log π(a_t|s_t)·(W_t − b(s_t)) + β·∇H(π(·|s_t))] into dst,
// for any baseline fixed during the batch (see the package comment). W_t is
// the return-to-go G_t (pg.CreditToGo), or with wholeReturn the rollout's
// discounted return G_0 (pg.CreditReturn), whose rewards before t average
// out and whose later ones carry γ^t: that estimator's mean is ∇J.
func (e *Eval) EstimatorMean(dst []float64, wholeReturn bool, entropy float64) {
	e.sum(dst, wholeReturn, entropy)
}

func (e *Eval) sum(dst []float64, discount bool, beta float64) {
	n, T := e.States, e.Steps
	if len(dst) != n*4 {
		panic("exact: gradient buffer has the wrong length")
	}
	clear(dst)
	var lp, gh [4]float64
	w := 1.0
	for t := range T {
		d := e.Occupancy[t*n : (t+1)*n]
		k := T - t
		for s, m := range d {
			if m == 0 {
				continue
			}
			pr := e.Probs[s*4 : s*4+4]
			v := e.V[k*n+s]
			q := e.Q[(k*n+s)*4 : (k*n+s)*4+4]
			c := w * m
			for j := range 4 {
				dst[s*4+j] += float64(c * float64(pr[j]*(q[j]-v)))
			}
			if beta != 0 {
				var h float64
				for j, p := range pr {
					lp[j] = fmath.Log(p)
					h -= float64(p * lp[j])
				}
				for j, p := range pr {
					gh[j] = -float64(p * (lp[j] + h))
					dst[s*4+j] += float64(beta * float64(m*gh[j]))
				}
			}
		}
		if discount {
			w *= e.Gamma
		}
	}
}

// ErrSingular reports that (I − γP_π) could not be inverted: with γ = 1, a
// policy whose probabilities underflowed to zero can keep a rollout from
// ever ending.
var ErrSingular = errors.New("exact: the policy never ends some rollouts (γ = 1 and a singular system)")

// Values writes V^π(s) of the task without a step cap into dst (len
// w.NumStates(); 0 for walls, the goal and pits) and, unless q is nil,
// Q^π(s,a) into q at s*4+a.
func Values(dst, q []float64, w *env.GridWorld, p *policy.Softmax, gamma float64) error {
	n := w.NumStates()
	if len(dst) != n || q != nil && len(q) != 4*n {
		panic("exact: Values: buffer has the wrong length")
	}
	if !(gamma > 0 && gamma <= 1) {
		panic(fmt.Sprintf("exact: discount %v not in (0, 1]", gamma))
	}
	idx := make([]int, n) // live state → row, or −1
	var live []int
	for s := range n {
		idx[s] = -1
		if !w.Wall(s) && w.Terminal(s) == env.Running {
			idx[s] = len(live)
			live = append(live, s)
		}
	}
	m := len(live)
	a := make([]float64, m*(m+1)) // augmented [I − γP | r]
	var pr [4]float64
	for i, s := range live {
		row := a[i*(m+1) : (i+1)*(m+1)]
		row[i] = 1
		p.Probs(pr[:], s)
		for act, pa := range pr {
			nx, r, _ := w.Move(s, env.Action(act))
			row[m] += pa * r
			if j := idx[nx]; j >= 0 {
				row[j] -= gamma * pa
			}
		}
	}
	if err := solve(a, m); err != nil {
		return err
	}
	clear(dst)
	for i, s := range live {
		dst[s] = a[i*(m+1)+m]
	}
	if q != nil {
		for s := range n {
			for act := range 4 {
				q[s*4+act] = 0
				if idx[s] < 0 {
					continue
				}
				nx, r, _ := w.Move(s, env.Action(act))
				q[s*4+act] = r + gamma*dst[nx]
			}
		}
	}
	return nil
}

// solve reduces the m×(m+1) augmented matrix a to [I | x] by Gaussian
// elimination with partial pivoting.
func solve(a []float64, m int) error {
	w := m + 1
	for c := range m {
		piv := c
		for r := c + 1; r < m; r++ {
			if math.Abs(a[r*w+c]) > math.Abs(a[piv*w+c]) {
				piv = r
			}
		}
		if math.Abs(a[piv*w+c]) < 1e-300 {
			return ErrSingular
		}
		if piv != c {
			for j := range w {
				a[c*w+j], a[piv*w+j] = a[piv*w+j], a[c*w+j]
			}
		}
		inv := 1 / a[c*w+c]
		for j := c; j < w; j++ {
			a[c*w+j] *= inv
		}
		for r := range m {
			if r == c || a[r*w+c] == 0 {
				continue
			}
			f := a[r*w+c]
			for j := c; j < w; j++ {
				a[r*w+j] -= f * a[c*w+j]
			}
		}
	}
	for _, x := range a {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ErrSingular
		}
	}
	return nil
}
