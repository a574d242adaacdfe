//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/pgrad/pgrad/web/jsargs"
)

func main() {
	b, err := newBridge(defaultSeed)
	if err != nil {
		// Nothing the page did can cause this; say it where a developer looks.
		js.Global().Get("console").Call("error", "pgrad: "+err.Error())
		return
	}
	js.Global().Set("pgradCore", b.object())
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("pgrad-core-ready"))
	select {} // keep the callbacks alive for the life of the page
}

// jsFrame is a JS Float64Array that mirrors a Go frame buffer. It is
// replaced only when the frame outgrows it, so a steady page allocates
// nothing per frame on either side of the boundary.
type jsFrame struct {
	bytes js.Value // Uint8Array over the same ArrayBuffer, for CopyBytesToJS
	f64   js.Value
	slots int
}

// send copies buf into the JS array, growing it if needed, and returns the
// Float64Array.
func (f *jsFrame) send(buf []float64) js.Value {
	if f.slots < cap(buf) {
		ab := js.Global().Get("ArrayBuffer").New(cap(buf) * 8)
		f.bytes = js.Global().Get("Uint8Array").New(ab)
		f.f64 = js.Global().Get("Float64Array").New(ab)
		f.slots = cap(buf)
	}
	js.CopyBytesToJS(f.bytes, float64Bytes(buf))
	return f.f64
}

// A jsMethod is one method of pgradCore: it returns the JS value to hand
// back, or an error that becomes a JS Error object.
type jsMethod = func(args []js.Value) (any, error)

// widgets holds, for each widget that has its own bridge file, the function
// that returns its methods; each such file appends to it in an init
// function, so that adding a widget does not edit this one.
var widgets []func(b *bridge) map[string]jsMethod

// object builds the pgradCore object, one js.Func per method. Every method
// reads its arguments through package jsargs, which never panics and names
// the argument in its Error, and is exported through jsargs.Func, which
// runs it under recover: no value from JavaScript ends the Go program.
func (b *bridge) object() js.Value {
	var grid, field jsFrame
	gridFrame := func() any { return grid.send(b.gridFrame()) }
	fieldFrame := func() any { return field.send(b.fieldFrame()) }
	methods := map[string]jsMethod{
		"step": func(raw []js.Value) (any, error) {
			a := jsargs.New("step", raw)
			n := a.Count(0, "n", b.maxStep())
			if a.Err != nil {
				return nil, a.Err
			}
			if err := b.step(n); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"stepField": func(raw []js.Value) (any, error) {
			a := jsargs.New("stepField", raw)
			n := a.Count(0, "n", maxStepField)
			if a.Err != nil {
				return nil, a.Err
			}
			if err := b.stepField(n); err != nil {
				return nil, err
			}
			return fieldFrame(), nil
		},
		"setGoal": func(raw []js.Value) (any, error) {
			c, err := cellArgs(raw, "setGoal")
			if err != nil {
				return nil, err
			}
			if err := b.grid.SetGoal(c); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"setPit": func(raw []js.Value) (any, error) {
			c, err := cellArgs(raw, "setPit")
			if err != nil {
				return nil, err
			}
			if err := b.grid.SetPit(c); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"setGoalAndPit": func(raw []js.Value) (any, error) {
			a := jsargs.New("setGoalAndPit", raw)
			goal := cell{Row: a.Count(0, "goal row", 1<<53), Col: a.Count(1, "goal col", 1<<53)}
			pit := cell{Row: a.Count(2, "pit row", 1<<53), Col: a.Count(3, "pit col", 1<<53)}
			if a.Err != nil {
				return nil, a.Err
			}
			if err := b.grid.SetGoalAndPit(goal, pit); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"setTarget": func(raw []js.Value) (any, error) {
			a := jsargs.New("setTarget", raw)
			x, y := a.Float(0, "x"), a.Float(1, "y")
			if a.Err != nil {
				return nil, a.Err
			}
			if err := b.setTarget(x, y); err != nil {
				return nil, err
			}
			return fieldFrame(), nil
		},
		"setSettings": func(raw []js.Value) (any, error) {
			return nil, setSettings(raw, "setSettings", b.grid.Settings(), b.grid.SetSettings)
		},
		"setFieldSettings": func(raw []js.Value) (any, error) {
			return nil, setSettings(raw, "setFieldSettings", b.field.Settings(), b.field.SetSettings)
		},
		"settings": func([]js.Value) (any, error) {
			return settingsObject(b.grid.Settings(), b.seed), nil
		},
		"fieldSettings": func([]js.Value) (any, error) {
			return settingsObject(b.field.Settings(), b.seed), nil
		},
		"fieldWarning": func([]js.Value) (any, error) {
			return b.fieldWarning(), nil
		},
		"reset": func([]js.Value) (any, error) {
			b.reset()
			return nil, nil
		},
		"restart": func(raw []js.Value) (any, error) {
			a := jsargs.New("restart", raw)
			seed := a.Seed(0, "seed")
			if a.Err != nil {
				return nil, a.Err
			}
			return nil, b.restart(seed)
		},
	}
	for _, w := range widgets {
		for name, m := range w(b) {
			if _, dup := methods[name]; dup {
				panic("pgrad: two widgets define the bridge method " + name)
			}
			methods[name] = m
		}
	}
	obj := js.Global().Get("Object").New()
	for name, m := range methods {
		obj.Set(name, jsargs.Func(name, m))
	}
	return obj
}

// intArg reads args[i] as a whole number from 0 to 2^53 (through args).
func intArg(raw []js.Value, i int, method, name string) (int, error) {
	a := jsargs.New(method, raw)
	n := a.Count(i, name, 1<<53)
	return n, a.Err
}

// floatArg reads args[i] as a finite number (through args).
func floatArg(raw []js.Value, i int, method, name string) (float64, error) {
	a := jsargs.New(method, raw)
	x := a.Float(i, name)
	return x, a.Err
}

// cellArgs reads (row, col).
func cellArgs(raw []js.Value, method string) (cell, error) {
	a := jsargs.New(method, raw)
	r, c := a.Count(0, "row", 1<<53), a.Count(1, "col", 1<<53)
	return cell{Row: r, Col: c}, a.Err
}

// setSettings overlays the object in args[0] on cur and applies it.
func setSettings(raw []js.Value, method string, cur settings, apply func(settings) error) error {
	s, err := settingsFrom(jsargs.New(method, raw), cur)
	if err != nil {
		return err
	}
	return apply(s)
}

func settingsObject(s settings, seed uint64) map[string]any {
	return map[string]any{
		"lr": s.LR, "baseline": s.Baseline, "entropy": s.Entropy,
		"batch": s.Batch, "gamma": s.Gamma, "credit": s.CreditName(), "seed": float64(seed),
	}
}
