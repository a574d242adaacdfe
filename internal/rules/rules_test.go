package rules

import (
	"math"
	"testing"
)

func TestValidLR(t *testing.T) {
	for _, c := range []struct {
		lr   float64
		want bool
	}{{1e-9, true}, {0.5, true}, {MaxLR, true}, {math.Nextafter(MaxLR, 2e6), false}, {1e18, false}, {0, false}, {-1, false}, {math.NaN(), false}, {math.Inf(1), false}} {
		if got := ValidLR(c.lr); got != c.want {
			t.Errorf("ValidLR(%v) = %v", c.lr, got)
		}
	}
}
