//go:build js && wasm

package main

import (
	"syscall/js"
	"testing"
)

// The nudge frames that cross to JS equal the direct ones bit for bit, and
// a bad argument is an Error that runs no rollout.
func TestJSNudge(t *testing.T) {
	viaJS := newTestBridge(t)
	d := jsDriver{t, viaJS.object()}
	direct := newTestBridge(t)
	for k, fromLab := range []bool{false, false, true, false} {
		got := d.frame(d.call("nudge", fromLab))
		want, err := direct.nudgeRollout(fromLab)
		if err != nil {
			t.Fatal(err)
		}
		if !sameBits(got, want) {
			t.Errorf("nudge %d differs between the JS path and the direct one", k)
		}
	}
	for _, arg := range []any{"yes", 1} {
		v := d.obj.Call("nudge", arg)
		if !v.InstanceOf(js.Global().Get("Error")) {
			t.Errorf("nudge(%v) returned %s, want an Error", arg, v.Type())
		}
	}
	got := d.frame(d.call("nudge"))
	want, _ := direct.nudgeRollout(false)
	if !sameBits(got, want) {
		t.Error("a rejected call ran a rollout")
	}
}
