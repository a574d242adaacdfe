package main

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/lab"
)

// fakeValue is a JavaScript value for the decoder, built natively: every
// hostile shape the page could pass, including objects whose key listing
// or property reads throw.
type fakeValue struct {
	k         jsKind
	num       float64
	b         bool
	s         string
	keys      []string
	props     map[string]*fakeValue
	keysThrow bool
	getThrow  map[string]bool // own(key) throws (a getter or a trap)
}

func (v *fakeValue) kind() jsKind    { return v.k }
func (v *fakeValue) number() float64 { return v.num }
func (v *fakeValue) boolean() bool   { return v.b }
func (v *fakeValue) str(max int) (string, error) {
	if len(v.s) > max {
		return "", errors.New("too long")
	}
	return v.s, nil
}
func (v *fakeValue) ownKeys() ([]string, error) {
	if v.keysThrow {
		return nil, errors.New("trap")
	}
	return v.keys, nil
}
func (v *fakeValue) own(key string) (jsValue, bool, error) {
	if v.getThrow[key] {
		return nil, false, errors.New("getter threw")
	}
	p, ok := v.props[key]
	if !ok {
		return nil, false, nil
	}
	return p, true, nil
}

// fakeFrom builds a value from fuzz bytes, reading them as a little
// program; depth bounds the nesting.
func fakeFrom(data []byte, depth int) (*fakeValue, []byte) {
	if len(data) == 0 {
		return &fakeValue{k: kindUndefined}, nil
	}
	op, data := data[0], data[1:]
	v := &fakeValue{k: jsKind(op % 9)}
	take := func() byte {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return c
	}
	switch v.k {
	case kindNumber:
		nums := []float64{0, 1, -1, 0.5, 2.5, math.NaN(), math.Inf(1), math.Inf(-1), 1 << 53, 1<<53 + 2, 1e300, -0.0, 3, 100, 1e6, 36}
		v.num = nums[take()%16]
	case kindBoolean:
		v.b = take()%2 == 1
	case kindString:
		n := int(take() % 12)
		strs := []string{"", "none", "mean", "state", "togo", "return", "12", "9007199254740993", "-1", strings.Repeat("x", 300), "lr", "0x10"}
		v.s = strs[n]
	case kindObject:
		v.keysThrow = op&0x80 != 0
		keys := []string{"lr", "baseline", "entropy", "batch", "gamma", "credit", "seed", "foo"}
		n := int(take() % 5)
		for range n {
			key := keys[take()%8]
			v.keys = append(v.keys, key)
			if v.props == nil {
				v.props, v.getThrow = map[string]*fakeValue{}, map[string]bool{}
			}
			if take()%7 == 0 {
				v.getThrow[key] = true
				continue
			}
			if depth > 0 {
				var p *fakeValue
				p, data = fakeFrom(data, depth-1)
				v.props[key] = p
			}
		}
	}
	return v, data
}

// FuzzArgs drives the bridge's argument decoding natively with every shape
// of value: no input panics, an error names the method, and a rejected
// settings object leaves the settings exactly as they were.
func FuzzArgs(f *testing.F) {
	f.Add([]byte{3, 2, 3, 7})
	f.Add([]byte{7, 2, 0, 1, 3, 5, 1, 4, 3, 2})
	f.Add([]byte{0x87, 1, 0, 1})
	f.Add([]byte{7, 1, 6, 1, 4, 6})
	f.Add([]byte{6, 5, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		var vals []jsValue
		for len(data) > 0 && len(vals) < 4 {
			var v *fakeValue
			v, data = fakeFrom(data, 2)
			vals = append(vals, v)
		}
		a := newArgs("m", vals)
		n := a.count(0, "n", 1000)
		x := a.float(1, "x")
		a.optBool(2, "on", false)
		if a.err == nil && (n < 0 || n > 1000 || math.IsNaN(x) || math.IsInf(x, 0)) {
			t.Fatalf("accepted n %d, x %v", n, x)
		}
		if a.err != nil && !strings.HasPrefix(a.err.Error(), "pgrad: m: ") {
			t.Fatalf("error %q does not name the method", a.err)
		}
		a = newArgs("restart", vals)
		if s := a.seed(0, "seed"); a.err == nil && s > maxSeed {
			t.Fatalf("seed %d accepted", s)
		}
		cur := lab.DefaultSettings()
		a = newArgs("setSettings", vals)
		s, err := settingsFrom(a, cur)
		if err != nil {
			if s != cur {
				t.Fatalf("rejected, but returned %+v instead of %+v", s, cur)
			}
			return
		}
		o, _ := vals[0].(*fakeValue)
		if o == nil || o.k != kindObject {
			t.Fatal("settings accepted from a non-object")
		}
		for _, f := range []struct {
			key       string
			got, prev float64
		}{{"lr", s.LR, cur.LR}, {"entropy", s.Entropy, cur.Entropy}, {"gamma", s.Gamma, cur.Gamma}, {"batch", float64(s.Batch), float64(cur.Batch)}} {
			p := o.props[f.key]
			if p == nil || p.k == kindUndefined {
				if f.got != f.prev {
					t.Fatalf("%s changed to %v without an own value", f.key, f.got)
				}
			} else if p.k != kindNumber || f.got != p.num {
				t.Fatalf("%s = %v from %+v", f.key, f.got, p)
			}
		}
	})
}

func TestArgsMessages(t *testing.T) {
	big := &fakeValue{k: kindBigInt}
	a := newArgs("step", []jsValue{big})
	a.count(0, "n", 10)
	if a.err == nil || a.err.Error() != "pgrad: step: n must be a number, not a BigInt" {
		t.Errorf("BigInt: %v", a.err)
	}
	obj := &fakeValue{k: kindObject, keys: []string{"lr"}, getThrow: map[string]bool{"lr": true}}
	if _, err := settingsFrom(newArgs("setSettings", []jsValue{obj}), lab.DefaultSettings()); err == nil || !strings.Contains(err.Error(), "settings.lr cannot be read") {
		t.Errorf("a throwing getter: %v", err)
	}
	trap := &fakeValue{k: kindObject, keysThrow: true}
	if _, err := settingsFrom(newArgs("setSettings", []jsValue{trap}), lab.DefaultSettings()); err == nil || !strings.Contains(err.Error(), "settings cannot be read") {
		t.Errorf("a throwing ownKeys: %v", err)
	}
	for _, c := range []struct {
		s    string
		want string
	}{{"", "is empty"}, {"9007199254740993", "2^53"}, {"7", ""}} {
		a := newArgs("restart", []jsValue{&fakeValue{k: kindString, s: c.s}})
		seed := a.seed(0, "seed")
		if c.want == "" && (a.err != nil || seed != 7) || c.want != "" && (a.err == nil || !strings.Contains(a.err.Error(), c.want)) {
			t.Errorf("seed %q: %d %v", c.s, seed, a.err)
		}
	}
}
