// Package env holds the tabular worlds of pgrad: GridWorld, the seed's
// small gridworld with a goal, pits and walls, and Field, a one-step task in
// a continuous 2-D action plane.
//
// The worlds know nothing of learning. GridWorld precomputes its transition
// table so that a learner can step it with one inlined lookup (Move), and it
// keeps a conventional Reset/Step interface for everything else.
package env

import (
	"errors"
	"fmt"
)

// A Cell is a position in a grid, counted from the top-left corner.
type Cell struct{ Row, Col int }

// String returns the cell as "(row,col)".
func (c Cell) String() string { return fmt.Sprintf("(%d,%d)", c.Row, c.Col) }

// An Action is one of the four moves of the gridworld.
type Action int

// The four moves, in the order the policy stores them.
const (
	Up Action = iota
	Right
	Down
	Left
)

// NumActions is the number of moves in the gridworld.
const NumActions = 4

var actionNames = [NumActions]string{"up", "right", "down", "left"}

// String returns the lower-case name of the move.
func (a Action) String() string {
	if a < 0 || a >= NumActions {
		return fmt.Sprintf("Action(%d)", int(a))
	}
	return actionNames[a]
}

// Delta returns the change of row and column that the move asks for.
func (a Action) Delta() (dr, dc int) {
	switch a {
	case Up:
		return -1, 0
	case Right:
		return 0, 1
	case Down:
		return 1, 0
	case Left:
		return 0, -1
	}
	return 0, 0
}

// An Outcome says how an episode ended, or that it has not.
type Outcome int

// The outcomes of an episode.
const (
	Running Outcome = iota // not over yet
	Goal                   // reached the goal (+1)
	Pit                    // fell into a pit (−1)
	Capped                 // hit the step cap
)

var outcomeNames = [...]string{"running", "goal", "pit", "capped"}

// String returns the lower-case name of the outcome.
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return fmt.Sprintf("Outcome(%d)", int(o))
	}
	return outcomeNames[o]
}

// MarshalText encodes the outcome by its name, so JSON shows "goal", not 1.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// MarshalText encodes the action by its name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// The kinds of error, to be matched with errors.Is.
var (
	ErrSize        = errors.New("grid size out of range")
	ErrOutside     = errors.New("cell outside the grid")
	ErrOverlap     = errors.New("cells overlap")
	ErrUnreachable = errors.New("goal unreachable")
	ErrParam       = errors.New("parameter out of range")
	ErrEpisodeOver = errors.New("episode is over")
	ErrAction      = errors.New("no such action")
)

// A ConfigError reports a configuration that cannot make a world, or an
// operation the world refuses. Its Kind is one of the Err* values of this
// package, so callers can use errors.Is.
type ConfigError struct {
	Kind error
	Msg  string
}

// Error returns the message, prefixed with "env: ".
func (e *ConfigError) Error() string { return "env: " + e.Msg }

// Unwrap returns the kind of the error.
func (e *ConfigError) Unwrap() error { return e.Kind }

func configErr(kind error, format string, args ...any) error {
	return &ConfigError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
