// Package seeded turns a run's seed into its source of randomness, built the
// same way everywhere so that a seed means the same stream in every
// package (docs/contracts.md).
package seeded

import "math/rand/v2"

// Rand returns a PCG generator seeded with (s, s^0x9e3779b97f4a7c15).
func Rand(s uint64) *rand.Rand {
	return rand.New(PCG(s))
}

// PCG returns the source of Rand(s), for a caller that saves and restores
// the generator's state (rand.PCG's MarshalBinary and UnmarshalBinary).
func PCG(s uint64) *rand.PCG {
	return rand.NewPCG(s, s^0x9e3779b97f4a7c15)
}
