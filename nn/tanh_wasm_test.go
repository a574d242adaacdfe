//go:build !purego

package nn

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

// TestTanhWasmIsTanhSliceGo checks the WebAssembly tanh kernel against
// tanhSliceGo bit for bit (NaNs by their bits too), or the portable mode's
// numbers would differ between the browser and native runs: ±0, NaNs,
// ±Inf, ±20 and its neighbours, tiny and subnormal values, the points
// where t·(1/ln2) is half-way between two integers (where the reduction
// picks its k) and their neighbours, and a million random values over
// scales from 1e-9 to 1e3. It also checks the kernel writes exactly the
// slice it is given.
func TestTanhWasmIsTanhSliceGo(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), math.NaN(), -math.NaN(),
		math.Float64frombits(0x7ff0000000000001), math.Float64frombits(0xfff8000000000123),
		math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
		5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 1e-17, 1e-9, -1e-9}
	for _, b := range []float64{20, -20, 19, 21, 18.5} {
		lo, hi := b, b
		for i := 0; i < 8; i++ {
			xs = append(xs, lo, hi)
			lo, hi = math.Nextafter(lo, math.Inf(-1)), math.Nextafter(hi, math.Inf(1))
		}
	}
	for k := 0; k <= 60; k++ {
		// t = 2|x| with t/ln2 = k + 1/2: the rounding of kd decides k.
		b := (float64(k) + 0.5) * math.Ln2 / 2
		lo, hi := b, b
		for i := 0; i < 6; i++ {
			xs = append(xs, lo, hi, -lo, -hi)
			lo, hi = math.Nextafter(lo, 0), math.Nextafter(hi, math.Inf(1))
		}
	}
	r := seeded.Rand(11)
	for i := 0; i < 1000000; i++ {
		x := (2*r.Float64() - 1) * math.Pow(10, 12*r.Float64()-9)
		xs = append(xs, x)
	}
	want := append([]float64(nil), xs...)
	tanhSliceGo(want)
	got := append([]float64(nil), xs...)
	tanhInPlace(got)
	for i := range xs {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("tanh(%v = %#x): kernel %v (%#x), tanhSliceGo %v (%#x)", xs[i],
				math.Float64bits(xs[i]), got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
	// Lengths 0..9 inside a longer slice: the elements around it stay.
	for n := 0; n <= 9; n++ {
		buf := make([]float64, n+2)
		for i := range buf {
			buf[i] = 0.25 * float64(i+1)
		}
		w := append([]float64(nil), buf...)
		tanhSliceGo(w[1 : n+1])
		tanhInPlace(buf[1 : n+1])
		for i := range buf {
			if math.Float64bits(buf[i]) != math.Float64bits(w[i]) {
				t.Fatalf("n=%d: element %d is %v, want %v", n, i, buf[i], w[i])
			}
		}
	}
}

// TestTanhWasmConstants checks that every F64Const in tanh_wasm.s marked
// with a constant's name parses (as the assembler parses it, with
// strconv.ParseFloat) to the bits of the Go constant of tanh.go, and that
// all sixteen are there.
func TestTanhWasmConstants(t *testing.T) {
	src, err := os.ReadFile("tanh_wasm.s")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"1/ln2": 1 / math.Ln2, "shifter": shifter, "ln2Hi": ln2Hi, "ln2Lo": ln2Lo,
		"c2": c2, "c3": c3, "c4": c4, "c5": c5, "c6": c6, "c7": c7, "c8": c8, "c9": c9,
		"c10": c10, "c11": c11, "c12": c12, "c13": c13}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`F64Const \$(\S+) // (\S+)`).FindAllStringSubmatch(string(src), -1) {
		w, ok := want[m[2]]
		if !ok {
			t.Fatalf("F64Const %s is marked %q, not one of tanh.go's constants", m[1], m[2])
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(v) != math.Float64bits(w) {
			t.Errorf("%s: F64Const %s is %#x, the Go constant %#x", m[2], m[1], math.Float64bits(v), math.Float64bits(w))
		}
		seen[m[2]] = true
	}
	if len(seen) != len(want) {
		t.Errorf("found %d of the %d constants in tanh_wasm.s: %v", len(seen), len(want), seen)
	}
}
