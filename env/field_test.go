package env

import (
	"errors"
	"math"
	"testing"
)

func TestFieldReward(t *testing.T) {
	f, err := NewField(FieldConfig{Target: [2]float64{0.5, 0.4}, Width: 0.25, Distractor: &Bump{Center: [2]float64{-0.5, -0.5}, Height: 0.5, Width: 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]float64{{0.5, 0.4}, {0, 0}, {-0.5, -0.5}, {1, -1}} {
		d1 := (a[0]-0.5)*(a[0]-0.5) + (a[1]-0.4)*(a[1]-0.4)
		d2 := (a[0]+0.5)*(a[0]+0.5) + (a[1]+0.5)*(a[1]+0.5)
		want := math.Exp(-d1/(2*0.25*0.25)) + 0.5*math.Exp(-d2/(2*0.2*0.2))
		if got := f.Reward(a); math.Abs(got-want) > 1e-15 {
			t.Errorf("Reward(%v) = %v, want %v", a, got, want)
		}
	}
	if err := f.SetTarget(-0.2, 0.9); err != nil {
		t.Fatal(err)
	}
	if r := f.Reward([2]float64{-0.2, 0.9}); r < 1 {
		t.Errorf("reward at the moved target %v, want at least 1", r)
	}
}

func TestFieldErrors(t *testing.T) {
	bad := []FieldConfig{
		{Target: [2]float64{2, 0}, Width: 0.2},
		{Target: [2]float64{math.NaN(), 0}, Width: 0.2},
		{Target: [2]float64{0, 0}, Width: 0},
		{Target: [2]float64{0, 0}, Width: math.Inf(1)},
		{Target: [2]float64{0, 0}, Width: 0.2, Extent: -1},
		{Target: [2]float64{0, 0}, Width: 0.2, Distractor: &Bump{Height: 1.5, Width: 0.1}},
		{Target: [2]float64{0, 0}, Width: 0.2, Distractor: &Bump{Height: 0.5, Width: 0}},
	}
	for _, c := range bad {
		if _, err := NewField(c); err == nil {
			t.Errorf("NewField(%+v) accepted", c)
		} else if !errors.Is(err, ErrOutside) && !errors.Is(err, ErrParam) {
			t.Errorf("NewField(%+v): error %v of no known kind", c, err)
		}
	}
	f, _ := NewField(DefaultField())
	for _, p := range [][2]float64{{1.5, 0}, {0, math.Inf(-1)}, {math.NaN(), 0}} {
		if err := f.SetTarget(p[0], p[1]); !errors.Is(err, ErrOutside) {
			t.Errorf("SetTarget(%v): %v", p, err)
		}
	}
	if f.Target() != DefaultField().Target {
		t.Error("a failed SetTarget moved the target")
	}
}
