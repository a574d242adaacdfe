package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pgrad/pgrad/internal/fmath"
)

// Orthogonal fills w, an in×out row-major weight matrix, with a random
// orthogonal matrix times gain, as torch.nn.init.orthogonal_ does for a
// torch weight of shape out×in: when out ≤ in the torch rows (our columns)
// are orthonormal, otherwise the torch columns (our rows) are. The matrix is
// Q of the QR factorisation of a Gaussian matrix, with R's diagonal made
// positive so that Q is uniformly (Haar) distributed.
//
// It panics if len(w) != in*out.
func Orthogonal(w []float64, in, out int, gain float64, r *rand.Rand) {
	if len(w) != in*out {
		panic(fmt.Sprintf("nn: Orthogonal on %d values for %d×%d", len(w), in, out))
	}
	// Build a tall matrix q (rows ≥ cols) column by column, then lay it out
	// so that its orthonormal columns become the shorter dimension of w.
	rows, cols := in, out
	if out > in {
		rows, cols = out, in
	}
	q := make([]float64, rows*cols) // column-major: column j at q[j*rows:]
	for i := range q {
		q[i] = fmath.Normal(r)
	}
	// Modified Gram–Schmidt, which equals Householder QR with a positive R
	// diagonal in exact arithmetic and is accurate enough for these sizes.
	for j := 0; j < cols; j++ {
		cj := q[j*rows : (j+1)*rows]
		for pass := 0; pass < 2; pass++ { // a second pass restores orthogonality lost to rounding
			for i := 0; i < j; i++ {
				ci := q[i*rows : (i+1)*rows]
				d := dot(ci, cj)
				for t := range cj {
					cj[t] -= d * ci[t]
				}
			}
		}
		norm := math.Sqrt(dot(cj, cj))
		for t := range cj {
			cj[t] /= norm
		}
	}
	// out ≤ in: columns of w (index o) are the orthonormal vectors over i.
	// out > in: rows of w (index i) are the orthonormal vectors over o.
	for i := 0; i < in; i++ {
		for o := 0; o < out; o++ {
			if out <= in {
				w[i*out+o] = gain * q[o*rows+i]
			} else {
				w[i*out+o] = gain * q[i*rows+o]
			}
		}
	}
}

// dot returns the inner product of a and b[:len(a)], summed in four
// interleaved parts so that the additions do not wait on each other.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
