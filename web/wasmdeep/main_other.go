//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself: the neural engine needs a JavaScript host, and this
// stub exists so that go build ./... and go vet ./... pass everywhere.
func main() {
	fmt.Fprintln(os.Stderr, "pgrad: the neural wasm engine runs in a browser; build it with go generate ./web/...")
	os.Exit(2)
}
