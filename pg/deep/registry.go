package deep

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/pgrad/pgrad/env/control"
)

// Space describes a task's observations and actions, as a checkpoint
// records them: Load compares it with the task's constructor, so a
// checkpoint cannot be run on a task of another shape.
type Space struct {
	ObsDim   int       `json:"obs_dim"`        // length of an observation
	ActDim   int       `json:"act_dim"`        // number of actions (discrete) or action dimension
	Discrete bool      `json:"discrete"`       // actions are indices 0…ActDim−1
	Low      []float64 `json:"low,omitempty"`  // continuous: lower bound per dimension
	High     []float64 `json:"high,omitempty"` // continuous: upper bound per dimension
}

// ActionWidth returns the number of floats one action takes: 1 for a
// discrete task (the index), ActDim for a continuous one.
func (s Space) ActionWidth() int {
	if s.Discrete {
		return 1
	}
	return s.ActDim
}

// Equal reports whether s and o describe the same spaces.
func (s Space) Equal(o Space) bool {
	return s.ObsDim == o.ObsDim && s.ActDim == o.ActDim && s.Discrete == o.Discrete &&
		slices.Equal(s.Low, o.Low) && slices.Equal(s.High, o.High)
}

// Limits on what a task may declare: far beyond any control task, small
// enough that a bad declaration cannot exhaust memory.
const (
	maxObsDim = 1 << 12
	maxActDim = 1 << 10
)

// ErrBadSpace is what an *EnvError for a task with unusable spaces
// matches: zero, negative or huge sizes, or bounds that do not fit ActDim.
var ErrBadSpace = errors.New("bad observation or action space")

// Errors of Register, inside an *EnvError.
var (
	ErrEmptyEnvName = errors.New("empty environment name")
	ErrDuplicateEnv = errors.New("environment already registered")
	ErrUnknownEnv   = errors.New("unknown environment")
)

// EnvError reports a problem with a task: which one, what (Err, one of the
// Err… values of this package, or a panic's value), and, for a bad space,
// the offending field and its value.
type EnvError struct {
	Env   string // the task's name ("" when it has none)
	Err   error  // ErrBadSpace, ErrEmptyEnvName, ErrDuplicateEnv, ErrUnknownEnv…
	Field string // for ErrBadSpace: "ObsDim", "ActDim", "ActionBounds" or "constructor"
	Value string // the offending value, formatted
}

// Error names the task, the problem and, for a bad space, the field and
// its value.
func (e *EnvError) Error() string {
	var b strings.Builder
	b.WriteString("deep: ")
	if e.Env != "" {
		fmt.Fprintf(&b, "environment %q: ", e.Env)
	}
	b.WriteString(e.Err.Error())
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s %s", e.Field, e.Value)
	}
	if errors.Is(e.Err, ErrUnknownEnv) {
		fmt.Fprintf(&b, " (registered: %s)", strings.Join(Registered(), ", "))
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *EnvError) Unwrap() error { return e.Err }

// SpaceOf returns the spaces of a task, checking that they can be
// trained on: positive ObsDim and ActDim, and for a continuous task bounds
// of ActDim finite numbers with low ≤ high (a discrete task's bounds must
// be nil). name only labels the error.
func SpaceOf(name string, e control.Env) (Space, error) {
	bad := func(field string, v any) (Space, error) {
		return Space{}, &EnvError{Env: name, Err: ErrBadSpace, Field: field, Value: fmt.Sprint(v)}
	}
	if e == nil {
		return bad("constructor", "returned nil")
	}
	s := Space{ObsDim: e.ObsDim(), ActDim: e.ActDim(), Discrete: e.Discrete()}
	if s.ObsDim <= 0 || s.ObsDim > maxObsDim {
		return bad("ObsDim", s.ObsDim)
	}
	if s.ActDim <= 0 || s.ActDim > maxActDim || (s.Discrete && s.ActDim < 2) {
		return bad("ActDim", s.ActDim)
	}
	low, high := e.ActionBounds()
	if s.Discrete {
		if low != nil || high != nil {
			return bad("ActionBounds", fmt.Sprintf("%v, %v for a discrete task", low, high))
		}
		return s, nil
	}
	if len(low) != s.ActDim || len(high) != s.ActDim {
		return bad("ActionBounds", fmt.Sprintf("of lengths %d and %d for ActDim %d", len(low), len(high), s.ActDim))
	}
	for j := range low {
		if math.IsNaN(low[j]) || math.IsNaN(high[j]) || math.IsInf(low[j], 0) || math.IsInf(high[j], 0) || low[j] > high[j] {
			return bad("ActionBounds", fmt.Sprintf("[%g, %g] in dimension %d", low[j], high[j], j))
		}
	}
	s.Low, s.High = slices.Clone(low), slices.Clone(high)
	return s, nil
}

var registry = struct {
	sync.RWMutex
	envs  map[string]func() control.Env
	order []string
}{envs: map[string]func() control.Env{}}

func init() {
	for _, e := range []struct {
		name string
		mk   func() control.Env
	}{
		{"cartpole", func() control.Env { return control.NewCartPole() }},
		{"pendulum", func() control.Env { return control.NewPendulum() }},
		{"acrobot", func() control.Env { return control.NewAcrobot() }},
		{"mountaincar", func() control.Env { return control.NewMountainCarContinuous() }},
	} {
		if err := Register(e.name, e.mk); err != nil {
			panic(err)
		}
	}
}

// Register makes a task known by name, in the spirit of Gymnasium's
// register/make: afterwards Defaults, Validate, New, Load and
// Agent.Evaluate accept the name as they accept "cartpole". newEnv is
// called once here to check the task's spaces (see SpaceOf) and then once
// per copy a trainer or an evaluation runs; each call must return a new,
// independent copy. An empty name, a name already registered (the
// built-in "cartpole", "pendulum", "acrobot" and "mountaincar" included),
// a nil constructor or unusable spaces are an *EnvError. Register is safe
// for concurrent use.
func Register(name string, newEnv func() control.Env) error {
	if name == "" {
		return &EnvError{Err: ErrEmptyEnvName}
	}
	if newEnv == nil {
		return &EnvError{Env: name, Err: ErrBadSpace, Field: "constructor", Value: "nil"}
	}
	if _, err := spaceOfConstructor(name, newEnv); err != nil {
		return err
	}
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.envs[name]; ok {
		return &EnvError{Env: name, Err: ErrDuplicateEnv}
	}
	registry.envs[name] = newEnv
	registry.order = append(registry.order, name)
	return nil
}

// Registered returns the registered task names in the order of
// registration, the built-in ones first.
func Registered() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.order)
}

// MakeEnv returns the constructor registered under name: "cartpole"
// (CartPole-v1), "pendulum" (Pendulum-v1), "acrobot" (Acrobot-v1),
// "mountaincar" (MountainCarContinuous-v0), or a name given to Register.
// An unknown name is an *EnvError matching ErrUnknownEnv.
func MakeEnv(name string) (func() control.Env, error) {
	registry.RLock()
	mk, ok := registry.envs[name]
	registry.RUnlock()
	if !ok {
		return nil, &EnvError{Env: name, Err: ErrUnknownEnv}
	}
	return mk, nil
}

// spaceOfConstructor builds one copy with newEnv and returns its spaces; a
// panic in the constructor is an error, not a crash.
func spaceOfConstructor(name string, newEnv func() control.Env) (s Space, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &EnvError{Env: name, Err: ErrBadSpace, Field: "constructor", Value: fmt.Sprintf("panicked: %v", r)}
		}
	}()
	return SpaceOf(name, newEnv())
}
