package nn

import (
	"math"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

func tanhInputs() []float64 {
	xs := []float64{0, -0.0, 1e-300, -1e-300, 1e-8, 0.1, 0.5, -0.5, 0.6931, 1, -1, 2.5, 7, -7, 19.9, 20, 20.1, 22, 40, -40, 700, 1e300, math.Inf(1), math.Inf(-1)}
	r := seeded.Rand(5)
	for i := 0; i < 4000; i++ {
		xs = append(xs, 12*r.Float64()-6, (2*r.Float64()-1)*math.Pow(10, 3*r.Float64()-6))
	}
	return xs
}

// TestTanh compares the tanh kernels (AVX-512, AVX2 and Go, as the machine
// allows) with math.Tanh, over lengths that leave remainders for each.
func TestTanh(t *testing.T) {
	have := useAVX512
	defer func() { useAVX512 = have }()
	for _, wide := range []bool{false, true} {
		useAVX512 = wide && have
		for _, cut := range []int{0, 1, 3, 4, 5, 7, 12, 13} {
			testTanh(t, tanhInputs()[cut:])
		}
	}
}

func testTanh(t *testing.T, xs []float64) {
	ys := append([]float64(nil), xs...)
	tanhInPlace(ys) // the assembly kernels where there are some
	for i, x := range xs {
		want := math.Tanh(x)
		for name, got := range map[string]float64{"kernel": ys[i], "Go": tanhGo(x)} {
			if math.Abs(got-want) > 4e-16 || math.Signbit(got) != math.Signbit(want) {
				t.Fatalf("%s tanh(%g) = %.17g, math.Tanh %.17g", name, x, got, want)
			}
		}
		if math.Abs(ys[i]-tanhGo(x)) > 1e-15 {
			t.Fatalf("tanh(%g): kernel %.17g, Go %.17g", x, ys[i], tanhGo(x))
		}
	}
	nan := []float64{1, 2, math.NaN(), 4, 5, 6, math.NaN(), 8}
	tanhInPlace(nan)
	if !math.IsNaN(nan[2]) || !math.IsNaN(nan[6]) || !math.IsNaN(tanhGo(math.NaN())) {
		t.Fatal("tanh(NaN) is not NaN")
	}
}
