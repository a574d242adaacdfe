// Package control holds classic control tasks with the dynamics, constants,
// reset distributions, rewards and time limits of Gymnasium's
// classic_control environments, and Vec, which steps N copies of a task
// with automatic resets.
//
// States and observations are float64 throughout; Gymnasium keeps the same
// float64 state and rounds only the observation it returns to float32, so a
// trajectory here matches Gymnasium's state sequence, not its float32 view.
package control

import "math/rand/v2"

// Env is one copy of a control task.
type Env interface {
	// ObsDim returns the length of an observation.
	ObsDim() int
	// ActDim returns the number of discrete actions, or the dimension of a
	// continuous action.
	ActDim() int
	// Discrete reports whether actions are indices.
	Discrete() bool
	// Reset draws a new start state from r and writes its observation.
	Reset(r *rand.Rand, obs []float64)
	// Step applies action (for a discrete task, action[0] holds the index),
	// writes the next observation, and reports the reward and whether the
	// episode ended by termination or by the time limit.
	Step(action []float64, obs []float64) (reward float64, terminated, truncated bool)
	// ActionBounds returns the bounds of a continuous action; discrete
	// tasks return nil, nil.
	ActionBounds() (low, high []float64)
}

// Checker is implemented by tasks that can report an action they cannot
// apply; Vec.CheckActions uses it so a caller can turn bad actions into an
// error before stepping.
type Checker interface {
	// CheckAction returns a non-nil error if Step cannot apply action as given.
	CheckAction(action []float64) error
}
