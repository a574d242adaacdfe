//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself: the bridge needs a JavaScript host, and this stub
// exists so that go build ./... and go vet ./... pass on every platform.
func main() {
	fmt.Fprintln(os.Stderr, "pgrad: the wasm bridge runs in a browser; build it with go generate ./web/...")
	os.Exit(2)
}
