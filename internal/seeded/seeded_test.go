package seeded

import (
	"math/rand/v2"
	"testing"
)

// Rand is the contract's construction: the streams, not just their start,
// match rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15)), and seeds differ.
func TestRandIsTheContractsPCG(t *testing.T) {
	for _, s := range []uint64{0, 1, 42, 1 << 63} {
		a, b := Rand(s), rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
		for i := range 100 {
			if x, y := a.Uint64(), b.Uint64(); x != y {
				t.Fatalf("seed %d, draw %d: %#x, want %#x", s, i, x, y)
			}
		}
	}
	if Rand(1).Uint64() == Rand(2).Uint64() {
		t.Error("seeds 1 and 2 start the same stream")
	}
}
