package jsargs

import (
	"errors"
	"math"
	"strings"
)

// Fake is a JavaScript value built natively, for tests and fuzz targets
// that drive a decoder without a JavaScript host: every shape a page could
// pass, including objects whose key listing or property reads throw.
type Fake struct {
	K         Kind
	N         float64
	B         bool
	S         string
	Keys      []string         // own enumerable keys, in order
	Props     map[string]*Fake // their values (a key without one is undefined)
	KeysThrow bool             // OwnKeys throws (a Proxy trap)
	GetThrow  map[string]bool  // Own(key) throws (a getter or a trap)
}

func (v *Fake) Kind() Kind   { return v.K }
func (v *Fake) Num() float64 { return v.N }
func (v *Fake) Bool() bool   { return v.B }

func (v *Fake) Str(max int) (string, error) {
	if len(v.S) > max {
		return "", errors.New("is too long")
	}
	return v.S, nil
}

func (v *Fake) OwnKeys() ([]string, error) {
	if v.KeysThrow {
		return nil, errors.New("trap")
	}
	return v.Keys, nil
}

func (v *Fake) Own(key string) (Value, bool, error) {
	if v.GetThrow[key] {
		return nil, false, errors.New("getter threw")
	}
	p, ok := v.Props[key]
	if !ok {
		return nil, false, nil
	}
	return p, true, nil
}

// FakeArgs reads fuzz bytes as a little program building up to max
// argument values, objects nested up to two deep, with keys drawn from
// keys; it returns the values and what of data was not used.
func FakeArgs(data []byte, keys []string, max int) []Value {
	var vals []Value
	for len(data) > 0 && len(vals) < max {
		var v *Fake
		v, data = fakeFrom(data, keys, 2)
		vals = append(vals, v)
	}
	return vals
}

var fakeNumbers = []float64{0, 1, -1, 0.5, 2.5, math.NaN(), math.Inf(1), math.Inf(-1), 1 << 53, 1<<53 + 2, 1e300, math.Copysign(0, -1), 3, 100, 1e6, 36}

var fakeStrings = []string{"", "none", "mean", "state", "togo", "return", "12", "9007199254740993", "-1", strings.Repeat("x", 300), "lr", "0x10", "cartpole", "ppo"}

func fakeFrom(data []byte, keys []string, depth int) (*Fake, []byte) {
	if len(data) == 0 {
		return &Fake{K: Undefined}, nil
	}
	op, data := data[0], data[1:]
	take := func() int {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return int(c)
	}
	v := &Fake{K: Kind(op % 9)}
	switch v.K {
	case Number:
		v.N = fakeNumbers[take()%len(fakeNumbers)]
	case Boolean:
		v.B = take()%2 == 1
	case String:
		v.S = fakeStrings[take()%len(fakeStrings)]
	case Object:
		v.KeysThrow = op&0x80 != 0
		v.Props, v.GetThrow = map[string]*Fake{}, map[string]bool{}
		for range take() % 6 {
			key := "unknown"
			if k := take() % (len(keys) + 1); k < len(keys) {
				key = keys[k]
			}
			v.Keys = append(v.Keys, key)
			if take()%7 == 0 {
				v.GetThrow[key] = true
			} else if depth > 0 {
				var p *Fake
				p, data = fakeFrom(data, keys, depth-1)
				v.Props[key] = p
			}
		}
	}
	return v, data
}
