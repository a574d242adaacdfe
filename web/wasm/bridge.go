package main

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

type (
	cell     = env.Cell
	settings = lab.Settings
)

// defaultSeed is the seed of a page opened without one in its URL.
const defaultSeed = 1

// One call's work is bounded by size, not by time (a time slice would make
// a run depend on the machine's speed and break replay from the seed):
// stepBudget bounds the environment steps of one step(n) call, n times the
// world's step cap, and maxStepField the samples of one stepField(n). Both
// are set so that the slowest call takes about 100 ms or less in
// Chromium on the machine in the README (see TestCallBound).
const (
	stepBudget   = 300_000
	maxStepField = 25_000
)

// maxStep is the most rollouts one step(n) call may ask for on the
// current world: stepBudget over the step cap, at least 1.
func (b *bridge) maxStep() int { return max(1, stepBudget/b.grid.Config().Steps()) }

// bridge holds the two sessions the page drives and the buffers their
// frames are written to. It knows nothing of JavaScript, so that it can be
// tested natively as well as under wasm.
type bridge struct {
	seed      uint64
	grid      *lab.Grid
	field     *lab.Field
	view      fieldView
	gridSnap  lab.GridSnapshot // reused, so a frame allocates nothing once warm
	fieldSnap lab.FieldSnapshot
	gridBuf   []float64
	fieldBuf  []float64
	nudge     *lab.Nudge // the nudge view's session (nudge.go)
	nudgeBuf  []float64
	tab       tabWidgets // the variance lab, critic and clip widgets (tab10.go)
}

// newBridge starts the default sessions from seed.
func newBridge(seed uint64) (*bridge, error) {
	b := &bridge{}
	if err := b.restart(seed); err != nil {
		return nil, err
	}
	return b, nil
}

// restart replaces both sessions with fresh ones from seed, keeping their
// settings, goal, pit and target. On error nothing changes.
func (b *bridge) restart(seed uint64) error {
	gcfg, gset := env.DefaultGrid(), lab.DefaultSettings()
	fcfg, fset := env.DefaultField(), lab.DefaultFieldSettings()
	if b.grid != nil {
		gcfg, gset = b.grid.Config(), b.grid.Settings()
		fcfg, fset = b.field.Config(), b.field.Settings()
	}
	g, err := lab.NewGrid(gcfg, gset, seed)
	if err != nil {
		return err
	}
	f, err := lab.NewField(fcfg, fset, seed)
	if err != nil {
		return err
	}
	b.seed, b.grid, b.field = seed, g, f
	b.nudge = lab.NewNudge(seed)
	b.tab = tabWidgets{}
	ext := f.Config().Extent
	b.view.lo, b.view.hi = -ext, ext
	b.view.fill(f.Reward)
	return nil
}

// step runs n rollouts on the grid.
func (b *bridge) step(n int) error {
	if m := b.maxStep(); n > m {
		return errorf("step: n must be a whole number from 0 to %d (%d steps of work over a step cap of %d), not %d", m, stepBudget, b.grid.Config().Steps(), n)
	}
	return b.grid.Step(n)
}

// stepField draws n samples on the field.
func (b *bridge) stepField(n int) error {
	if n > maxStepField {
		return errorf("stepField: n must be a whole number from 0 to %d, not %d", maxStepField, n)
	}
	return b.field.Step(n)
}

// setTarget moves the field's target and redraws the landscape.
func (b *bridge) setTarget(x, y float64) error {
	if err := b.field.SetTarget(x, y); err != nil {
		return err
	}
	b.view.fill(b.field.Reward)
	return nil
}

// reset starts both sessions over from the seed, keeping their settings,
// goal, pit and target, so that the page's seed and command line still
// reproduce the run (issue 7 §4.12; lab's Reset would continue the random
// stream instead).
func (b *bridge) reset() {
	if err := b.restart(b.seed); err != nil {
		// The sessions' own configurations are valid, so this cannot
		// happen; keep the sessions and start their learning over.
		b.grid.Reset()
		b.field.Reset()
	}
}

// fieldWarning returns the sentence of the field's warning, "" when there
// is none.
func (b *bridge) fieldWarning() string {
	if w, ok := b.field.Warning(); ok {
		return w.String()
	}
	return ""
}

// gridFrame encodes the grid's snapshot into the reused grid buffer.
func (b *bridge) gridFrame() []float64 {
	b.grid.SnapshotInto(&b.gridSnap, recentTraj, maxCurve)
	b.gridBuf = encodeGrid(b.gridBuf, &b.gridSnap)
	return b.gridBuf
}

// fieldFrame encodes the field's snapshot into the reused field buffer.
func (b *bridge) fieldFrame() []float64 {
	b.field.SnapshotInto(&b.fieldSnap, recentDots, maxCurve)
	b.fieldBuf = encodeField(b.fieldBuf, &b.fieldSnap, &b.view, fieldWarningOf(b.field))
	return b.fieldBuf
}

// errorf formats an error for the page; the prefix names where it came from.
func errorf(format string, args ...any) error {
	return errors.New("pgrad: " + fmt.Sprintf(format, args...))
}

// checkCount accepts a whole number from 0 to 2^53.
func checkCount(method, name string, v float64) (int, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) || v < 0 || v > 1<<53 {
		return 0, errorf("%s: %s must be a whole number ≥ 0, not %v", method, name, v)
	}
	return int(v), nil
}

// checkFinite accepts any finite number.
func checkFinite(method, name string, v float64) (float64, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errorf("%s: %s must be a finite number, not %v", method, name, v)
	}
	return v, nil
}

// float64Bytes views buf as bytes, the form js.CopyBytesToJS takes; wasm
// and every JS engine are little-endian.
func float64Bytes(buf []float64) []byte {
	if len(buf) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*8)
}
