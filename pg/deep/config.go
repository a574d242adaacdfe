// Package deep trains neural policies on the control tasks with three
// policy-gradient algorithms that share one rollout-and-update loop:
//
//   - REINFORCE with a learned baseline: advantages G_t − V(s_t) from
//     Monte Carlo returns-to-go (GAE with λ = 1), one gradient step per batch.
//   - A2C: n-step rollouts from N copies, GAE(λ) advantages, one step per
//     batch.
//   - PPO with CleanRL's core details: GAE(λ), several epochs of shuffled
//     minibatches, per-minibatch advantage normalisation, the clipped
//     surrogate, value-loss clipping, an entropy bonus, global-norm
//     gradient clipping and linear learning-rate annealing, with the
//     diagnostics approx-KL, clip fraction and explained variance.
//
// Time-limit truncations are bootstrapped from V of the final observation
// unless Config.NoTruncationBootstrap is set. Progress is reported to a
// Recorder (package record has a CSV log, a progress bar and a keep-the-best
// evaluator), so the command line, tests and benchmarks watch a run without
// the loop knowing them. Options: observation and reward normalisation
// (Config.NormObs, NormReward), target-KL early stopping (TargetKL), the
// learning-rate schedule (LRSchedule).
//
// Any control.Env trains: Register gives it a name that Defaults, New, Load
// and Agent.Evaluate accept like "cartpole", or NewWithEnv and LoadWithEnv
// take its constructor. A checkpoint records the task's spaces, and one
// written by Trainer.Checkpoint also the run's state, from which Resume
// continues it bit for bit. Agent.Predict and Predictor give the policy's
// actions for observations of one's own.
package deep

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/pgrad/pgrad/internal/rules"
	"github.com/pgrad/pgrad/nn"
	"github.com/pgrad/pgrad/policy/mlp"
)

// The algorithms a Config can name.
const (
	Reinforce = "reinforce"
	A2C       = "a2c"
	PPO       = "ppo"
)

// Config holds every hyperparameter of a run. The zero value is not
// useful; start from Defaults or CleanRL.
type Config struct {
	Env  string `json:"env"`  // a registered task: "cartpole", "pendulum", "acrobot", "mountaincar" or a name given to Register
	Algo string `json:"algo"` // Reinforce, A2C or PPO
	Envs int    `json:"envs"` // parallel copies of the task

	// Steps is the rollout length per copy: each iteration collects
	// Envs×Steps environment steps and then updates (A2C's n; the CLI's
	// -rollout). It is not the run's budget, which is TotalSteps.
	Steps int `json:"steps"`

	// TotalSteps is the run's budget of environment steps over all copies
	// (the CLI's -steps). A run takes whole rollouts:
	// TotalSteps/(Envs×Steps) iterations, rounded down, so it ends after
	// Trainer.Budget() ≤ TotalSteps steps; Validate rejects a budget
	// below one rollout.
	TotalSteps int `json:"total_steps"`

	Gamma float64 `json:"gamma"`
	// Lambda is GAE's λ. REINFORCE's advantages are whole returns-to-go,
	// λ = 1, and Validate rejects any other value with it.
	Lambda float64 `json:"lambda"`

	LR      float64 `json:"lr"`
	Anneal  bool    `json:"anneal"` // linear decay of LR to 0 over the run (LRSchedule "linear")
	AdamEps float64 `json:"adam_eps"`

	// LRSchedule is the learning rate's course over the run: "constant",
	// "linear" (to 0 at the end, CleanRL's anneal) or "cosine"
	// (LR·½(1 + cos(π·i/I)) at iteration i of I). Empty means "linear"
	// with Anneal, else "constant"; Anneal with another schedule is an
	// error.
	LRSchedule string `json:"lr_schedule,omitempty"`

	// TargetKL, when positive, ends an update's epochs early once the
	// approximate KL divergence of the epoch's last minibatch exceeds it
	// (CleanRL's target_kl).
	TargetKL float64 `json:"target_kl,omitempty"`

	// NormObs normalises observations by their running mean and variance
	// (as SB3's VecNormalize and CleanRL's NormalizeObservation do):
	// updated with every observation of training, clipped to ±10, saved
	// in the checkpoint (Agent.ObsNorm) and frozen when the agent
	// evaluates or predicts.
	NormObs bool `json:"norm_obs,omitempty"`

	// NormReward divides rewards by the running standard deviation of
	// each copy's discounted return (VecNormalize's rule, clipped to
	// ±10), after RewardScale, whose effect it then cancels: set one or
	// the other.
	NormReward bool `json:"norm_reward,omitempty"`

	Epochs      int     `json:"epochs"`
	Minibatches int     `json:"minibatches"`
	Clip        float64 `json:"clip"`       // PPO's ε for the surrogate
	ClipValue   bool    `json:"clip_value"` // clip value updates to ±Clip around the rollout's values
	NormAdv     bool    `json:"norm_adv"`   // normalise advantages per minibatch
	EntCoef     float64 `json:"ent_coef"`
	VFCoef      float64 `json:"vf_coef"`
	MaxGradNorm float64 `json:"max_grad_norm"` // 0 disables clipping

	Hidden     Layers  `json:"hidden"`     // widths of the hidden layers of both networks
	Activation string  `json:"activation"` // "tanh" or "relu"
	LogStd0    float64 `json:"log_std0"`   // initial log σ of a Gaussian policy

	// StateStd makes a Gaussian policy's log σ an output of its network
	// (a function of the state) instead of free parameters shared by every
	// state (mlp.GaussianOptions.StateStd).
	StateStd bool `json:"state_std,omitempty"`
	// Squash passes a Gaussian policy's samples through tanh and rescales
	// them to the task's bounds, with the log-probability's correction,
	// instead of clipping them (mlp.GaussianOptions.Squash).
	Squash bool `json:"squash,omitempty"`

	// RewardScale multiplies every reward before learning (the returns
	// reported are unscaled). Pendulum's rewards reach −16 per step; a
	// fixed scale keeps value targets near unit size.
	RewardScale float64 `json:"reward_scale"`

	// NoTruncationBootstrap treats a time-limit truncation like a
	// termination, as most implementations (CleanRL among them) do.
	NoTruncationBootstrap bool `json:"no_truncation_bootstrap"`
}

// Defaults returns pgrad's tuned configuration of algo on env. Each solves
// its task on the seeds it was tuned on (a 100-episode deterministic
// evaluation of at least 475 on CartPole-v1, above −250 on Pendulum-v1):
// PPO on both, A2C and REINFORCE with a baseline on both with larger
// budgets. On Pendulum the discount is 0.9 and rewards are scaled by 0.1,
// which keeps the value targets near unit size, and the entropy
// coefficient is 0, as in CleanRL's continuous-action PPO.
//
// On Acrobot-v1 PPO's defaults reach an evaluation near −85 (random: about
// −500) in 200k steps, and A2C's and REINFORCE's near −85 in 500k. On
// MountainCarContinuous-v0 PPO's solved it (at least 90) on the 20 seeds
// tried, with no promise for others; A2C's (4M steps) solved 4 of 5
// seeds and REINFORCE's (5M) 3 of 4, the others settling on a constant
// push (−99.9).
func Defaults(env, algo string) (Config, error) {
	c := Config{
		Env: env, Algo: algo, Gamma: 0.99, Lambda: 0.95, LR: 2.5e-4, Anneal: true, AdamEps: 1e-5,
		Epochs: 4, Minibatches: 4, Clip: 0.2, ClipValue: true, NormAdv: true,
		EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5, Hidden: MustLayers(64, 64), Activation: "tanh",
		RewardScale: 1, Envs: 4, Steps: 128, TotalSteps: 500_000,
	}
	if _, err := MakeEnv(env); err != nil {
		return c, err
	}
	switch algo {
	case PPO:
	case A2C, Reinforce:
		// One gradient step on each whole rollout, without PPO's clipping
		// of value updates; REINFORCE's advantages are the full returns.
		c.Epochs, c.Minibatches, c.ClipValue = 1, 1, false
		if algo == Reinforce {
			c.Lambda, c.NormAdv, c.EntCoef = 1, true, 0
		}
	default:
		return c, unknownAlgo(algo)
	}
	switch env {
	case "cartpole":
		switch algo {
		case PPO:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 4, 128, 5e-4, 300_000
		case A2C:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 8, 5, 7e-4, 500_000
		case Reinforce:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 4, 500, 3e-3, 500_000
			// Returns-to-go reach 100; scaled to about 1, the baseline
			// can follow them with one Adam step per batch (its explained
			// variance is near 0 without), and the normalised advantages
			// make the policy's step independent of the scale.
			c.MaxGradNorm, c.RewardScale = 0, 0.01
		}
	case "pendulum":
		c.Gamma, c.LogStd0, c.RewardScale, c.EntCoef = 0.9, 0, 0.1, 0
		switch algo {
		case PPO:
			c.Envs, c.Steps, c.LR, c.Epochs, c.Minibatches, c.TotalSteps = 8, 256, 1e-3, 10, 32, 200_000
		case A2C:
			c.Envs, c.Steps, c.LR, c.NormAdv, c.TotalSteps = 8, 16, 1e-3, false, 2_000_000
		case Reinforce:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 4, 200, 3e-3, 2_000_000
		}
	case "acrobot":
		// Every step costs −1 until the tip is up: returns reach −500.
		// Scaled by 0.1 the value targets stay near unit size (REINFORCE's
		// undiscounted returns-to-go by 0.01).
		c.RewardScale = 0.1
		switch algo {
		case PPO:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 8, 256, 5e-4, 200_000
		case A2C:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 8, 5, 7e-4, 500_000
		case Reinforce:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 4, 500, 3e-3, 500_000
			c.MaxGradNorm, c.RewardScale = 0, 0.01
		}
	case "mountaincar":
		// The goal's +100 is found only by exploring, and a cautious
		// policy learns to do nothing (return 0, the common failure of
		// PPO here): an initial σ of e ≈ 2.7 (actions are clipped to
		// [−1, 1], so the action cost stays at most 0.1 a step) and no
		// entropy bonus, so that σ shrinks once the goal is reached; γ
		// 0.999 keeps the +100 visible from the valley, hundreds of steps
		// before. PPO's were tuned on 20 seeds; A2C and REINFORCE reuse
		// them with Pendulum's other settings, normalised advantages and
		// larger budgets, tried on a few seeds only.
		c.Gamma, c.LogStd0, c.EntCoef, c.RewardScale = 0.999, 1, 0, 0.1
		switch algo {
		case PPO:
			c.Envs, c.Steps, c.TotalSteps = 4, 128, 2_000_000
		case A2C:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 8, 16, 1e-3, 4_000_000
		case Reinforce:
			c.Envs, c.Steps, c.LR, c.TotalSteps = 4, 999, 3e-3, 5_000_000
		}
	}
	return c, nil
}

// CleanRL returns CleanRL's ppo.py defaults for CartPole-v1 exactly: 4
// envs × 128 steps, 4 minibatches, 4 epochs, lr 2.5e-4 annealed, γ 0.99,
// λ 0.95, clip 0.2, entropy 0.01, value 0.5, max-grad-norm 0.5, value
// clipping, separate 64-64 tanh networks, Adam ε 1e-5, 500,000 steps, and
// truncations treated as terminations as CleanRL does.
func CleanRL() Config {
	return Config{
		Env: "cartpole", Algo: PPO, Envs: 4, Steps: 128, TotalSteps: 500_000,
		Gamma: 0.99, Lambda: 0.95, LR: 2.5e-4, Anneal: true, AdamEps: 1e-5,
		Epochs: 4, Minibatches: 4, Clip: 0.2, ClipValue: true, NormAdv: true,
		EntCoef: 0.01, VFCoef: 0.5, MaxGradNorm: 0.5,
		Hidden: MustLayers(64, 64), Activation: "tanh", RewardScale: 1,
		NoTruncationBootstrap: true,
	}
}

// gaussianOptions returns the policy options c selects.
func (c Config) gaussianOptions() mlp.GaussianOptions {
	return mlp.GaussianOptions{StateStd: c.StateStd, Squash: c.Squash}
}

func (c Config) activation() (nn.Activation, error) {
	switch c.Activation {
	case "tanh", "":
		return nn.Tanh, nil
	case "relu":
		return nn.ReLU, nil
	}
	return 0, &ConfigError{Field: "Activation", Value: strconv.Quote(c.Activation), Err: ErrUnknownValue, Rule: "want tanh or relu"}
}

func unknownAlgo(algo string) error {
	return &ConfigError{Field: "Algo", Value: strconv.Quote(algo), Err: ErrUnknownValue, Rule: "want reinforce, a2c or ppo"}
}

// Validate returns an error for the first hyperparameter out of range: an
// *EnvError when Env is not registered (see Register), else a
// *ConfigError naming the field. The memory estimate uses the registered
// task's observation and action sizes.
func (c Config) Validate() error {
	mk, err := MakeEnv(c.Env)
	if err != nil {
		return err
	}
	sp, err := spaceOfConstructor(c.Env, mk)
	if err != nil {
		return err
	}
	return c.validate(sp)
}

// validate is Validate for a task with spaces sp, registered or not.
func (c Config) validate(sp Space) error {
	switch c.Algo {
	case Reinforce, A2C, PPO:
	default:
		return unknownAlgo(c.Algo)
	}
	if _, err := c.activation(); err != nil {
		return err
	}
	if (c.StateStd || c.Squash) && sp.Discrete {
		field := "StateStd"
		if !c.StateStd {
			field = "Squash"
		}
		return &ConfigError{Field: field, Value: "true", Err: ErrRange,
			Rule: fmt.Sprintf("applies to a Gaussian policy, and %s has discrete actions", c.Env)}
	}
	ints := []struct {
		field string
		v     int
	}{{"Envs", c.Envs}, {"Steps", c.Steps}, {"TotalSteps", c.TotalSteps}, {"Epochs", c.Epochs}, {"Minibatches", c.Minibatches}}
	for _, p := range ints {
		if p.v <= 0 {
			return &ConfigError{Field: p.field, Value: strconv.Itoa(p.v), Err: ErrRange, Rule: "must be positive"}
		}
	}
	// The upper limits come first so that no product below overflows.
	limits := []struct {
		field  string
		v, max int
	}{{"Envs", c.Envs, maxEnvs}, {"Steps", c.Steps, maxBatch}, {"TotalSteps", c.TotalSteps, maxTotalSteps},
		{"Epochs", c.Epochs, maxEpochs}}
	for _, p := range limits {
		if p.v > p.max {
			return &ConfigError{Field: p.field, Value: strconv.Itoa(p.v), Err: ErrRange, Rule: fmt.Sprintf("too large (at most %d)", p.max)}
		}
	}
	if c.Envs*c.Steps > maxBatch {
		return &ConfigError{Field: "Envs", Value: strconv.Itoa(c.Envs), Other: "Steps", OtherValue: strconv.Itoa(c.Steps), Err: ErrRange,
			Rule: fmt.Sprintf("a rollout too large (at most %d steps)", maxBatch)}
	}
	if c.TotalSteps < c.Envs*c.Steps {
		return &ConfigError{Field: "TotalSteps", Value: strconv.Itoa(c.TotalSteps), Err: ErrRange,
			Rule: fmt.Sprintf("fewer than one rollout of %d envs × %d steps", c.Envs, c.Steps)}
	}
	if c.Minibatches > c.Envs*c.Steps {
		return &ConfigError{Field: "Minibatches", Value: strconv.Itoa(c.Minibatches), Err: ErrRange,
			Rule: fmt.Sprintf("more than the batch of %d", c.Envs*c.Steps)}
	}
	for _, h := range c.Hidden.Widths() {
		if h <= 0 {
			return &ConfigError{Field: "Hidden", Value: c.Hidden.String(), Err: ErrRange, Rule: "widths must be positive"}
		}
		if h > maxHidden {
			return &ConfigError{Field: "Hidden", Value: strconv.Itoa(h), Err: ErrRange, Rule: fmt.Sprintf("too large (at most %d)", maxHidden)}
		}
	}
	if b := c.memory(sp); b > maxMemory {
		return &ConfigError{Field: "Hidden", Value: c.Hidden.String(), Err: ErrRange,
			Rule: fmt.Sprintf("with rollouts of %d steps would need about %.1f GB (at most %d GB)", c.Envs*c.Steps, float64(b)/1e9, maxMemory>>30)}
	}
	// One rule for every trainer, tabular and neural, in the same words.
	if !rules.ValidLR(c.LR) {
		return &ConfigError{Field: "LR", Value: strconv.FormatFloat(c.LR, 'g', -1, 64), Err: ErrRange, Rule: rules.LRRule}
	}
	floats := []struct {
		field    string
		v        float64
		lo, hi   float64
		openLow  bool
		openHigh bool
	}{
		{"Gamma", c.Gamma, 0, 1, true, false},
		{"Lambda", c.Lambda, 0, 1, false, false},
		{"AdamEps", c.AdamEps, 0, math.Inf(1), true, true},
		{"Clip", c.Clip, 0, math.Inf(1), true, true},
		{"EntCoef", c.EntCoef, 0, math.Inf(1), false, true},
		{"VFCoef", c.VFCoef, 0, math.Inf(1), true, true},
		{"MaxGradNorm", c.MaxGradNorm, 0, math.Inf(1), false, true},
		{"LogStd0", c.LogStd0, -20, 5, false, false},
		{"RewardScale", c.RewardScale, 0, math.Inf(1), true, true},
	}
	for _, p := range floats {
		bad := math.IsNaN(p.v) || math.IsInf(p.v, 0) || p.v < p.lo || p.v > p.hi ||
			(p.openLow && p.v == p.lo) || (p.openHigh && p.v == p.hi)
		if bad {
			lb, rb := "[", "]"
			if p.openLow {
				lb = "("
			}
			if p.openHigh {
				rb = ")"
			}
			return &ConfigError{Field: p.field, Value: strconv.FormatFloat(p.v, 'g', -1, 64), Err: ErrRange,
				Rule: fmt.Sprintf("must be a number in %s%g, %g%s", lb, p.lo, p.hi, rb)}
		}
	}
	switch c.LRSchedule {
	case "", "linear", "constant", "cosine":
	default:
		return &ConfigError{Field: "LRSchedule", Value: strconv.Quote(c.LRSchedule), Err: ErrUnknownValue, Rule: "want constant, linear or cosine"}
	}
	if c.Anneal && c.LRSchedule != "" && c.LRSchedule != "linear" {
		return &ConfigError{Field: "LRSchedule", Value: strconv.Quote(c.LRSchedule), Err: ErrRange,
			Rule: "conflicts with Anneal, which is the linear schedule"}
	}
	if math.IsNaN(c.TargetKL) || math.IsInf(c.TargetKL, 0) || c.TargetKL < 0 {
		return &ConfigError{Field: "TargetKL", Value: strconv.FormatFloat(c.TargetKL, 'g', -1, 64), Err: ErrRange,
			Rule: "must be a number in [0, ∞) (0: off)"}
	}
	if c.Algo == Reinforce && c.Lambda != 1 {
		return &ConfigError{Field: "Lambda", Value: strconv.FormatFloat(c.Lambda, 'g', -1, 64), Err: ErrRange,
			Rule: "must be 1 with REINFORCE, whose advantages are whole returns-to-go (use a2c for GAE(λ))"}
	}
	return nil
}

// Limits of Validate: far beyond what these tasks need, and small enough
// that a typo in a flag cannot exhaust the machine's memory.
const (
	maxEnvs       = 1024
	maxBatch      = 1 << 16 // envs × steps
	maxTotalSteps = 1_000_000_000
	maxEpochs     = 1000
	maxHidden     = 4096
	maxLayers     = 8
	maxMemory     = 4 << 30 // bytes, as estimated by Config.memory
)

// memory estimates the bytes a trainer for c on a task with spaces sp
// allocates, generously: each network's parameters in a dozen copies
// (parameters, gradients, Adam's moments, the last good copy, the
// workspaces' transposes) and, for up to three batches of a whole rollout,
// every layer's activations and deltas, the observations and actions.
func (c Config) memory(sp Space) int {
	out := max(sp.ActDim, 1)
	sizes := append(append([]int{sp.ObsDim}, c.Hidden.Widths()...), out)
	params, sum, widest := 0, 0, 0
	for l, s := range sizes {
		sum += s
		widest = max(widest, s)
		if l > 0 {
			params += sizes[l-1]*s + s
		}
	}
	rows := c.Envs * c.Steps
	return 8 * (2*12*params + 3*rows*(sum+2*widest+32) + 3*rows*(sp.ObsDim+sp.ActDim))
}

// ErrStop is returned by a Recorder to end training early without error.
var ErrStop = errors.New("deep: stop requested")

// ErrDiverged is what a divergence matches: Iterate and Train return a
// *DivergedError, for which errors.Is(err, ErrDiverged) is true.
var ErrDiverged = errors.New("deep: training diverged (NaN or Inf in a loss or a parameter)")

// DivergedError is returned when a loss or a parameter becomes NaN or
// infinite; the trainer's parameters are then those before the bad update.
type DivergedError struct {
	Iteration int // the 1-based iteration whose update diverged
}

// Error returns the text of ErrDiverged.
func (e *DivergedError) Error() string { return ErrDiverged.Error() }

// Is reports whether target is ErrDiverged.
func (e *DivergedError) Is(target error) bool { return target == ErrDiverged }
