//go:build js && wasm

package main

import (
	"math"
	"os"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
)

// f64s copies a returned Float64Array up to the length its header gives.
func f64s(t *testing.T, v js.Value) []float64 {
	t.Helper()
	if v.InstanceOf(js.Global().Get("Error")) {
		t.Fatalf("Error: %s", v.Get("message").String())
	}
	if !v.InstanceOf(js.Global().Get("Float64Array")) {
		t.Fatalf("got %s, want a Float64Array", v.Type())
	}
	n := v.Index(12).Int()
	out := make([]float64, n)
	for i := range out {
		out[i] = v.Index(i).Float()
	}
	return out
}

// Through the JS API in wasm, six iterations of the default CartPole PPO
// run give the learning curve of pg/deep's portable golden file (written
// natively), bit for bit.
func TestJSCurveIsThePortableGolden(t *testing.T) {
	obj := newTestBridge(t).object()
	f := f64s(t, obj.Call("iterate", 6, 0))
	if f[2] != 6 || f[13] != 0 || f[14] != 6 {
		t.Fatalf("header: %v iterations, curve from %v, %v points", f[2], f[13], f[14])
	}
	b, err := os.ReadFile("../../pg/deep/testdata/portable.golden")
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, line := range strings.Split(string(b), "\n") {
		w := strings.Fields(line)
		if len(w) < 7 || w[0] != "cartpole" || w[1] != "ppo" || w[2] != "1" || w[3] == "parameters" {
			continue
		}
		steps, recent := f[32+2*i], f[32+2*i+1]
		if strconv.Itoa(int(steps)) != w[4] || strconv.FormatFloat(recent, 'g', -1, 64) != w[6] {
			t.Fatalf("iteration %s: wasm (%v, %v), golden (%s, %s)", w[3], steps, recent, w[4], w[6])
		}
		i++
	}
	if i != 6 {
		t.Fatalf("%d golden lines for cartpole ppo seed 1, want 6", i)
	}
}

// Bad input from the page (NaN, a negative or huge width, an unknown
// algorithm, wrong types, unknown keys) returns a JS Error and changes
// nothing.
func TestJSBadInput(t *testing.T) {
	obj := newTestBridge(t).object()
	f64s(t, obj.Call("iterate", 2, 0))
	state := func() string {
		f := f64s(t, obj.Call("frame", 0, -1, 0))
		var b strings.Builder
		for _, v := range f {
			b.WriteString(strconv.FormatUint(math.Float64bits(v), 16) + " ")
		}
		return b.String()
	}
	want := state()
	good := func() map[string]any {
		return map[string]any{"env": "cartpole", "algo": "ppo", "seed": 1, "lr": 0.001, "hidden": 64}
	}
	edits := []func(map[string]any){
		func(m map[string]any) { m["lr"] = math.NaN() },
		func(m map[string]any) { m["lr"] = -0.1 },
		func(m map[string]any) { m["hidden"] = -8 },
		func(m map[string]any) { m["hidden"] = 1e12 },
		func(m map[string]any) { m["hidden"] = 100000 },
		func(m map[string]any) { m["hidden"] = 2.5 },
		func(m map[string]any) { m["hidden"] = math.NaN() },
		func(m map[string]any) { m["algo"] = "dqn" },
		func(m map[string]any) { m["env"] = "pong" },
		func(m map[string]any) { m["seed"] = -1 },
		func(m map[string]any) { m["seed"] = "1" },
		func(m map[string]any) { m["width"] = 64 },
		func(m map[string]any) { delete(m, "lr") },
	}
	for i, e := range edits {
		m := good()
		e(m)
		v := obj.Call("configure", m)
		if !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("configure case %d (%v) did not return an Error", i, m)
		}
	}
	for _, args := range [][]any{{-1, 0}, {1.5, 0}, {math.NaN(), 0}, {maxIterate + 1, 0}, {"3", 0}, {}, {1}, {1, 99}} {
		if v := obj.Call("iterate", args...); !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("iterate%v did not return an Error", args)
		}
	}
	for _, args := range [][]any{{-1, -1, 0}, {0, 7, 0}, {0, -1, 99}, {math.Inf(1), -1, 0}, {0}} {
		if v := obj.Call("frame", args...); !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("frame%v did not return an Error", args)
		}
	}
	// Values syscall/js cannot read return an Error too, and the engine
	// keeps running.
	big := js.Global().Call("BigInt", 3)
	sym := js.Global().Call("Symbol", "x")
	for _, args := range [][]any{{big, 0}, {sym, 0}} {
		if v := obj.Call("iterate", args...); !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("iterate(%v) did not return an Error", args[0])
		}
	}
	m := good()
	m["hidden"] = big
	if v := obj.Call("configure", m); !v.InstanceOf(js.Global().Get("Error")) {
		t.Error("configure with a BigInt width did not return an Error")
	}
	if v := obj.Call("defaults", "cartpole", "dqn"); !v.InstanceOf(js.Global().Get("Error")) {
		t.Error("defaults(cartpole, dqn) did not return an Error")
	}
	if got := state(); got != want {
		t.Fatal("bad input changed the session")
	}
	if v := obj.Call("configure", good()); v.InstanceOf(js.Global().Get("Error")) {
		t.Fatalf("a good configure failed: %s", v.Get("message").String())
	}
	if cmd := obj.Call("command").String(); cmd != "pgrad train cartpole -seed 1 -lr 0.001 -portable" {
		t.Errorf("command %q", cmd)
	}
}
