// Package jsargs is the one place where pgrad's wasm bridges (web/wasm
// and web/wasmdeep) read what JavaScript passed to an exported function.
// It knows JavaScript values only through the Value interface, which
// syscall/js values implement under wasm (New, in js.go) and tests and the
// fuzz target implement natively, so that no value a page can build (a
// BigInt, a Symbol, a Proxy whose traps throw, a getter that throws, a
// frozen or inherited object) reaches syscall/js in a way that panics.
//
// # Use in an exported function
//
// Register every method through Func (js.go), which runs it under recover
// and turns a returned error into a JS Error; decode all arguments first
// and check Args.Err once, before changing anything, so that a rejected
// call changes nothing:
//
//	"myMethod": func(raw []js.Value) (any, error) {
//		a := jsargs.New("myMethod", raw)
//		n := a.Count(0, "n", 1000)        // argument 0, named "n" in errors
//		on := a.OptBool(1, "on", false)
//		o := a.Object(2, "opts", []string{"lr"}, nil)
//		lr := 0.5
//		o.Float("lr", &lr)                 // own enumerable data property only
//		if a.Err != nil {
//			return nil, a.Err           // *jsargs.Error: "pgrad: myMethod: n must be …"
//		}
//		...change the session, return a frame...
//	}
//	obj.Set(name, jsargs.Func(name, m))
//
// Never call Type, Get, Float or String on a raw js.Value from the page.
//
// Objects are read by their own enumerable data properties (Object.keys
// and Object.getOwnPropertyDescriptor): an inherited key is neither
// listed nor applied, and an accessor is refused, never run.
package jsargs

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is what typeof says of a value, with null apart.
type Kind int

// The kinds of JavaScript values.
const (
	Undefined Kind = iota
	Null
	Boolean
	Number
	String
	Symbol
	BigInt // and anything else syscall/js cannot name
	Object
	Function
)

var kindNames = [...]string{"undefined", "null", "a boolean", "a number", "a string", "a Symbol", "a BigInt", "an object", "a function"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "an unknown value"
}

// Value is what the decoder needs of a JavaScript value. No method may
// panic; one that runs JavaScript (a Proxy trap) returns its exception as
// an error.
type Value interface {
	Kind() Kind
	Num() float64 // for Number
	Bool() bool   // for Boolean
	// Str returns a String value's text, refusing one longer than max
	// bytes.
	Str(max int) (string, error)
	// OwnKeys returns the object's own enumerable string keys
	// (Object.keys).
	OwnKeys() ([]string, error)
	// Own returns the value of the object's own enumerable data property
	// key; ok is false when there is none. An accessor (a getter) is an
	// error: the bridge never runs page code to read an argument.
	Own(key string) (v Value, ok bool, err error)
}

// MaxString bounds a string argument.
const MaxString = 256

// MaxKeys bounds the keys of an object argument.
const MaxKeys = 64

// MaxSeed is the largest seed: a page reads a seed back as a JS number,
// which holds every whole number up to 2^53 exactly.
const MaxSeed = 1 << 53

// An Error is a rejected argument: the method, the argument (or
// "argument.key") and what is wrong with it.
type Error struct {
	Method, Arg, Msg string
}

func (e *Error) Error() string { return "pgrad: " + e.Method + ": " + e.Arg + " " + e.Msg }

// Args decodes the arguments of one call of Method. The first error sticks
// in Err; later reads return zero values, so a method reads all its
// arguments and checks Err once.
type Args struct {
	Method string
	Err    error
	vals   []Value
}

// NewArgs returns the decoder of method's arguments vals.
func NewArgs(method string, vals []Value) *Args { return &Args{Method: method, vals: vals} }

// Fail records the first error for argument name.
func (a *Args) Fail(name, format string, v ...any) {
	if a.Err == nil {
		a.Err = &Error{Method: a.Method, Arg: name, Msg: fmt.Sprintf(format, v...)}
	}
}

// Arg returns argument i, undefined when missing.
func (a *Args) Arg(i int) Value {
	if i >= 0 && i < len(a.vals) && a.vals[i] != nil {
		return a.vals[i]
	}
	return undefined{}
}

// Len is the number of arguments passed.
func (a *Args) Len() int { return len(a.vals) }

func (a *Args) numberOf(name string, v Value) (float64, bool) {
	if k := v.Kind(); k != Number {
		a.Fail(name, "must be a number, not %s", describe(v, k))
		return 0, false
	}
	return v.Num(), true
}

// Count reads argument i as a whole number from 0 to max.
func (a *Args) Count(i int, name string, max int) int { return a.wholeOf(name, a.Arg(i), 0, max) }

// Whole reads argument i as a whole number from lo to hi.
func (a *Args) Whole(i int, name string, lo, hi int) int { return a.wholeOf(name, a.Arg(i), lo, hi) }

func (a *Args) wholeOf(name string, v Value, lo, hi int) int {
	x, ok := a.numberOf(name, v)
	if !ok {
		return 0
	}
	if math.IsNaN(x) || x != math.Trunc(x) || x < float64(lo) || x > float64(hi) {
		a.Fail(name, "must be a whole number from %d to %d, not %v", lo, hi, x)
		return 0
	}
	return int(x)
}

// Float reads argument i as a finite number.
func (a *Args) Float(i int, name string) float64 { return a.floatOf(name, a.Arg(i)) }

func (a *Args) floatOf(name string, v Value) float64 {
	x, ok := a.numberOf(name, v)
	if !ok {
		return 0
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		a.Fail(name, "must be a finite number, not %v", x)
		return 0
	}
	return x
}

// OptBool reads argument i as true or false, def when undefined.
func (a *Args) OptBool(i int, name string, def bool) bool {
	v := a.Arg(i)
	switch k := v.Kind(); k {
	case Undefined:
		return def
	case Boolean:
		return v.Bool()
	default:
		a.Fail(name, "must be true or false, not %s", describe(v, k))
		return def
	}
}

// String reads argument i as a string of at most MaxString bytes.
func (a *Args) String(i int, name string) string { return a.stringOf(name, a.Arg(i)) }

func (a *Args) stringOf(name string, v Value) string {
	if k := v.Kind(); k != String {
		a.Fail(name, "must be a string, not %s", describe(v, k))
		return ""
	}
	s, err := v.Str(MaxString)
	if err != nil {
		a.Fail(name, "%v", err)
		return ""
	}
	return s
}

// Seed reads argument i as a seed: a whole number from 0 to 2^53, given as
// a number or as the decimal text of one (a URL hash's text, which a JS
// number would round above 2^53). An empty text is an error, not 0.
func (a *Args) Seed(i int, name string) uint64 { return a.seedOf(name, a.Arg(i)) }

func (a *Args) seedOf(name string, v Value) uint64 {
	switch k := v.Kind(); k {
	case Number:
		return uint64(a.wholeOf(name, v, 0, MaxSeed))
	case String:
		s, err := v.Str(MaxString)
		if err != nil {
			a.Fail(name, "%v", err)
			return 0
		}
		if s == "" {
			a.Fail(name, "is empty; it must be a whole number from 0 to %d", uint64(MaxSeed))
			return 0
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n > MaxSeed {
			a.Fail(name, "must be a whole number from 0 to %d (2^53), not %s", uint64(MaxSeed), Quote(s))
			return 0
		}
		return n
	default:
		a.Fail(name, "must be a whole number from 0 to %d, not %s", uint64(MaxSeed), describe(v, k))
		return 0
	}
}

// Object reads argument i as an object whose own enumerable keys are all
// in known; hints[key], if any, is added to the error for an unknown key.
func (a *Args) Object(i int, name string, known []string, hints map[string]string) *Obj {
	v := a.Arg(i)
	example := "…"
	if len(known) > 0 {
		example = known[0] + ": …"
	}
	if k := v.Kind(); k != Object {
		a.Fail(name, "must be an object such as {%s}, not %s", example, describe(v, k))
		return &Obj{a: a}
	}
	keys, err := v.OwnKeys()
	if err != nil {
		a.Fail(name, "cannot be read: listing its keys threw %s", errText(err))
		return &Obj{a: a}
	}
	if len(keys) > MaxKeys {
		a.Fail(name, "has %d keys (known: %s)", len(keys), strings.Join(known, ", "))
		return &Obj{a: a}
	}
	for _, key := range keys {
		if !slices.Contains(known, key) {
			a.Fail(name, "has an unknown key %s (known: %s)%s", Quote(key), strings.Join(known, ", "), hints[key])
			return &Obj{a: a}
		}
	}
	return &Obj{a: a, name: name, v: v, keys: keys}
}

// Obj reads the own properties of one object argument. Its setters leave
// *dst alone when the key is absent or undefined, or after any error.
type Obj struct {
	a    *Args
	name string
	v    Value // nil after an error
	keys []string
}

// Has says whether the object has key as an own enumerable key.
func (o *Obj) Has(key string) bool { return o.v != nil && slices.Contains(o.keys, key) }

// Get returns the own data property key, or nil when absent or undefined.
func (o *Obj) Get(key string) Value {
	if o.v == nil || o.a.Err != nil {
		return nil
	}
	v, ok, err := o.v.Own(key)
	if err != nil {
		o.a.Fail(o.name+"."+key, "cannot be read: %s", errText(err))
		return nil
	}
	if !ok || v.Kind() == Undefined {
		return nil
	}
	return v
}

// Float sets *dst to the finite number at key.
func (o *Obj) Float(key string, dst *float64) {
	if v := o.Get(key); v != nil {
		if x := o.a.floatOf(key, v); o.a.Err == nil {
			*dst = x
		}
	}
}

// Count sets *dst to the whole number (0 to max) at key.
func (o *Obj) Count(key string, dst *int, max int) {
	if v := o.Get(key); v != nil {
		if n := o.a.wholeOf(key, v, 0, max); o.a.Err == nil {
			*dst = n
		}
	}
}

// Seed sets *dst to the seed at key (see Args.Seed).
func (o *Obj) Seed(key string, dst *uint64) {
	if v := o.Get(key); v != nil {
		if n := o.a.seedOf(key, v); o.a.Err == nil {
			*dst = n
		}
	}
}

// Str sets *dst to the string at key; what it may say is the caller's to
// check.
func (o *Obj) Str(key string, dst *string) {
	if v := o.Get(key); v != nil {
		if s := o.a.stringOf(key, v); o.a.Err == nil {
			*dst = s
		}
	}
}

// Require records an error for each of keys the object lacks.
func (o *Obj) Require(keys ...string) {
	for _, k := range keys {
		if o.v != nil && o.a.Err == nil && o.Get(k) == nil {
			o.a.Fail(o.name, "lacks %s", k)
		}
	}
}

// describe names what v is in an error: its kind, and a number's value.
func describe(v Value, k Kind) string {
	switch k {
	case Number:
		return strconv.FormatFloat(v.Num(), 'g', -1, 64)
	case String:
		if s, err := v.Str(40); err == nil {
			return "the string " + Quote(s)
		}
		return "a long string"
	}
	return k.String()
}

// Quote quotes untrusted text, at most 40 bytes of it.
func Quote(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}

// errText is a JS exception's message, bounded.
func errText(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strconv.Quote(s)
}

// undefined is a missing argument.
type undefined struct{}

func (undefined) Kind() Kind                      { return Undefined }
func (undefined) Num() float64                    { return math.NaN() }
func (undefined) Bool() bool                      { return false }
func (undefined) Str(int) (string, error)         { return "", nil }
func (undefined) OwnKeys() ([]string, error)      { return nil, nil }
func (undefined) Own(string) (Value, bool, error) { return nil, false, nil }
