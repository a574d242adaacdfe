// Package rules holds the limits that more than one trainer enforces, so
// that the tabular trainers (pg, lab) and the neural ones (pg/deep) accept
// the same values and state them in the same words.
package rules

import "math"

// MaxLR is the largest learning rate any trainer accepts: far above any
// useful step (the defaults are 0.5 for the gridworld and below 0.01 for
// Adam), it refuses only typos such as 1e18.
const MaxLR = 1e6

// LRRule states the learning-rate rule in every error about it.
const LRRule = "must be a number in (0, 1e6]"

// ValidLR says whether lr satisfies LRRule.
func ValidLR(lr float64) bool {
	return !math.IsNaN(lr) && lr > 0 && lr <= MaxLR
}
