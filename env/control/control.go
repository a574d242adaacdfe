// Package control holds classic control tasks with the dynamics, constants,
// integration order, reset distributions, rewards, termination rules and
// time limits of Gymnasium's classic_control environments — CartPole-v1,
// Pendulum-v1, Acrobot-v1 and MountainCarContinuous-v0 — and Vec, which
// steps N copies of a task with automatic resets.
//
// Bad actions never panic: a discrete task given an index it does not have
// (NaN included) leaves its state alone, pays 0 and reports the episode as
// terminated, and its CheckAction method (Vec.CheckActions for a Vec) turns
// the same condition into an error; continuous tasks clip the action to
// their bounds and treat NaN as 0. An empty action slice is a programmer
// error and panics.
//
// States and observations are float64 throughout; Gymnasium keeps the same
// float64 state and rounds only the observation it returns to float32, so a
// trajectory here matches Gymnasium's state sequence, not its float32 view.
// Where Gymnasium stores the state itself in float32 (Acrobot's start
// state, MountainCarContinuous after every step) the tasks here round it
// the same way.
//
// The tasks cost tens of nanoseconds a step, far less than the networks
// that drive them, and spreading a Vec over goroutines (Vec.SetWorkers)
// does not pay: handing work to another goroutine costs more than the
// steps it saves. Best of four runs on the 2-core development machine
// under load (go test -bench . ./env/control/):
//
//	                 in place          with one helper goroutine
//	CartPole ×4      25 M steps/s      7.7 M steps/s
//	CartPole ×64     31 M steps/s      21 M steps/s
//	Pendulum ×4      15 M steps/s      6.4 M steps/s
//	Pendulum ×64     16 M steps/s      11 M steps/s
//
// On an idle machine, with many copies of a costlier task, helpers may
// still win; they are there for that case.
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
