// Package seeded turns a run's seed into its source of randomness, built the
// same way everywhere so that a seed means the same stream in every
// package (docs/contracts.md).
package seeded

import "math/rand/v2"

// Rand returns a PCG generator seeded with (s, s^0x9e3779b97f4a7c15).
func Rand(s uint64) *rand.Rand {
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}
