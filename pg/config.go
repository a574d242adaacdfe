package pg

import (
	"errors"
	"fmt"
	"math"

	"github.com/pgrad/pgrad/internal/rules"
)

// A Baseline selects what is subtracted from the return-to-go.
type Baseline int

// The baselines.
const (
	BaselineNone  Baseline = iota // b = 0
	BaselineMean                  // b = running mean of all returns-to-go
	BaselineState                 // b(s) = running mean of the returns-to-go from s
)

// BaselineRate is the rate κ of the exponential running means behind
// BaselineMean and BaselineState.
const BaselineRate = 0.1

var baselineNames = [...]string{"none", "mean", "state"}

// String returns "none", "mean" or "state".
func (b Baseline) String() string {
	if b < 0 || int(b) >= len(baselineNames) {
		return fmt.Sprintf("Baseline(%d)", int(b))
	}
	return baselineNames[b]
}

// ParseBaseline returns the baseline called name ("none", "mean", "state").
func ParseBaseline(name string) (Baseline, error) {
	for i, n := range baselineNames {
		if n == name {
			return Baseline(i), nil
		}
	}
	return 0, &SettingError{Name: "baseline", Msg: fmt.Sprintf("unknown baseline %q (want none, mean or state)", name)}
}

// A Credit selects the weight each step's log-probability gradient gets.
type Credit int

// The credit assignments.
const (
	// CreditToGo weights step t by its discounted return-to-go
	// G_t = r_{t+1} + γ·G_{t+1}: a move is credited only with what came
	// after it. It is the zero value and the default.
	CreditToGo Credit = iota
	// CreditReturn weights every step of a rollout by the same number, the
	// rollout's discounted return R = G_0 = r_1 + γ·r_2 + γ²·r_3 + …: the
	// seed's one-line rule ∇J = 𝔼[∇ log π(a|s) · R].
	CreditReturn
)

var creditNames = [...]string{"togo", "return"}

// String returns "togo" or "return".
func (c Credit) String() string {
	if c < 0 || int(c) >= len(creditNames) {
		return fmt.Sprintf("Credit(%d)", int(c))
	}
	return creditNames[c]
}

// ParseCredit returns the credit assignment called name: "togo" (also
// "", the default) or "return".
func ParseCredit(name string) (Credit, error) {
	if name == "" {
		return CreditToGo, nil
	}
	for i, n := range creditNames {
		if n == name {
			return Credit(i), nil
		}
	}
	return 0, &SettingError{Name: "credit", Msg: fmt.Sprintf("unknown credit %q (want togo or return)", name)}
}

// MarshalText encodes the baseline by its name.
func (b Baseline) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText decodes a baseline name.
func (b *Baseline) UnmarshalText(text []byte) error {
	v, err := ParseBaseline(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// Config holds the settings of REINFORCE.
type Config struct {
	LR       float64  // learning rate α, > 0 and finite
	Gamma    float64  // discount γ, in (0, 1]
	Batch    int      // rollouts per update, 1..MaxBatch
	Baseline Baseline // what is subtracted from G_t
	Entropy  float64  // entropy bonus β, ≥ 0 and finite
	// Offset c is added to every return-to-go before the baseline is
	// subtracted (and to what the baselines track). It leaves the
	// estimator's mean unchanged, since Σ_a π(a|s)·∇log π(a|s) = 0, and
	// shows what a baseline is for; it is 0 in training.
	Offset float64
	Credit Credit // the weight of each step: return-to-go (default) or the whole return
}

// MaxBatch is the largest batch a Config may ask for.
const MaxBatch = 1 << 20

// ErrSetting is the kind of every SettingError, for errors.Is.
var ErrSetting = errors.New("invalid setting")

// A SettingError reports a setting out of range.
type SettingError struct {
	Name string // "lr", "gamma", "batch", "baseline", "entropy", "offset" or "credit"
	Msg  string
}

// Error returns the message, prefixed with "pg: ".
func (e *SettingError) Error() string { return "pg: " + e.Msg }

// Unwrap returns ErrSetting.
func (e *SettingError) Unwrap() error { return ErrSetting }

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// Validate reports the first setting out of range.
func (c Config) Validate() error {
	switch {
	case !rules.ValidLR(c.LR):
		return &SettingError{"lr", fmt.Sprintf("learning rate %v %s", c.LR, rules.LRRule)}
	case bad(c.Gamma) || c.Gamma <= 0 || c.Gamma > 1:
		return &SettingError{"gamma", fmt.Sprintf("discount %v must be in (0, 1]", c.Gamma)}
	case c.Batch < 1 || c.Batch > MaxBatch:
		return &SettingError{"batch", fmt.Sprintf("batch %d must be between 1 and %d", c.Batch, MaxBatch)}
	case c.Baseline < BaselineNone || c.Baseline > BaselineState:
		return &SettingError{"baseline", fmt.Sprintf("unknown baseline %d", int(c.Baseline))}
	case bad(c.Entropy) || c.Entropy < 0 || c.Entropy > 1e6:
		return &SettingError{"entropy", fmt.Sprintf("entropy bonus %v must be zero or positive and finite", c.Entropy)}
	case bad(c.Offset) || math.Abs(c.Offset) > 1e6:
		return &SettingError{"offset", fmt.Sprintf("return offset %v must be finite and at most 10⁶ in size", c.Offset)}
	case c.Credit < CreditToGo || c.Credit > CreditReturn:
		return &SettingError{"credit", fmt.Sprintf("unknown credit %d", int(c.Credit))}
	}
	return nil
}

// ReturnsToGo writes G_t = rewards[t] + γ·G_{t+1} (G past the end is 0)
// into dst, which may be rewards itself. It panics if the lengths differ.
func ReturnsToGo(dst, rewards []float64, gamma float64) {
	if len(dst) != len(rewards) {
		panic("pg: ReturnsToGo: length mismatch")
	}
	var g float64
	for t := len(rewards) - 1; t >= 0; t-- {
		g = rewards[t] + float64(gamma*g)
		dst[t] = g
	}
}

// Stats summarises the run after an update, for a Recorder.
type Stats struct {
	Rollouts    int     // rollouts so far
	Updates     int     // updates so far
	SuccessRate float64 // fraction of the batch's rollouts that reached the goal (field: reward > 0.5)
	MeanReturn  float64 // mean return of the batch
}

// A Recorder watches a training run: Train calls Record after every
// update. A non-nil error stops the run and is returned by Train.
type Recorder interface {
	Record(Stats) error
}

// RecorderFunc adapts a function to the Recorder interface.
type RecorderFunc func(Stats) error

// Record calls f(s).
func (f RecorderFunc) Record(s Stats) error { return f(s) }
