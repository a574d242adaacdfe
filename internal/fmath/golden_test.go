package fmath

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/bits.golden")

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
	const path = "testdata/bits.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if strings.TrimSpace(got) != strings.TrimSpace(string(want)) {
		t.Errorf("bits hash = %s, golden %s: results differ from the recorded platform", strings.TrimSpace(got), strings.TrimSpace(string(want)))
	}
}
