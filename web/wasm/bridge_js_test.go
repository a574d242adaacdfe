//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall/js"
	"testing"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// jsDriver runs the script through the JS functions of pgradCore, exactly
// as the page calls them, and copies each returned Float64Array out.
type jsDriver struct {
	t   *testing.T
	obj js.Value
}

func (d jsDriver) call(name string, args ...any) js.Value {
	d.t.Helper()
	v := d.obj.Call(name, args...)
	if v.InstanceOf(js.Global().Get("Error")) {
		d.t.Fatalf("%s%v: %s", name, args, v.Get("message").String())
	}
	return v
}

// frame copies a returned Float64Array up to the length its header gives.
func (d jsDriver) frame(v js.Value) []float64 {
	d.t.Helper()
	if !v.InstanceOf(js.Global().Get("Float64Array")) {
		d.t.Fatalf("got %s, want a Float64Array", v.Type())
	}
	n := v.Index(15).Int()
	bytes := js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), n*8)
	buf := make([]byte, n*8)
	js.CopyBytesToGo(buf, bytes)
	out := make([]float64, n)
	for i := range out {
		var u uint64
		for k := 7; k >= 0; k-- {
			u = u<<8 | uint64(buf[8*i+k])
		}
		out[i] = math.Float64frombits(u)
	}
	return out
}

func (d jsDriver) step(n int) []float64             { return d.frame(d.call("step", n)) }
func (d jsDriver) stepField(n int) []float64        { return d.frame(d.call("stepField", n)) }
func (d jsDriver) setGoal(r, c int) []float64       { return d.frame(d.call("setGoal", r, c)) }
func (d jsDriver) setPit(r, c int) []float64        { return d.frame(d.call("setPit", r, c)) }
func (d jsDriver) setTarget(x, y float64) []float64 { return d.frame(d.call("setTarget", x, y)) }
func (d jsDriver) setSettings(lr float64, baseline string) {
	d.call("setSettings", map[string]any{"lr": lr, "baseline": baseline})
}
func (d jsDriver) reset() { d.call("reset") }

// TestJSMatchesNative runs the golden script through the JS API under wasm:
// the digest must equal the one the native run wrote, bit for bit.
func TestJSMatchesNative(t *testing.T) {
	b := newTestBridge(t)
	got := digest(script(jsDriver{t, b.object()}))
	if want := readGolden(t); got != want {
		t.Errorf("wasm frames: %s\nnative:      %s", got, want)
	}
}

// TestJSEqualsGoPath runs the script twice in this wasm process, once
// through the JS functions and once calling the bridge directly: the copy
// across the boundary must lose nothing, whatever lab's numbers are.
func TestJSEqualsGoPath(t *testing.T) {
	viaJS := script(jsDriver{t, newTestBridge(t).object()})
	direct := script(nativeDriver{t, newTestBridge(t)})
	if len(viaJS) != len(direct) {
		t.Fatalf("%d frames through JS, %d directly", len(viaJS), len(direct))
	}
	for i := range viaJS {
		if !sameBits(viaJS[i], direct[i]) {
			t.Errorf("frame %d differs between the JS path and the direct one", i)
		}
	}
}

// TestJSFrameDecodes checks that the array JS receives decodes to the
// session's snapshot, and that steady frames reuse one JS array.
func TestJSFrameDecodes(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	d.step(300)
	v1 := d.call("step", 200)
	checkGrid(t, decodeGrid(t, d.frame(v1)), b.grid.Snapshot(recentTraj))
	v2 := d.call("step", 1)
	if !v1.Equal(v2) {
		t.Error("step returned a new Float64Array although the frame size settled")
	}
	f := d.frame(d.call("stepField", 50))
	s := b.field.Snapshot(recentDots)
	if f[1] != float64(s.Rollouts) || f[2] != s.Mu[0] || f[3] != s.Mu[1] || f[8] != float64(len(s.Samples)) {
		t.Errorf("field header %v, snapshot %+v", f[:headerLen], s)
	}
}

// TestJSBadInput: every bad call returns an Error with a message, and
// neither session changes.
func TestJSBadInput(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	d.step(60)
	d.stepField(30)
	grid := d.step(0)
	field := d.stepField(0)
	settings := d.call("settings")
	fieldSettings := d.call("fieldSettings")
	nan := math.NaN()
	bad := []struct {
		name string
		args []any
	}{
		{"step", nil},
		{"step", []any{-1}},
		{"step", []any{2.5}},
		{"step", []any{nan}},
		{"step", []any{"10"}},
		{"step", []any{stepBudget + 1}},
		{"stepField", []any{math.Inf(1)}},
		{"setGoal", []any{3, 0}},
		{"setGoal", []any{0, -1}},
		{"setGoal", []any{2, 0}}, // the start
		{"setGoal", []any{1, 1}}, // the pit
		{"setGoal", []any{0}},    // no column
		{"setPit", []any{0, 2}},  // the goal
		{"setPit", []any{9, 9}},
		{"setTarget", []any{nan, 0}},
		{"setTarget", []any{0, 2}},
		{"setTarget", []any{0.5}},
		{"setSettings", []any{map[string]any{"lr": nan}}},
		{"setSettings", []any{map[string]any{"lr": -0.1}}},
		{"setSettings", []any{map[string]any{"lr": "fast"}}},
		{"setSettings", []any{map[string]any{"baseline": "median"}}},
		{"setSettings", []any{map[string]any{"batch": 0}}},
		{"setSettings", []any{map[string]any{"gamma": 1.5}}},
		{"setSettings", []any{map[string]any{"credit": "whole"}}},
		{"setSettings", []any{map[string]any{"credit": 1}}},
		{"setSettings", []any{"lr=1"}},
		{"setSettings", []any{map[string]any{"foo": 1}}},
		{"setSettings", []any{map[string]any{"lr": 0.1, "learningRate": 1}}}, // a valid key does not carry an unknown one
		{"setSettings", []any{map[string]any{"lr": 0.1, "seed": 3}}},
		{"setFieldSettings", []any{map[string]any{"foo": 1}}},
		{"setFieldSettings", []any{map[string]any{"entropy": -1}}},
		{"restart", []any{-4}},
	}
	for _, c := range bad {
		v := d.obj.Call(c.name, c.args...)
		if !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("%s%v returned %s, want an Error", c.name, c.args, v.Type())
			continue
		}
		msg := v.Get("message").String()
		for _, a := range c.args {
			if m, ok := a.(map[string]any); ok {
				for k := range m {
					if !slices.Contains(settingKeys, k) && !strings.Contains(msg, fmt.Sprintf("%q", k)) {
						t.Errorf("%s%v: message %q does not name the unknown key %q", c.name, c.args, msg, k)
					}
				}
			}
		}
		if !strings.HasPrefix(msg, "pgrad: ") && !strings.HasPrefix(msg, "env: ") &&
			!strings.HasPrefix(msg, "lab: ") && !strings.HasPrefix(msg, "pg: ") {
			t.Errorf("%s%v: message %q does not say where it came from", c.name, c.args, msg)
		}
	}
	if got := d.step(0); !sameBits(got, grid) {
		t.Error("rejected calls changed the grid")
	}
	if got := d.stepField(0); !sameBits(got, field) {
		t.Error("rejected calls changed the field")
	}
	for _, m := range []struct {
		name   string
		before js.Value
	}{{"settings", settings}, {"fieldSettings", fieldSettings}} {
		after := d.call(m.name)
		for _, k := range []string{"lr", "baseline", "batch", "gamma", "entropy", "credit", "seed"} {
			if !after.Get(k).Equal(m.before.Get(k)) {
				t.Errorf("%s.%s changed from %v to %v", m.name, k, m.before.Get(k), after.Get(k))
			}
		}
	}
}

// TestJSCreditAndGamma: setSettings takes credit and gamma, settings()
// reports them (credit "togo" by default), and the grid then runs as a lab
// session with those settings does, bit for bit.
func TestJSCreditAndGamma(t *testing.T) {
	b := newTestBridge(t)
	d := jsDriver{t, b.object()}
	if c := d.call("settings").Get("credit").String(); c != "togo" {
		t.Errorf("default credit %q, want togo", c)
	}
	d.call("setSettings", map[string]any{"credit": "return", "gamma": 0.6})
	s := d.call("settings")
	if s.Get("credit").String() != "return" || s.Get("gamma").Float() != 0.6 {
		t.Errorf("settings after setSettings: credit %v, gamma %v", s.Get("credit"), s.Get("gamma"))
	}
	got := d.step(400)
	want := lab.DefaultSettings()
	want.Credit, want.Gamma = "return", 0.6
	g, err := lab.NewGrid(env.DefaultGrid(), want, defaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	g.Step(400)
	checkGrid(t, decodeGrid(t, got), g.Snapshot(recentTraj))
}
