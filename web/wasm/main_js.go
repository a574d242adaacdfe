//go:build js && wasm

package main

import (
	"slices"
	"strings"
	"syscall/js"
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

// object builds the pgradCore object, one js.Func per method.
func (b *bridge) object() js.Value {
	var grid, field jsFrame
	gridFrame := func() any { return grid.send(b.gridFrame()) }
	fieldFrame := func() any { return field.send(b.fieldFrame()) }
	methods := map[string]jsMethod{
		"step": func(a []js.Value) (any, error) {
			n, err := intArg(a, 0, "step", "n")
			if err != nil {
				return nil, err
			}
			if err := b.step(n); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"stepField": func(a []js.Value) (any, error) {
			n, err := intArg(a, 0, "stepField", "n")
			if err != nil {
				return nil, err
			}
			if err := b.stepField(n); err != nil {
				return nil, err
			}
			return fieldFrame(), nil
		},
		"setGoal": func(a []js.Value) (any, error) {
			c, err := cellArgs(a, "setGoal")
			if err != nil {
				return nil, err
			}
			if err := b.grid.SetGoal(c); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"setPit": func(a []js.Value) (any, error) {
			c, err := cellArgs(a, "setPit")
			if err != nil {
				return nil, err
			}
			if err := b.grid.SetPit(c); err != nil {
				return nil, err
			}
			return gridFrame(), nil
		},
		"setTarget": func(a []js.Value) (any, error) {
			x, err := floatArg(a, 0, "setTarget", "x")
			if err != nil {
				return nil, err
			}
			y, err := floatArg(a, 1, "setTarget", "y")
			if err != nil {
				return nil, err
			}
			if err := b.setTarget(x, y); err != nil {
				return nil, err
			}
			return fieldFrame(), nil
		},
		"setSettings": func(a []js.Value) (any, error) {
			return nil, setSettings(a, "setSettings", b.grid.Settings(), b.grid.SetSettings)
		},
		"setFieldSettings": func(a []js.Value) (any, error) {
			return nil, setSettings(a, "setFieldSettings", b.field.Settings(), b.field.SetSettings)
		},
		"settings": func(a []js.Value) (any, error) {
			return settingsObject(b.grid.Settings(), b.seed), nil
		},
		"fieldSettings": func(a []js.Value) (any, error) {
			return settingsObject(b.field.Settings(), b.seed), nil
		},
		"fieldWarning": func(a []js.Value) (any, error) {
			return b.fieldWarning(), nil
		},
		"reset": func(a []js.Value) (any, error) {
			b.reset()
			return nil, nil
		},
		"restart": func(a []js.Value) (any, error) {
			seed, err := intArg(a, 0, "restart", "seed")
			if err != nil {
				return nil, err
			}
			return nil, b.restart(uint64(seed))
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
		obj.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			v, err := m(args)
			if err != nil {
				return js.Global().Get("Error").New(err.Error())
			}
			return v
		}))
	}
	return obj
}

// intArg reads args[i] as a non-negative integer that a float64 holds exactly.
func intArg(args []js.Value, i int, method, name string) (int, error) {
	if i >= len(args) || args[i].Type() != js.TypeNumber {
		return 0, errorf("%s: %s must be a number", method, name)
	}
	return checkCount(method, name, args[i].Float())
}

// floatArg reads args[i] as a finite number.
func floatArg(args []js.Value, i int, method, name string) (float64, error) {
	if i >= len(args) || args[i].Type() != js.TypeNumber {
		return 0, errorf("%s: %s must be a number", method, name)
	}
	return checkFinite(method, name, args[i].Float())
}

// cellArgs reads (row, col).
func cellArgs(args []js.Value, method string) (cell, error) {
	r, err := intArg(args, 0, method, "row")
	if err != nil {
		return cell{}, err
	}
	c, err := intArg(args, 1, method, "col")
	if err != nil {
		return cell{}, err
	}
	return cell{Row: r, Col: c}, nil
}

// setSettings overlays the object in args[0] on cur and applies it.
func setSettings(args []js.Value, method string, cur settings, apply func(settings) error) error {
	if len(args) < 1 || args[0].Type() != js.TypeObject {
		return errorf("%s needs an object such as {lr: 0.5}", method)
	}
	s, err := settingsFrom(args[0], method, cur)
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

// settingKeys are the keys setSettings and setFieldSettings take.
var settingKeys = []string{"lr", "baseline", "entropy", "batch", "gamma", "credit"}

// settingsFrom overlays the keys present in o on cur. A key it does not
// know is an error, not ignored: {learningRate: 1} would otherwise change
// nothing and say nothing.
func settingsFrom(o js.Value, method string, cur settings) (settings, error) {
	keys := js.Global().Get("Object").Call("keys", o)
	for i := range keys.Length() {
		k := keys.Index(i).String()
		if !slices.Contains(settingKeys, k) {
			hint := ""
			if k == "seed" {
				hint = "; the seed changes with restart(seed)"
			}
			return cur, errorf("%s: unknown setting %q (known: %s)%s", method, k, strings.Join(settingKeys, ", "), hint)
		}
	}
	s := cur
	num := func(key string, dst *float64) error {
		v := o.Get(key)
		if v.IsUndefined() {
			return nil
		}
		if v.Type() != js.TypeNumber {
			return errorf("%s: %s must be a number", method, key)
		}
		*dst = v.Float()
		return nil
	}
	if err := num("lr", &s.LR); err != nil {
		return cur, err
	}
	if err := num("entropy", &s.Entropy); err != nil {
		return cur, err
	}
	if err := num("gamma", &s.Gamma); err != nil {
		return cur, err
	}
	if v := o.Get("batch"); !v.IsUndefined() {
		if v.Type() != js.TypeNumber {
			return cur, errorf("%s: batch must be a number", method)
		}
		n, err := checkCount(method, "batch", v.Float())
		if err != nil {
			return cur, err
		}
		s.Batch = n
	}
	if v := o.Get("baseline"); !v.IsUndefined() {
		if v.Type() != js.TypeString {
			return cur, errorf(`%s: baseline must be "none", "mean" or "state"`, method)
		}
		s.Baseline = v.String()
	}
	if v := o.Get("credit"); !v.IsUndefined() {
		if v.Type() != js.TypeString {
			return cur, errorf(`%s: credit must be "togo" or "return"`, method)
		}
		s.Credit = v.String()
	}
	return s, nil
}
