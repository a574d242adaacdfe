//go:build !purego

package nn

import (
	"math"
	"testing"
)

func TestFloat32Kernel(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512")
	}
	const m, k, p = 8, 64, 64
	a, b, c := make([]float32, m*k), make([]float32, k*p), make([]float32, m*p)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	for r := 0; r < m; r += 4 {
		gemm4x64F32AVX512(&c[r*p], p, &a[r*k], k, 1, &b[0], p, k, 1)
	}
	for r := 0; r < m; r++ {
		for o := 0; o < p; o++ {
			want := 0.0
			for j := 0; j < k; j++ {
				want += float64(a[r*k+j]) * float64(b[j*p+o])
			}
			if math.Abs(float64(c[r*p+o])-want) > 1e-3 {
				t.Fatalf("c[%d,%d] = %g, want %g", r, o, c[r*p+o], want)
			}
		}
	}
}

// BenchmarkGEMMFloat32 is BenchmarkGEMM/fwd128x64x64 in single precision,
// for the float32-versus-float64 decision.
func BenchmarkGEMMFloat32(b *testing.B) {
	if !useAVX512 {
		b.Skip("no AVX-512")
	}
	const m, k, p = 128, 64, 64
	a, bb, c := make([]float32, m*k), make([]float32, k*p), make([]float32, m*p)
	for b.Loop() {
		for r := 0; r < m; r += 4 {
			gemm4x64F32AVX512(&c[r*p], p, &a[r*k], k, 1, &bb[0], p, k, 1)
		}
	}
	b.ReportMetric(float64(2*m*k*p)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
