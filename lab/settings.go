// Package lab holds the interactive sessions of pgrad: a gridworld or a
// field, a policy, REINFORCE settings, a seeded source of randomness and
// the history of the run. The browser (through web/wasm), the CLI and the
// tests drive the same sessions; a session is defined by its
// configuration, its seed and the sequence of operations applied to it, and
// the same three give the same snapshots bit for bit on every platform.
//
// A session is not safe for concurrent use; a front that trains in the
// background serialises its calls.
package lab

import "github.com/pgrad/pgrad/pg"

// Settings are the learning settings a person can change during a run.
type Settings struct {
	LR       float64 `json:"lr"`       // learning rate α, > 0 and finite
	Baseline string  `json:"baseline"` // "none", "mean" (running mean of returns) or "state" (per-state running mean)
	Entropy  float64 `json:"entropy"`  // entropy bonus β, ≥ 0
	Batch    int     `json:"batch"`    // rollouts per update, ≥ 1
	Gamma    float64 `json:"gamma"`    // discount γ, in (0, 1]
	// Credit is what each step's log-probability is weighted by: "togo"
	// (the return from that step on; also "", the default) or "return"
	// (the whole rollout's return, the same for every step). The field's
	// rollouts have one step, so there the two are the same rule.
	Credit string `json:"credit,omitempty"`
}

// CreditName returns the name of s.Credit, "togo" for "".
func (s Settings) CreditName() string {
	if s.Credit == "" {
		return "togo"
	}
	return s.Credit
}

// DefaultSettings returns the settings the browser starts with, chosen so
// that the seed's 3×3 world is learned visibly within a few hundred
// rollouts: α = 0.5, a per-state baseline, no entropy bonus, batches of 4
// rollouts, γ = 0.9 (so shorter paths to the goal are worth more) and
// return-to-go credit (Credit "", which JSON omits).
func DefaultSettings() Settings {
	return Settings{LR: 0.5, Baseline: "state", Entropy: 0, Batch: 4, Gamma: 0.9}
}

// DefaultFieldSettings returns the settings the field starts with: α =
// 0.01, the mean baseline, batches of 4 and an entropy bonus β = 0.1. A
// larger α/batch learns faster but leaves μ jittering further around the
// target (its stationary spread grows with α/batch). The bonus keeps σ
// from collapsing: at the target, the reward's pull on log σ
// balances β where σ²/w² ≈ 0.13 (σ ≈ 0.13 for the default width), and far
// from any reward σ grows by α·β per update until samples find the bump
// again, which is what lets μ follow a moved target.
func DefaultFieldSettings() Settings {
	return Settings{LR: 0.01, Baseline: "mean", Entropy: 0.1, Batch: 4, Gamma: 1}
}

// Config returns the pg settings that s stands for, or the error that
// makes it invalid.
func (s Settings) Config() (pg.Config, error) {
	b, err := pg.ParseBaseline(s.Baseline)
	if err != nil {
		return pg.Config{}, err
	}
	cr, err := pg.ParseCredit(s.Credit)
	if err != nil {
		return pg.Config{}, err
	}
	c := pg.Config{LR: s.LR, Gamma: s.Gamma, Batch: s.Batch, Baseline: b, Entropy: s.Entropy, Credit: cr}
	return c, c.Validate()
}

// Window is the number of recent rollouts the learning curve averages.
const Window = 100

// MaxCurvePoints bounds a learning curve: when it is full, every other
// point is dropped and points come half as often.
const MaxCurvePoints = 1024

// A CurvePoint is the learning curve after an update: the success rate,
// mean return and mean episode length (moves per rollout; 1 on the field)
// of the last Window rollouts (fewer at the start).
type CurvePoint struct {
	Rollouts    int     `json:"rollouts"`
	SuccessRate float64 `json:"success_rate"`
	MeanReturn  float64 `json:"mean_return"`
	MeanLength  float64 `json:"mean_length"`
}

// history keeps the sliding window and the learning curve of a session.
type history struct {
	recent ring[outcome] // the last Window rollouts
	hits   int           // successes among them

	curve   []CurvePoint
	stride  int // updates between curve points
	updates int
}

// An outcome is what the window keeps of a rollout.
type outcome struct {
	success bool
	ret     float64
	length  int
}

func newHistory() history {
	return history{recent: newRing[outcome](Window), curve: make([]CurvePoint, 0, MaxCurvePoints), stride: 1}
}

func (h *history) reset() {
	h.recent.clear()
	h.hits, h.curve, h.stride, h.updates = 0, h.curve[:0], 1, 0
}

// add records one rollout of the given length in the window.
func (h *history) add(success bool, ret float64, length int) {
	slot, evicted := h.recent.add()
	if evicted && slot.success {
		h.hits--
	}
	*slot = outcome{success, ret, length}
	if success {
		h.hits++
	}
}

// window returns the success rate and mean return of the window, summed
// oldest first so the result depends only on the window's contents.
func (h *history) window() (successRate, meanReturn float64) {
	n := h.recent.len()
	if n == 0 {
		return 0, 0
	}
	var sum float64
	for i := range n {
		sum += h.recent.at(i).ret
	}
	return float64(h.hits) / float64(n), sum / float64(n)
}

// meanLength returns the mean episode length of the window (0 when empty).
func (h *history) meanLength() float64 {
	n := h.recent.len()
	if n == 0 {
		return 0
	}
	total := 0
	for i := range n {
		total += h.recent.at(i).length
	}
	return float64(total) / float64(n)
}

// updated records an update after the given number of rollouts, adding a
// curve point every stride updates and thinning the curve when it is full.
func (h *history) updated(rollouts int) {
	h.updates++
	if h.updates%h.stride != 0 {
		return
	}
	if len(h.curve) == MaxCurvePoints {
		// Keep the points at multiples of the doubled stride: indices 1, 3, ….
		k := 0
		for i := 1; i < len(h.curve); i += 2 {
			h.curve[k] = h.curve[i]
			k++
		}
		h.curve = h.curve[:k]
		h.stride *= 2
		if h.updates%h.stride != 0 {
			return
		}
	}
	sr, mr := h.window()
	h.curve = append(h.curve, CurvePoint{Rollouts: rollouts, SuccessRate: sr, MeanReturn: mr, MeanLength: h.meanLength()})
}

// thinCurve appends to dst at most limit points of c, evenly spaced and
// ending at the newest; all of c when limit ≤ 0 or c is no longer.
func thinCurve(dst, c []CurvePoint, limit int) []CurvePoint {
	if limit <= 0 || len(c) <= limit {
		return append(dst, c...)
	}
	stride := (len(c) + limit - 1) / limit
	for i := (len(c) - 1) % stride; i < len(c); i += stride {
		dst = append(dst, c[i])
	}
	return dst
}
