// Package sweep runs a grid of training configurations × seeds as
// independent tasks and reports them with interval estimates.
//
// A sweep is a Manifest (DIR/sweep.json): every task's full configuration,
// arguments and seed. A backend runs the tasks: RunLocal with a worker
// pool on this machine, or a Slurm job array whose elements each call
// RunTask for one index. A task owns DIR/runs/<task>/ and nothing else: the
// Runner trains into it, and RunTask then writes task.json there last and
// atomically, with the checksum of every file, the task's final score and
// its learning curve. A task whose task.json is missing, not "done", made
// for another manifest entry, or whose files no longer match their
// checksums is not complete, and is run again. BuildReport reads the
// complete tasks and aggregates them with package stats.
//
// The package knows nothing of the command line: a Go program that
// registers its own environment sweeps it by giving RunLocal a Runner that
// trains on it.
package sweep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxTasks bounds the number of tasks of a sweep: a million-task grid is
// more often a typo than a plan.
const MaxTasks = 100_000

// A Param is one setting and the values it takes in the grid, in order.
type Param struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// A Setting is one parameter's value in one configuration.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// A Combination is one point of the grid: one value of every Param.
type Combination []Setting

// Label names c by the settings of varied parameters only ("lr=0.001
// algo=a2c"), or "default" when nothing varies.
func (c Combination) Label(params []Param) string {
	var parts []string
	for i, s := range c {
		if len(params[i].Values) > 1 {
			parts = append(parts, s.Name+"="+s.Value)
		}
	}
	if len(parts) == 0 {
		return "default"
	}
	return strings.Join(parts, " ")
}

// GridError reports a grid that cannot be expanded; Param names the
// offending parameter, if one.
type GridError struct {
	Param string
	Msg   string
}

func (e *GridError) Error() string {
	if e.Param == "" {
		return "sweep: " + e.Msg
	}
	return "sweep: " + e.Param + ": " + e.Msg
}

// Expand returns every combination of params (the first parameter varies
// slowest) after checking that each has a value and that combinations ×
// seeds is at most MaxTasks.
func Expand(params []Param, seeds int) ([]Combination, error) {
	n := 1
	seen := map[string]bool{}
	for _, p := range params {
		if p.Name == "" {
			return nil, &GridError{Msg: "a parameter without a name"}
		}
		if seen[p.Name] {
			return nil, &GridError{Param: p.Name, Msg: "given twice"}
		}
		seen[p.Name] = true
		if len(p.Values) == 0 {
			return nil, &GridError{Param: p.Name, Msg: "no values: the grid is empty"}
		}
		n *= len(p.Values)
		if n > MaxTasks {
			break
		}
	}
	if seeds < 1 {
		return nil, &GridError{Param: "seeds", Msg: "no seeds: the grid is empty"}
	}
	if n > MaxTasks || n*seeds > MaxTasks {
		return nil, &GridError{Msg: fmt.Sprintf("more than %d tasks (%s)", MaxTasks, taskCount(params, seeds))}
	}
	out := []Combination{{}}
	for _, p := range params {
		var next []Combination
		for _, c := range out {
			for _, v := range p.Values {
				next = append(next, append(append(Combination{}, c...), Setting{p.Name, v}))
			}
		}
		out = next
	}
	return out, nil
}

func taskCount(params []Param, seeds int) string {
	var f []string
	for _, p := range params {
		if len(p.Values) > 1 {
			f = append(f, fmt.Sprintf("%d %s", len(p.Values), p.Name))
		}
	}
	f = append(f, fmt.Sprintf("%d seeds", seeds))
	return strings.Join(f, " × ")
}

// ErrSeeds is wrapped by every error of ParseSeeds.
var ErrSeeds = errors.New("bad seeds")

// ParseSeeds reads a list of seeds: comma-separated numbers and inclusive
// ranges lo-hi, e.g. "1-20" or "1,4,10-12". A range must not run
// backwards, and a seed may not appear twice.
func ParseSeeds(s string) ([]uint64, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrSeeds, fmt.Sprintf(format, a...))
	}
	if strings.TrimSpace(s) == "" {
		return nil, bad("none given")
	}
	var out []uint64
	seen := map[uint64]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, bad("%q is not a seed or a range lo-hi", f)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64); err != nil {
				return nil, bad("%q is not a range lo-hi of seeds", f)
			}
			if b < a {
				return nil, bad("the range %s runs backwards (write %d-%d)", f, b, a)
			}
			if b-a >= MaxTasks {
				return nil, bad("the range %s has more than %d seeds", f, MaxTasks)
			}
		}
		for x := a; ; x++ {
			if seen[x] {
				return nil, bad("seed %d appears twice", x)
			}
			seen[x] = true
			out = append(out, x)
			if len(out) > MaxTasks {
				return nil, bad("more than %d seeds", MaxTasks)
			}
			if x == b {
				break
			}
		}
	}
	return out, nil
}
