package jsargs

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// FuzzArgs drives every decoder with every shape of value: no input
// panics, what is accepted is in range, an error is an *Error naming the
// method, and an object's setters change *dst only to an own value of the
// right type.
func FuzzArgs(f *testing.F) {
	f.Add([]byte{3, 2, 3, 7})
	f.Add([]byte{7, 2, 0, 1, 3, 5, 1, 4, 3, 2})
	f.Add([]byte{0x87, 1, 0, 1})
	f.Add([]byte{7, 1, 6, 1, 4, 6})
	f.Add([]byte{6, 5, 8, 4, 7})
	keys := []string{"a", "n", "s", "seed"}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals := FakeArgs(data, keys, 5)
		a := NewArgs("m", vals)
		n := a.Count(0, "n", 1000)
		x := a.Float(1, "x")
		w := a.Whole(2, "w", -1, 5)
		a.OptBool(3, "on", false)
		if a.Err == nil && (n < 0 || n > 1000 || math.IsNaN(x) || math.IsInf(x, 0) || w < -1 || w > 5) {
			t.Fatalf("accepted n %d, x %v, w %d", n, x, w)
		}
		var e *Error
		if a.Err != nil && (!errors.As(a.Err, &e) || e.Method != "m" || !strings.HasPrefix(a.Err.Error(), "pgrad: m: ")) {
			t.Fatalf("error %q", a.Err)
		}
		a = NewArgs("restart", vals)
		if s := a.Seed(0, "seed"); a.Err == nil && s > MaxSeed {
			t.Fatalf("seed %d accepted", s)
		}
		a = NewArgs("set", vals)
		o := a.Object(0, "opts", keys, nil)
		fa, cn, st, sd := 7.5, 3, "keep", uint64(9)
		o.Float("a", &fa)
		o.Count("n", &cn, 50)
		o.Str("s", &st)
		o.Seed("seed", &sd)
		obj, _ := a.Arg(0).(*Fake)
		if a.Err != nil {
			return
		}
		if obj == nil || obj.K != Object || obj.KeysThrow {
			t.Fatalf("an object accepted from %+v", a.Arg(0))
		}
		for _, k := range obj.Keys {
			if k == "unknown" {
				t.Fatal("an unknown key accepted")
			}
		}
		own := func(k string) *Fake {
			if p := obj.Props[k]; p != nil && p.K != Undefined {
				return p
			}
			return nil
		}
		if p := own("a"); p == nil && fa != 7.5 || p != nil && (p.K != Number || p.N != fa) {
			t.Fatalf("a = %v from %+v", fa, p)
		}
		if p := own("n"); p == nil && cn != 3 || p != nil && (p.K != Number || float64(cn) != p.N) {
			t.Fatalf("n = %v from %+v", cn, p)
		}
		if p := own("s"); p == nil && st != "keep" || p != nil && (p.K != String || p.S != st) {
			t.Fatalf("s = %q from %+v", st, p)
		}
	})
}

func TestMessages(t *testing.T) {
	a := NewArgs("step", []Value{&Fake{K: BigInt}})
	a.Count(0, "n", 10)
	var e *Error
	if a.Err == nil || a.Err.Error() != "pgrad: step: n must be a number, not a BigInt" || !errors.As(a.Err, &e) || e.Arg != "n" {
		t.Errorf("BigInt: %v", a.Err)
	}
	a = NewArgs("step", nil)
	a.Count(0, "n", 10)
	if a.Err == nil || !strings.Contains(a.Err.Error(), "not undefined") {
		t.Errorf("missing: %v", a.Err)
	}
	obj := &Fake{K: Object, Keys: []string{"lr"}, GetThrow: map[string]bool{"lr": true}}
	a = NewArgs("setSettings", []Value{obj})
	x := 1.0
	a.Object(0, "settings", []string{"lr"}, nil).Float("lr", &x)
	if a.Err == nil || !strings.Contains(a.Err.Error(), "settings.lr cannot be read") || x != 1 {
		t.Errorf("a throwing getter: %v, x %v", a.Err, x)
	}
	a = NewArgs("setSettings", []Value{&Fake{K: Object, KeysThrow: true}})
	a.Object(0, "settings", []string{"lr"}, nil)
	if a.Err == nil || !strings.Contains(a.Err.Error(), "settings cannot be read") {
		t.Errorf("a throwing ownKeys: %v", a.Err)
	}
	a = NewArgs("setSettings", []Value{&Fake{K: Object, Keys: []string{"seed"}}})
	a.Object(0, "settings", []string{"lr"}, map[string]string{"seed": "; use restart"})
	if a.Err == nil || !strings.Contains(a.Err.Error(), `unknown key "seed" (known: lr); use restart`) {
		t.Errorf("unknown key: %v", a.Err)
	}
	for _, c := range []struct {
		s    string
		want string
	}{{"", "is empty"}, {"9007199254740993", "2^53"}, {"7", ""}, {" 7", "not"}} {
		a := NewArgs("restart", []Value{&Fake{K: String, S: c.s}})
		seed := a.Seed(0, "seed")
		if c.want == "" && (a.Err != nil || seed != 7) || c.want != "" && (a.Err == nil || !strings.Contains(a.Err.Error(), c.want)) {
			t.Errorf("seed %q: %d %v", c.s, seed, a.Err)
		}
	}
}
