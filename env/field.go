package env

import (
	"math"

	"github.com/pgrad/pgrad/internal/fmath"
)

// A Bump is a Gaussian-shaped hill of reward in the action plane:
// Height·exp(−‖a−Center‖²/(2·Width²)).
type Bump struct {
	Center [2]float64
	Height float64
	Width  float64
}

// At returns the height of the bump at a.
func (b Bump) At(a [2]float64) float64 {
	dx, dy := a[0]-b.Center[0], a[1]-b.Center[1]
	d2 := float64(dx*dx) + float64(dy*dy)
	return float64(b.Height * fmath.Exp(-d2/float64(2*float64(b.Width*b.Width))))
}

// A FieldConfig describes the field task: a one-step problem in which the
// agent proposes a point a of the plane and receives
// exp(−‖a−Target‖²/(2·Width²)), plus the Distractor's height there when
// there is one. Extent is the half-width of the square [−Extent, Extent]²
// in which the target must lie and which a picture of the field shows.
type FieldConfig struct {
	Target     [2]float64
	Width      float64
	Distractor *Bump
	Extent     float64 // 0 means 1
}

// DefaultField returns the task the browser shows: a bump of width 0.35
// at (0.5, 0.4) in the square [−1, 1]², no distractor. The width is wide
// enough that a policy that has settled on an old target still sees a
// little reward from a new one and can follow it.
func DefaultField() FieldConfig {
	return FieldConfig{Target: [2]float64{0.5, 0.4}, Width: 0.35, Extent: 1}
}

func (c FieldConfig) extent() float64 {
	if c.Extent == 0 {
		return 1
	}
	return c.Extent
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate reports the first problem of c: a width or extent that is not
// positive and finite, a target outside the square, a distractor that is
// not a finite bump of positive width and a height in [0, 1).
func (c FieldConfig) Validate() error {
	e := c.extent()
	if !finite(e) || e <= 0 || e > 1e6 {
		return configErr(ErrParam, "field extent %v must be positive and finite", c.Extent)
	}
	if !finite(c.Width) || c.Width <= 0 || c.Width > 1e6 {
		return configErr(ErrParam, "field width %v must be positive and finite", c.Width)
	}
	if err := c.checkTarget(c.Target); err != nil {
		return err
	}
	if d := c.Distractor; d != nil {
		if !finite(d.Width) || d.Width <= 0 || d.Width > 1e6 {
			return configErr(ErrParam, "distractor width %v must be positive and finite", d.Width)
		}
		if !finite(d.Height) || d.Height < 0 || d.Height >= 1 {
			return configErr(ErrParam, "distractor height %v must be in [0, 1)", d.Height)
		}
		if !finite(d.Center[0]) || !finite(d.Center[1]) || math.Abs(d.Center[0]) > e || math.Abs(d.Center[1]) > e {
			return configErr(ErrOutside, "distractor centre (%v, %v) is outside the field [−%v, %v]²", d.Center[0], d.Center[1], e, e)
		}
	}
	return nil
}

func (c FieldConfig) checkTarget(t [2]float64) error {
	e := c.extent()
	if !finite(t[0]) || !finite(t[1]) || math.Abs(t[0]) > e || math.Abs(t[1]) > e {
		return configErr(ErrOutside, "target (%v, %v) is outside the field [−%v, %v]²", t[0], t[1], e, e)
	}
	return nil
}

// A Field is the one-step continuous task of a valid FieldConfig.
type Field struct {
	cfg        FieldConfig
	main       Bump
	distractor Bump // Height 0 when there is none
}

// NewField returns the task described by c, or the error of c.Validate.
func NewField(c FieldConfig) (*Field, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	f := &Field{}
	f.install(c)
	return f, nil
}

func (f *Field) install(c FieldConfig) {
	if c.Extent == 0 {
		c.Extent = 1
	}
	if c.Distractor != nil {
		d := *c.Distractor
		c.Distractor = &d
		f.distractor = d
	} else {
		f.distractor = Bump{Width: 1}
	}
	f.cfg = c
	f.main = Bump{Center: c.Target, Height: 1, Width: c.Width}
}

// Config returns a copy of the task's configuration.
func (f *Field) Config() FieldConfig {
	c := f.cfg
	if c.Distractor != nil {
		d := *c.Distractor
		c.Distractor = &d
	}
	return c
}

// Width returns the width of the main bump.
func (f *Field) Width() float64 { return f.cfg.Width }

// Extent returns the half-width of the square the field is shown in.
func (f *Field) Extent() float64 { return f.cfg.Extent }

// Distractor returns the second bump and whether there is one, without
// allocating.
func (f *Field) Distractor() (Bump, bool) {
	if f.cfg.Distractor == nil {
		return Bump{}, false
	}
	return *f.cfg.Distractor, true
}

// Target returns the centre of the main bump.
func (f *Field) Target() [2]float64 { return f.cfg.Target }

// Reward returns the reward for proposing the point a.
func (f *Field) Reward(a [2]float64) float64 {
	r := f.main.At(a)
	if f.distractor.Height != 0 {
		r += f.distractor.At(a)
	}
	return r
}

// SetTarget moves the main bump to (x, y). It returns an error, and
// changes nothing, when the point is not finite or lies outside the field.
func (f *Field) SetTarget(x, y float64) error {
	t := [2]float64{x, y}
	if err := f.cfg.checkTarget(t); err != nil {
		return err
	}
	f.cfg.Target = t
	f.main.Center = t
	return nil
}
