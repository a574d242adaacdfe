//go:build !purego

package nn

// gemm4x64F32AVX512 is the float32 kernel behind BenchmarkGEMMFloat32.
//
//go:noescape
func gemm4x64F32AVX512(c *float32, ldc int, a *float32, ars, acs int, b *float32, ldb int, k, blocks int)
