//go:build !(linux && amd64)

package main

import (
	"fmt"
	"os"
)

// The measuring loops are amd64 assembly timed with Linux's thread CPU
// clock; elsewhere the command says so.
func main() {
	fmt.Fprintln(os.Stderr, "cpuclock: only on linux/amd64")
	os.Exit(2)
}
