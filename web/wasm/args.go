package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file is the one place where the bridge reads what JavaScript
// passed. It knows JavaScript values only through the jsValue interface,
// which syscall/js values implement under wasm (args_js.go) and the fuzz
// target implements natively, so that no value a page can build (a BigInt,
// a Symbol, a Proxy whose traps throw, a getter that throws, a frozen or
// inherited object) reaches syscall/js in a way that panics. Every
// exported method decodes all of its arguments first and changes the
// session only after the last one is read, so a rejected call changes
// nothing.
//
// A new exported method takes its arguments through newArgs (see
// bridgeMethod in main_js.go):
//
//	"myMethod": func(a *args) (any, error) {
//		n := a.count(0, "n", 1000)        // argument 0, named "n" in errors
//		on := a.optBool(1, "on", false)
//		if a.err != nil {
//			return nil, a.err           // "pgrad: myMethod: n must be …"
//		}
//		...change the session, return a frame...
//	}

// jsKind is what typeof says of a value, with null apart.
type jsKind int

const (
	kindUndefined jsKind = iota
	kindNull
	kindBoolean
	kindNumber
	kindString
	kindSymbol
	kindBigInt // and anything else syscall/js cannot name
	kindObject
	kindFunction
)

var kindNames = [...]string{"undefined", "null", "a boolean", "a number", "a string", "a Symbol", "a BigInt", "an object", "a function"}

func (k jsKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "an unknown value"
}

// jsValue is what the decoder needs of a JavaScript value. No method may
// panic; one that runs JavaScript (a Proxy trap) returns its exception as
// an error.
type jsValue interface {
	kind() jsKind
	number() float64 // for kindNumber
	boolean() bool   // for kindBoolean
	// str returns a kindString value's text, refusing one longer than max
	// bytes.
	str(max int) (string, error)
	// ownKeys returns the object's own enumerable string keys
	// (Object.keys).
	ownKeys() ([]string, error)
	// own returns the value of the object's own data property key; ok is
	// false when there is none. An accessor property (a getter) is an
	// error: the bridge never runs page code to read a setting.
	own(key string) (v jsValue, ok bool, err error)
}

// maxString bounds a string argument (setting names are a few bytes).
const maxString = 256

// maxKeys bounds the keys of an object argument.
const maxKeys = 64

// args decodes the arguments of one call of method. The first error
// sticks in err; later reads return zero values, so a method reads all its
// arguments and checks err once.
type args struct {
	method string
	vals   []jsValue
	err    error
}

func newArgs(method string, vals []jsValue) *args { return &args{method: method, vals: vals} }

// fail records the first error: "pgrad: method: name …".
func (a *args) fail(name, format string, v ...any) {
	if a.err == nil {
		a.err = errorf("%s: %s %s", a.method, name, fmt.Sprintf(format, v...))
	}
}

// arg returns argument i, undefined when missing.
func (a *args) arg(i int) jsValue {
	if i < len(a.vals) && a.vals[i] != nil {
		return a.vals[i]
	}
	return undefinedValue{}
}

// numberOf reads v as a number for name, recording an error otherwise.
func (a *args) numberOf(name string, v jsValue) (float64, bool) {
	if k := v.kind(); k != kindNumber {
		a.fail(name, "must be a number, not %s", describe(v, k))
		return 0, false
	}
	return v.number(), true
}

// count reads argument i as a whole number from 0 to max.
func (a *args) count(i int, name string, max int) int {
	return a.countOf(name, a.arg(i), max)
}

func (a *args) countOf(name string, v jsValue, max int) int {
	x, ok := a.numberOf(name, v)
	if !ok {
		return 0
	}
	if math.IsNaN(x) || x != math.Trunc(x) || x < 0 || x > float64(max) {
		a.fail(name, "must be a whole number from 0 to %d, not %v", max, x)
		return 0
	}
	return int(x)
}

// float reads argument i as a finite number.
func (a *args) float(i int, name string) float64 { return a.floatOf(name, a.arg(i)) }

func (a *args) floatOf(name string, v jsValue) float64 {
	x, ok := a.numberOf(name, v)
	if !ok {
		return 0
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		a.fail(name, "must be a finite number, not %v", x)
		return 0
	}
	return x
}

// optBool reads argument i as true or false, def when undefined.
func (a *args) optBool(i int, name string, def bool) bool {
	v := a.arg(i)
	switch k := v.kind(); k {
	case kindUndefined:
		return def
	case kindBoolean:
		return v.boolean()
	default:
		a.fail(name, "must be true or false, not %s", describe(v, k))
		return def
	}
}

// maxSeed is the largest seed: the page reads the seed back as a JS
// number, which holds every whole number up to 2^53 exactly.
const maxSeed = 1 << 53

// seed reads argument i as a seed: a whole number from 0 to 2^53, given as
// a number or as the decimal text of one (the URL hash's text, which a JS
// number would have rounded above 2^53). An empty text is an error, not 0.
func (a *args) seed(i int, name string) uint64 {
	v := a.arg(i)
	switch k := v.kind(); k {
	case kindNumber:
		return uint64(a.countOf(name, v, maxSeed))
	case kindString:
		s, err := v.str(maxString)
		if err != nil {
			a.fail(name, "%v", err)
			return 0
		}
		if s == "" {
			a.fail(name, "is empty; it must be a whole number from 0 to %d", uint64(maxSeed))
			return 0
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n > maxSeed {
			a.fail(name, "must be a whole number from 0 to %d (2^53), not %s", uint64(maxSeed), strconv.Quote(s))
			return 0
		}
		return n
	default:
		a.fail(name, "must be a whole number from 0 to %d, not %s", uint64(maxSeed), describe(v, k))
		return 0
	}
}

// object reads argument i as a plain object whose own enumerable keys are
// all in known; hint, if not empty, is added to the error for key.
func (a *args) object(i int, name string, known []string, hints map[string]string) *object {
	v := a.arg(i)
	if k := v.kind(); k != kindObject {
		a.fail(name, "must be an object such as {%s: …}, not %s", known[0], describe(v, k))
		return &object{a: a}
	}
	keys, err := v.ownKeys()
	if err != nil {
		a.fail(name, "cannot be read: listing its keys threw %s", errText(err))
		return &object{a: a}
	}
	if len(keys) > maxKeys {
		a.fail(name, "has %d keys (known: %s)", len(keys), strings.Join(known, ", "))
		return &object{a: a}
	}
	for _, key := range keys {
		if !slices.Contains(known, key) {
			a.fail(name, "has an unknown key %s (known: %s)%s", quote(key), strings.Join(known, ", "), hints[key])
			return &object{a: a}
		}
	}
	return &object{a: a, name: name, v: v}
}

// object reads the own properties of one object argument.
type object struct {
	a    *args
	name string
	v    jsValue // nil after an error
}

// get returns the own data property key, or nil.
func (o *object) get(key string) jsValue {
	if o.v == nil || o.a.err != nil {
		return nil
	}
	v, ok, err := o.v.own(key)
	if err != nil {
		o.a.fail(o.name+"."+key, "cannot be read: %s", errText(err))
		return nil
	}
	if !ok || v.kind() == kindUndefined {
		return nil
	}
	return v
}

// float sets *dst to the finite number at key, if the key is there.
func (o *object) float(key string, dst *float64) {
	if v := o.get(key); v != nil {
		if x := o.a.floatOf(key, v); o.a.err == nil {
			*dst = x
		}
	}
}

// count sets *dst to the whole number (0 to max) at key, if there.
func (o *object) count(key string, dst *int, max int) {
	if v := o.get(key); v != nil {
		if n := o.a.countOf(key, v, max); o.a.err == nil {
			*dst = n
		}
	}
}

// str sets *dst to the string at key, if there; what it may say is the
// session's to check (lab names the valid values in its error).
func (o *object) str(key string, dst *string) {
	v := o.get(key)
	if v == nil {
		return
	}
	if k := v.kind(); k != kindString {
		o.a.fail(key, "must be a string, not %s", describe(v, k))
		return
	}
	s, err := v.str(maxString)
	if err != nil {
		o.a.fail(key, "%v", err)
		return
	}
	*dst = s
}

// describe names what v is in an error: its kind, and a number's value.
func describe(v jsValue, k jsKind) string {
	switch k {
	case kindNumber:
		return strconv.FormatFloat(v.number(), 'g', -1, 64)
	case kindString:
		if s, err := v.str(40); err == nil {
			return "the string " + quote(s)
		}
		return "a long string"
	}
	return k.String()
}

// quote quotes untrusted text, at most 40 bytes of it.
func quote(s string) string {
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

// undefinedValue is a missing argument.
type undefinedValue struct{}

func (undefinedValue) kind() jsKind                      { return kindUndefined }
func (undefinedValue) number() float64                   { return math.NaN() }
func (undefinedValue) boolean() bool                     { return false }
func (undefinedValue) str(int) (string, error)           { return "", nil }
func (undefinedValue) ownKeys() ([]string, error)        { return nil, nil }
func (undefinedValue) own(string) (jsValue, bool, error) { return nil, false, nil }

// settingKeys are the keys setSettings and setFieldSettings take.
var settingKeys = []string{"lr", "baseline", "entropy", "batch", "gamma", "credit"}

var settingHints = map[string]string{"seed": "; the seed changes with restart(seed)"}

// maxBatch bounds a batch read from the page (lab checks the real range).
const maxBatch = 1 << 53

// settingsFrom overlays the own keys of argument 0 on cur. A key it does
// not know is an error, not ignored: {learningRate: 1} would otherwise
// change nothing and say nothing. Inherited properties are not read. On
// error it returns cur.
func settingsFrom(a *args, cur settings) (settings, error) {
	o := a.object(0, "settings", settingKeys, settingHints)
	s := cur
	o.float("lr", &s.LR)
	o.float("entropy", &s.Entropy)
	o.float("gamma", &s.Gamma)
	o.count("batch", &s.Batch, maxBatch)
	o.str("baseline", &s.Baseline)
	o.str("credit", &s.Credit)
	if a.err != nil {
		return cur, a.err
	}
	return s, nil
}
