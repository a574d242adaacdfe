//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
)

// jsVal is a syscall/js value seen through jsValue: none of its methods
// panics, whatever the page passed.
type jsVal struct{ v js.Value }

func (v jsVal) kind() (k jsKind) {
	// syscall/js panics ("bad type flag") on a BigInt, whose typeof it
	// does not know.
	defer func() {
		if recover() != nil {
			k = kindBigInt
		}
	}()
	switch v.v.Type() {
	case js.TypeUndefined:
		return kindUndefined
	case js.TypeNull:
		return kindNull
	case js.TypeBoolean:
		return kindBoolean
	case js.TypeNumber:
		return kindNumber
	case js.TypeString:
		return kindString
	case js.TypeSymbol:
		return kindSymbol
	case js.TypeObject:
		return kindObject
	case js.TypeFunction:
		return kindFunction
	}
	return kindBigInt
}

func (v jsVal) number() float64 { return v.v.Float() }
func (v jsVal) boolean() bool   { return v.v.Bool() }

func (v jsVal) str(max int) (s string, err error) {
	defer catchJS(&err)
	s = v.v.String()
	if len(s) > max {
		return "", fmt.Errorf("is a string of %d bytes, more than %d", len(s), max)
	}
	return s, nil
}

var jsObject = js.Global().Get("Object")

func (v jsVal) ownKeys() (keys []string, err error) {
	defer catchJS(&err)
	ks := jsObject.Call("keys", v.v) // a Proxy's ownKeys trap may throw
	n := ks.Length()
	if n > maxKeys {
		keys = make([]string, n) // the caller reports the count
		return keys, nil
	}
	for i := range n {
		keys = append(keys, ks.Index(i).String())
	}
	return keys, nil
}

func (v jsVal) own(key string) (val jsValue, ok bool, err error) {
	defer catchJS(&err)
	d := jsObject.Call("getOwnPropertyDescriptor", v.v, key) // a trap may throw
	if d.IsUndefined() || !d.Get("enumerable").Truthy() {
		// Not own, or not listed by Object.keys: not read either.
		return nil, false, nil
	}
	if !d.Get("get").IsUndefined() || !d.Get("set").IsUndefined() {
		return nil, false, errors.New("it is a getter or setter; pass a plain value")
	}
	return jsVal{d.Get("value")}, true, nil
}

// catchJS turns a JavaScript exception thrown into Go (a panic with a
// js.Error) into *err. Reading the exception's message can throw again
// (a thrown BigInt has none, a message can be a getter), so that is
// guarded too.
func catchJS(err *error) {
	r := recover()
	if r == nil {
		return
	}
	msg := "an exception"
	func() {
		defer func() { recover() }()
		if e, ok := r.(js.Error); ok {
			m := e.Value.Get("message")
			if m.Type() == js.TypeString {
				msg = m.String()
			}
		} else {
			msg = fmt.Sprint(r)
		}
	}()
	*err = errors.New(msg)
}

// jsArgs wraps the raw arguments of a call for the decoder.
func jsArgs(method string, raw []js.Value) *args {
	vals := make([]jsValue, len(raw))
	for i, v := range raw {
		vals[i] = jsVal{v}
	}
	return newArgs(method, vals)
}
