//go:build js && wasm

package main

import (
	"slices"
	"strings"
	"syscall/js"
	"testing"

	"github.com/pgrad/pgrad/web/jsargs"
)

// argNames are the argument names each method's Errors must use.
var argNames = map[string][]string{
	"step": {"n"}, "stepField": {"n"}, "setGoal": {"row", "col"}, "setPit": {"row", "col"},
	"setTarget": {"x", "y"}, "setSettings": {"settings", "lr", "batch"}, "setFieldSettings": {"settings", "lr", "batch"},
	"restart": {"seed"}, "nudge": {"fromLab"},
}

// noArgs are the methods that take no argument (and so ignore any).
var noArgs = []string{"settings", "fieldSettings", "fieldWarning", "reset"}

// sessionState is everything a call could change, as Go sees it.
func sessionState(b *bridge) []float64 {
	s := slices.Clone(b.gridFrame())
	s = append(s, b.fieldFrame()...)
	gs, fs := b.grid.Settings(), b.field.Settings()
	return append(s, gs.LR, gs.Entropy, gs.Gamma, float64(gs.Batch), fs.LR, fs.Entropy, fs.Gamma, float64(fs.Batch), float64(b.seed))
}

// TestJSHostileArguments calls every method of pgradCore (the widgets'
// included) with every hostile value in each of its first three argument
// positions, the others valid.
func TestJSHostileArguments(t *testing.T) {
	b := newTestBridge(t)
	obj := b.object()
	d := jsDriver{t, obj}
	d.step(40)
	d.stepField(20)
	valid := map[string][]any{
		"step": {1}, "stepField": {1}, "setGoal": {0, 0}, "setPit": {0, 1}, "setTarget": {0.1, 0.2},
		"setSettings": {map[string]any{"lr": 0.4}}, "setFieldSettings": {map[string]any{"lr": 0.04}},
		"restart": {3}, "nudge": {false},
	}
	names := js.Global().Get("Object").Call("keys", obj)
	for i := range names.Length() {
		m := names.Index(i).String()
		if slices.Contains(noArgs, m) {
			continue
		}
		for vname, v := range jsargs.Hostile() {
			for pos := range 3 {
				args := make([]any, 3)
				for k := range args {
					if k < len(valid[m]) {
						args[k] = valid[m][k]
					} else {
						args[k] = js.Undefined()
					}
				}
				if pos >= len(valid[m]) && pos > 0 {
					continue // past the method's arguments: ignored
				}
				args[pos] = v
				before := sessionState(b)
				res := obj.Call(m, args...)
				if !sameBits(sessionState(b), before) {
					t.Errorf("%s with %s at %d changed the session", m, vname, pos)
				}
				if !res.InstanceOf(js.Global().Get("Error")) {
					t.Errorf("%s with %s at %d returned %s, want an Error", m, vname, pos, res.Type())
					continue
				}
				msg := res.Get("message").String()
				if !strings.HasPrefix(msg, "pgrad: "+m+": ") {
					t.Errorf("%s with %s at %d: message %q", m, vname, pos, msg)
				}
				if want, ok := argNames[m]; ok && !slices.ContainsFunc(want, func(n string) bool { return strings.Contains(msg, ": "+n+" ") || strings.Contains(msg, "."+n+" ") }) {
					t.Errorf("%s with %s at %d: message %q names none of %v", m, vname, pos, msg, want)
				}
				if strings.Contains(msg, "internal error") {
					t.Errorf("%s with %s at %d: reached the last-resort recover: %q", m, vname, pos, msg)
				}
			}
		}
	}
}

// TestJSOwnPropertiesOnly: an inherited lr is not applied (and not an
// unknown key either); an own one is.
func TestJSOwnPropertiesOnly(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	proto := js.Global().Get("Object").New()
	proto.Set("lr", 5)
	proto.Set("foo", 1)
	d.call("setSettings", js.Global().Get("Object").Call("create", proto))
	if lr := b.grid.Settings().LR; lr != 0.5 {
		t.Errorf("an inherited lr 5 was applied: lr %v", lr)
	}
	child := js.Global().Get("Object").Call("create", proto)
	child.Set("lr", 0.25)
	d.call("setSettings", child)
	if lr := b.grid.Settings().LR; lr != 0.25 {
		t.Errorf("an own lr 0.25 beside an inherited one: lr %v", lr)
	}
	// A non-enumerable own key is neither listed nor read.
	hidden := js.Global().Get("Object").New()
	desc := js.Global().Get("Object").New()
	desc.Set("value", 7)
	js.Global().Get("Object").Call("defineProperty", hidden, "lr", desc)
	d.call("setSettings", hidden)
	if lr := b.grid.Settings().LR; lr != 0.25 {
		t.Errorf("a non-enumerable lr was applied: lr %v", lr)
	}
	// A frozen object of valid values is read like any other.
	frozen := js.Global().Get("Object").New()
	frozen.Set("lr", 0.125)
	js.Global().Get("Object").Call("freeze", frozen)
	d.call("setSettings", frozen)
	if lr := b.grid.Settings().LR; lr != 0.125 {
		t.Errorf("a frozen {lr: 0.125}: lr %v", lr)
	}
}

// TestJSSeedArgument: restart takes the hash's text exactly; an empty
// text and one above 2^53 are Errors, not 0 or a rounded seed.
func TestJSSeedArgument(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	d.call("restart", "9007199254740992")
	if b.seed != 1<<53 {
		t.Errorf("restart(\"2^53\"): seed %d", b.seed)
	}
	d.call("restart", 12)
	for _, bad := range []any{"", "9007199254740993", "18446744073709551616", "-1", "1e3", " 7", "0x10", 9007199254740994.0} {
		v := d.obj.Call("restart", bad)
		if !v.InstanceOf(js.Global().Get("Error")) || !strings.Contains(v.Get("message").String(), "restart: seed ") {
			t.Errorf("restart(%#v) = %v, want an Error naming seed", bad, v)
		}
		if b.seed != 12 {
			t.Errorf("restart(%#v) changed the seed to %d", bad, b.seed)
		}
	}
	v := d.obj.Call("restart", "")
	if msg := v.Get("message").String(); !strings.Contains(msg, "empty") {
		t.Errorf("restart(\"\"): %q does not say it is empty", msg)
	}
}

// TestJSCallBound: one step or stepField call cannot ask for more than
// the bound the API doc states.
func TestJSCallBound(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	if m := b.maxStep(); m != stepBudget/36 {
		t.Errorf("maxStep on the 3×3 world (step cap 36) = %d, want %d", m, stepBudget/36)
	}
	d.call("step", b.maxStep())
	for _, c := range []struct {
		name string
		n    int
	}{{"step", b.maxStep() + 1}, {"stepField", maxStepField + 1}} {
		v := d.obj.Call(c.name, c.n)
		if !v.InstanceOf(js.Global().Get("Error")) || !strings.Contains(v.Get("message").String(), "from 0 to") {
			t.Errorf("%s(%d) = %v, want an Error stating the bound", c.name, c.n, v)
		}
	}
}
