package fmath

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pgrad/pgrad/internal/golden"
)

// TestBitsGolden hashes the exact bits of many results and compares them
// with a file written on amd64. The Makefile runs this test natively and
// under GOOS=js GOARCH=wasm, so both platforms must produce the same bits.
func TestBitsGolden(t *testing.T) {
	h := fnv.New64a()
	r := rand.New(rand.NewPCG(11, 12))
	var b [8]byte
	put := func(x float64) {
		u := math.Float64bits(x)
		for i := range b {
			b[i] = byte(u >> (8 * i))
		}
		h.Write(b[:])
	}
	for i := 0; i < 100000; i++ {
		x := (r.Float64()*2 - 1) * 50
		put(Exp(x))
		put(Log(math.Abs(x) + 1e-3))
		put(Tanh(x / 10))
		put(Sigmoid(x))
		put(Normal(r))
	}
	got := fmt.Sprintf("%016x\n", h.Sum64())
	golden.Check(t, "testdata/bits.golden", []byte(got))
}
