//go:build linux && amd64

// Command cpuclock measures the clock of the core it runs on without
// hardware counters (a VM often has none): a chain of dependent integer
// additions takes one cycle each, so additions per CPU-second of the thread
// is the clock in Hz. It then times two FMA loops to give the core's peak
// double-precision FLOP/s and the FMA latency in those cycles.
//
//	go run ./bench/cpuclock            (pin with taskset -c 1 for one core)
//
// CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time, so a process sharing
// the core with others still measures the clock it gets while it runs. The
// best of several rounds is printed, since an interruption only lowers a
// round's figure.
package main

import (
	"flag"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

func addChain(n int) int
func fmaThroughput(n int)
func fmaLatency(n int)

func cpuSeconds() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return float64(ts.Sec) + float64(ts.Nsec)*1e-9
}

// best returns the largest rate ops/CPU-second over the rounds of f.
func best(rounds int, ops float64, f func()) float64 {
	r := 0.0
	for range rounds {
		t0 := cpuSeconds()
		f()
		r = max(r, ops/(cpuSeconds()-t0))
	}
	return r
}

func main() {
	rounds := flag.Int("rounds", 7, "rounds of each loop; the best is printed")
	n := flag.Int("n", 50_000_000, "loop iterations per round")
	flag.Parse()
	runtime.LockOSThread()
	it := float64(*n)
	hz := best(*rounds, 16*it, func() {
		if addChain(*n) != 16**n {
			panic("addChain")
		}
	})
	fmas := best(*rounds, 12*it, func() { fmaThroughput(*n) })
	lat := best(*rounds, 4*it, func() { fmaLatency(*n) })
	fmt.Printf("clock (dependent ADDQ chain)  %.3f GHz\n", hz/1e9)
	fmt.Printf("FMA throughput                %.2f 4-wide FMAs per cycle, %.1f GFLOP/s (float64)\n", fmas/hz, fmas*8/1e9)
	fmt.Printf("FMA latency                   %.2f cycles\n", hz/lat)
}
