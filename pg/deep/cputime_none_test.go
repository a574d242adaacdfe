//go:build !js && !unix

package deep

// cpuSeconds returns 0 where the tests have no CPU clock, so the
// benchmarks' cpu-µs/step metric reads 0.
func cpuSeconds() float64 { return 0 }
