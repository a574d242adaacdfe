package nn

import (
	"math"

	"github.com/pgrad/pgrad/internal/fmath"
)

// portable is the mode SetPortable chose; see there.
var portable bool

// SetPortable chooses, for the whole process, between the fast mode (the
// default: assembly kernels where the CPU has them, the standard library's
// math.Exp and math.Log) and the portable mode: every kernel in its pure-Go
// form and Exp and Log from internal/fmath, whose bits are the same on
// every platform. In portable mode a seeded run of pg/deep gives the same
// numbers, bit for bit, natively on amd64 and under GOOS=js GOARCH=wasm
// (the browser), which pgrad train -portable and the page rely on; it is
// about ten times slower natively, since the matrix kernel loses its
// vector instructions.
//
// The guarantee needs a compiler that rounds each product before adding
// it, which Go does on amd64 at the default GOAMD64=v1 and on wasm; with
// GOAMD64=v3, or on arm64, ppc64, s390x and riscv64, it fuses multiply-adds
// and results differ in the last bits.
//
// The mode is a process-wide setting, not per network, because it selects
// the kernels every network calls: set it before creating or training
// networks and do not change it while any of them is in use from another
// goroutine.
func SetPortable(on bool) {
	portable = on
	setAssembly(!on)
}

// Portable reports whether SetPortable(true) is in effect.
func Portable() bool { return portable }

// Exp returns e**x: math.Exp in the fast mode, fmath.Exp in the portable
// one. The neural policies and the losses call it for every
// exponential they take.
func Exp(x float64) float64 {
	if portable {
		return fmath.Exp(x)
	}
	return math.Exp(x)
}

// Log returns the natural logarithm of x: math.Log in the fast mode,
// fmath.Log in the portable one.
func Log(x float64) float64 {
	if portable {
		return fmath.Log(x)
	}
	return math.Log(x)
}
