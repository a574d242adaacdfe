//go:build js && wasm

package main

import (
	"math"
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/pgrad/pgrad/web/jsargs"
)

// TestJSHostileArguments: every method of pgradDeepCore given each
// hostile value of issue 9 in each argument position returns an Error
// naming the method, and the session's frame stays bit for bit the same.
func TestJSHostileArguments(t *testing.T) {
	obj := newTestBridge(t).object()
	f64s(t, obj.Call("iterate", 2, 0))
	state := func() string {
		var b strings.Builder
		for _, v := range f64s(t, obj.Call("frame", 0, -1, 0)) {
			b.WriteString(strconv.FormatUint(math.Float64bits(v), 16) + " ")
		}
		return b.String()
	}
	want := state()
	valid := map[string][]any{
		"configure": {map[string]any{"env": "cartpole", "algo": "ppo", "seed": 1, "lr": 0.001, "hidden": 64}},
		"iterate":   {1, 0}, "frame": {0, -1, 0}, "defaults": {"cartpole", "ppo"},
	}
	calls := 0
	for m, args := range valid {
		for name, v := range jsargs.Hostile() {
			for pos := range args {
				a := append([]any(nil), args...)
				a[pos] = v
				res := obj.Call(m, a...)
				calls++
				if !res.InstanceOf(js.Global().Get("Error")) {
					t.Errorf("%s with %s at %d: %s, want an Error", m, name, pos, res.Type())
					continue
				}
				if msg := res.Get("message").String(); !strings.HasPrefix(msg, "pgrad: "+m+": ") || strings.Contains(msg, "internal error") {
					t.Errorf("%s with %s at %d: %q", m, name, pos, msg)
				}
				if state() != want {
					t.Fatalf("%s with %s at %d changed the session", m, name, pos)
				}
			}
		}
	}
	if calls != 6*8 {
		t.Errorf("%d calls, want 48 (8 argument positions × 6 values)", calls)
	}
}
