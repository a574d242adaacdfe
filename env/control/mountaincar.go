package control

import (
	"math"
	"math/rand/v2"
)

// MountainCarContinuous constants of Gymnasium's MountainCarContinuous-v0.
const (
	mcMinPos   = -1.2
	mcMaxPos   = 0.6
	mcMaxSpeed = 0.07
	mcGoalPos  = 0.45
	mcPower    = 0.0015

	// MountainCarMaxSteps is MountainCarContinuous-v0's time limit.
	MountainCarMaxSteps = 999
)

// MountainCarContinuous is Gymnasium's MountainCarContinuous-v0: drive an
// underpowered car up the right hill with a force in [−1, 1] (clipped
// inside Step). The observation is position and velocity. Reaching
// position ≥ 0.45 terminates with reward 100; every step also costs
// 0.1·a² of the unclipped action a. Episodes are truncated after 999
// steps. As in Gymnasium, the state is stored in float32 after every step.
type MountainCarContinuous struct {
	// Position and Velocity are the state.
	Position, Velocity float64
	// Steps counts the steps of the current episode.
	Steps int
	// MaxSteps is the time limit (MountainCarMaxSteps by default; 0 disables it).
	MaxSteps int
}

// NewMountainCarContinuous returns a MountainCarContinuous-v0 task; call
// Reset before Step.
func NewMountainCarContinuous() *MountainCarContinuous {
	return &MountainCarContinuous{MaxSteps: MountainCarMaxSteps}
}

// ObsDim returns 2.
func (c *MountainCarContinuous) ObsDim() int { return 2 }

// ActDim returns 1.
func (c *MountainCarContinuous) ActDim() int { return 1 }

// Discrete returns false.
func (c *MountainCarContinuous) Discrete() bool { return false }

var mcLow, mcHigh = []float64{-1}, []float64{1}

// ActionBounds returns [−1], [1]. The slices are shared: do not modify them.
func (c *MountainCarContinuous) ActionBounds() (low, high []float64) { return mcLow, mcHigh }

// Reset draws the position uniformly from [−0.6, −0.4) and sets the
// velocity to 0.
func (c *MountainCarContinuous) Reset(r *rand.Rand, obs []float64) {
	c.Position = -0.6 + 0.2*r.Float64()
	c.Velocity = 0
	c.Steps = 0
	obs[0], obs[1] = c.Position, c.Velocity
}

// Step applies the force action[0], clipped to [−1, 1]; the action cost
// uses the unclipped value, as Gymnasium's does. A NaN action is treated
// as 0.
func (c *MountainCarContinuous) Step(action []float64, obs []float64) (reward float64, terminated, truncated bool) {
	a := action[0]
	if a != a {
		a = 0
	}
	force := min(max(a, -1), 1)
	pos, vel := c.Position, c.Velocity
	vel += force*mcPower - 0.0025*math.Cos(3*pos)
	vel = min(max(vel, -mcMaxSpeed), mcMaxSpeed)
	pos += vel
	pos = min(max(pos, mcMinPos), mcMaxPos)
	if pos == mcMinPos && vel < 0 {
		vel = 0
	}
	terminated = pos >= mcGoalPos && vel >= 0
	if terminated {
		reward = 100
	}
	reward -= a * a * 0.1
	c.Position, c.Velocity = float64(float32(pos)), float64(float32(vel))
	c.Steps++
	obs[0], obs[1] = c.Position, c.Velocity
	truncated = !terminated && c.MaxSteps > 0 && c.Steps >= c.MaxSteps
	return reward, terminated, truncated
}
