package control

import (
	"math"
	"math/rand/v2"
)

// Pendulum constants of Gymnasium's Pendulum-v1.
const (
	pdMaxSpeed  = 8.0
	pdMaxTorque = 2.0
	pdDt        = 0.05
	pdG         = 10.0
	pdM         = 1.0
	pdL         = 1.0

	// PendulumMaxSteps is Pendulum-v1's time limit.
	PendulumMaxSteps = 200
)

// Pendulum is Gymnasium's Pendulum-v1: swing a pendulum up with a torque in
// [−2, 2] (clipped inside Step) and hold it. The observation is cos θ,
// sin θ, θ̇ with θ = 0 upright; the reward is
// −(norm(θ)² + 0.1 θ̇² + 0.001 u²) with norm(θ) in [−π, π). It never
// terminates and is truncated after 200 steps.
type Pendulum struct {
	// Theta and ThetaDot are the state; θ is not wrapped, as in Gymnasium.
	Theta, ThetaDot float64
	// Steps counts the steps of the current episode.
	Steps int
	// MaxSteps is the time limit (PendulumMaxSteps by default; 0 disables it).
	MaxSteps int
	// G is gravity (10 by default, as in Gymnasium).
	G float64
}

// NewPendulum returns a Pendulum-v1 task; call Reset before Step.
func NewPendulum() *Pendulum { return &Pendulum{MaxSteps: PendulumMaxSteps, G: pdG} }

// ObsDim returns 3.
func (p *Pendulum) ObsDim() int { return 3 }

// ActDim returns 1, the torque's dimension.
func (p *Pendulum) ActDim() int { return 1 }

// Discrete returns false.
func (p *Pendulum) Discrete() bool { return false }

var pdLow, pdHigh = []float64{-pdMaxTorque}, []float64{pdMaxTorque}

// ActionBounds returns [−2], [2]. The slices are shared: do not modify them.
func (p *Pendulum) ActionBounds() (low, high []float64) { return pdLow, pdHigh }

// Reset draws θ uniformly from [−π, π) and θ̇ from [−1, 1).
func (p *Pendulum) Reset(r *rand.Rand, obs []float64) {
	p.Theta = -math.Pi + 2*math.Pi*r.Float64()
	p.ThetaDot = -1 + 2*r.Float64()
	p.Steps = 0
	p.observe(obs)
}

func (p *Pendulum) observe(obs []float64) {
	obs[0], obs[1], obs[2] = math.Cos(p.Theta), math.Sin(p.Theta), p.ThetaDot
}

// Step applies the torque action[0], clipped to [−2, 2]. A NaN torque is
// treated as 0, so a diverged policy cannot poison the state; callers that
// want an error check the action themselves.
func (p *Pendulum) Step(action []float64, obs []float64) (reward float64, terminated, truncated bool) {
	u := action[0]
	switch {
	case u != u:
		u = 0
	case u > pdMaxTorque:
		u = pdMaxTorque
	case u < -pdMaxTorque:
		u = -pdMaxTorque
	}
	th, thDot := p.Theta, p.ThetaDot
	a := AngleNormalize(th)
	cost := a*a + 0.1*thDot*thDot + 0.001*(u*u)
	newThDot := thDot + (3*p.G/(2*pdL)*math.Sin(th)+3.0/(pdM*pdL*pdL)*u)*pdDt
	newThDot = min(max(newThDot, -pdMaxSpeed), pdMaxSpeed)
	p.Theta = th + newThDot*pdDt
	p.ThetaDot = newThDot
	p.Steps++
	p.observe(obs)
	return -cost, false, p.MaxSteps > 0 && p.Steps >= p.MaxSteps
}

// AngleNormalize maps x to [−π, π) as ((x+π) mod 2π) − π with a floored
// modulo (Python's %), which differs from math.Mod for negative arguments.
func AngleNormalize(x float64) float64 {
	m := x + math.Pi
	if m >= 0 && m < 2*math.Pi {
		// Already in range, where the modulo is the identity; math.Mod is
		// a slow loop, and a pendulum's angle is usually here.
		return m - math.Pi
	}
	m = math.Mod(m, 2*math.Pi)
	if m < 0 {
		m += 2 * math.Pi
	}
	return m - math.Pi
}
