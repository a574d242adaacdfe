package control

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CartPole constants of Gymnasium's CartPole-v1.
const (
	cpGravity   = 9.8
	cpMassCart  = 1.0
	cpMassPole  = 0.1
	cpTotalMass = cpMassPole + cpMassCart
	cpLength    = 0.5 // half the pole's length
	cpPoleML    = cpMassPole * cpLength
	cpForceMag  = 10.0
	cpTau       = 0.02
	cpXLimit    = 2.4

	// CartPoleMaxSteps is CartPole-v1's time limit.
	CartPoleMaxSteps = 500
)

// cpThetaLimit is 12° in radians, computed as Gymnasium does.
var cpThetaLimit = 12 * 2 * math.Pi / 360

// CartPole is Gymnasium's CartPole-v1: push a cart left (action 0) or right
// (action 1) to keep a pole upright. The observation is cart position, cart
// velocity, pole angle and pole angular velocity. Every step, including the
// one that ends the episode, gives reward 1. The episode terminates when
// |x| > 2.4 or |θ| > 12° and is truncated after 500 steps. Kinematics use
// Gymnasium's default explicit Euler step.
type CartPole struct {
	// State is x, ẋ, θ, θ̇. Tests and tools may set it directly.
	State [4]float64
	// Steps counts the steps of the current episode.
	Steps int
	// MaxSteps is the time limit (CartPoleMaxSteps by default; 0 disables it).
	MaxSteps int
}

// NewCartPole returns a CartPole-v1 task; call Reset before Step.
func NewCartPole() *CartPole { return &CartPole{MaxSteps: CartPoleMaxSteps} }

// ObsDim returns 4.
func (c *CartPole) ObsDim() int { return 4 }

// ActDim returns 2, the number of actions.
func (c *CartPole) ActDim() int { return 2 }

// Discrete returns true.
func (c *CartPole) Discrete() bool { return true }

// ActionBounds returns nil, nil: the actions are discrete.
func (c *CartPole) ActionBounds() (low, high []float64) { return nil, nil }

// Reset draws each state component uniformly from (−0.05, 0.05).
func (c *CartPole) Reset(r *rand.Rand, obs []float64) {
	for i := range c.State {
		c.State[i] = -0.05 + 0.1*r.Float64()
	}
	c.Steps = 0
	copy(obs[:4], c.State[:])
}

// CheckAction reports whether action[0] is 0 or 1.
func (c *CartPole) CheckAction(action []float64) error {
	if len(action) < 1 {
		return fmt.Errorf("control: CartPole needs one action, got none")
	}
	if a := action[0]; a != 0 && a != 1 {
		return fmt.Errorf("control: CartPole action %v, want 0 or 1", a)
	}
	return nil
}

// Step pushes the cart. An action[0] other than 0 or 1 (NaN included) is
// not applied: the state stays, the reward is 0 and the episode is reported
// as terminated, so a bad action can never corrupt a trajectory silently;
// use CheckAction to get an error instead. Stepping on after a termination
// without Reset is the caller's error (Gymnasium leaves it undefined; Vec
// never does it).
func (c *CartPole) Step(action []float64, obs []float64) (reward float64, terminated, truncated bool) {
	var force float64
	switch action[0] {
	case 1:
		force = cpForceMag
	case 0:
		force = -cpForceMag
	default:
		copy(obs[:4], c.State[:])
		return 0, true, false
	}
	x, xDot, theta, thetaDot := c.State[0], c.State[1], c.State[2], c.State[3]
	cos, sin := math.Cos(theta), math.Sin(theta)
	temp := (force + cpPoleML*(thetaDot*thetaDot)*sin) / cpTotalMass
	thetaAcc := (cpGravity*sin - cos*temp) /
		(cpLength * (4.0/3.0 - cpMassPole*(cos*cos)/cpTotalMass))
	xAcc := temp - cpPoleML*thetaAcc*cos/cpTotalMass
	x += cpTau * xDot
	xDot += cpTau * xAcc
	theta += cpTau * thetaDot
	thetaDot += cpTau * thetaAcc
	c.State = [4]float64{x, xDot, theta, thetaDot}
	c.Steps++
	copy(obs[:4], c.State[:])
	terminated = x < -cpXLimit || x > cpXLimit || theta < -cpThetaLimit || theta > cpThetaLimit
	truncated = !terminated && c.MaxSteps > 0 && c.Steps >= c.MaxSteps
	return 1, terminated, truncated
}
