//go:build js

package deep

import "syscall/js"

// cpuSeconds returns the CPU time (user + system) the process has used:
// Node's process.cpuUsage, which counts the wasm thread and V8's helpers.
func cpuSeconds() float64 {
	u := js.Global().Get("process").Call("cpuUsage")
	return (u.Get("user").Float() + u.Get("system").Float()) * 1e-6
}
