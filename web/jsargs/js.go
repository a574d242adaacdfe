//go:build js && wasm

package jsargs

import (
	"errors"
	"fmt"
	"syscall/js"
)

// New returns the decoder of the raw arguments of one call of method.
func New(method string, raw []js.Value) *Args {
	vals := make([]Value, len(raw))
	for i, v := range raw {
		vals[i] = jsValue{v}
	}
	return NewArgs(method, vals)
}

// Func wraps the method m as the js.Func to export under name: a returned
// error becomes a JS Error object (Go cannot throw into JavaScript), and a
// panic, the bug it would be, becomes an Error too instead of ending the
// Go program that the page needs for the rest of its life.
func Func(name string, m func(raw []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(this js.Value, raw []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				result = js.Global().Get("Error").New(fmt.Sprintf("pgrad: %s: internal error: %v", name, r))
			}
		}()
		v, err := m(raw)
		if err != nil {
			return js.Global().Get("Error").New(err.Error())
		}
		return v
	})
}

// jsValue is a syscall/js value seen through Value: none of its methods
// panics, whatever the page passed.
type jsValue struct{ v js.Value }

var jsObject = js.Global().Get("Object")

func (v jsValue) Kind() (k Kind) {
	// syscall/js panics ("bad type flag") on a BigInt, whose typeof it
	// does not know.
	defer func() {
		if recover() != nil {
			k = BigInt
		}
	}()
	switch v.v.Type() {
	case js.TypeUndefined:
		return Undefined
	case js.TypeNull:
		return Null
	case js.TypeBoolean:
		return Boolean
	case js.TypeNumber:
		return Number
	case js.TypeString:
		return String
	case js.TypeSymbol:
		return Symbol
	case js.TypeObject:
		return Object
	case js.TypeFunction:
		return Function
	}
	return BigInt
}

func (v jsValue) Num() float64 { return v.v.Float() }
func (v jsValue) Bool() bool   { return v.v.Bool() }

func (v jsValue) Str(max int) (s string, err error) {
	defer catchJS(&err)
	s = v.v.String()
	if len(s) > max {
		return "", fmt.Errorf("is a string of %d bytes, more than %d", len(s), max)
	}
	return s, nil
}

func (v jsValue) OwnKeys() (keys []string, err error) {
	defer catchJS(&err)
	ks := jsObject.Call("keys", v.v) // a Proxy's ownKeys trap may throw
	n := ks.Length()
	if n > MaxKeys {
		return make([]string, n), nil // the caller reports the count
	}
	for i := range n {
		keys = append(keys, ks.Index(i).String())
	}
	return keys, nil
}

func (v jsValue) Own(key string) (val Value, ok bool, err error) {
	defer catchJS(&err)
	d := jsObject.Call("getOwnPropertyDescriptor", v.v, key) // a trap may throw
	if d.IsUndefined() || !d.Get("enumerable").Truthy() {
		// Not own, or not listed by Object.keys: not read either.
		return nil, false, nil
	}
	if !d.Get("get").IsUndefined() || !d.Get("set").IsUndefined() {
		return nil, false, errors.New("it is a getter or setter; pass a plain value")
	}
	return jsValue{d.Get("value")}, true, nil
}

// catchJS turns a JavaScript exception thrown into Go (a panic with a
// js.Error) into *err. Reading the exception's message can throw again (a
// thrown BigInt has none, a message can be a getter), so that is guarded
// too.
func catchJS(err *error) {
	r := recover()
	if r == nil {
		return
	}
	msg := "an exception"
	func() {
		defer func() { recover() }()
		if e, ok := r.(js.Error); ok {
			if m := e.Value.Get("message"); m.Type() == js.TypeString {
				msg = m.String()
			}
		} else {
			msg = fmt.Sprint(r)
		}
	}()
	*err = errors.New(msg)
}
