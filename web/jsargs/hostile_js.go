//go:build js && wasm

package jsargs

import "syscall/js"

// Hostile returns, by name, the values of issue 9 that used to end a Go
// program from JavaScript: a BigInt, a Symbol, a Proxy whose traps throw,
// one that throws a BigInt, an object whose lr getter throws, and a
// frozen object of BigInts. It is for the bridges' tests; it needs
// Function (Node has no CSP; the browser test writes them as literals).
func Hostile() map[string]js.Value {
	g := js.Global()
	thrower := g.Get("Function").New("throw new Error('trap')")
	handler := jsObject.New()
	for _, trap := range []string{"ownKeys", "get", "getOwnPropertyDescriptor", "has"} {
		handler.Set(trap, thrower)
	}
	bigHandler := jsObject.New()
	bigHandler.Set("ownKeys", g.Get("Function").New("throw 1n"))
	getter := jsObject.New()
	desc := jsObject.New()
	desc.Set("get", thrower)
	desc.Set("enumerable", true)
	jsObject.Call("defineProperty", getter, "lr", desc)
	frozen := jsObject.New()
	frozen.Set("lr", g.Call("BigInt", 1))
	frozen.Set("batch", g.Call("BigInt", 1))
	jsObject.Call("freeze", frozen)
	return map[string]js.Value{
		"BigInt":          g.Call("BigInt", 10),
		"Symbol":          g.Call("Symbol", "x"),
		"throwing Proxy":  g.Get("Proxy").New(jsObject.New(), handler),
		"Proxy throw 1n":  g.Get("Proxy").New(jsObject.New(), bigHandler),
		"throwing getter": getter,
		"frozen object":   frozen,
	}
}
