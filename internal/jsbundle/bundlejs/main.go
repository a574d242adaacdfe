// Command bundlejs writes the page's two module bundles (package jsbundle):
//
//	go run ./internal/jsbundle/bundlejs -dir web/static -entry app.js
//
// web/web.go runs it from go generate.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pgrad/pgrad/internal/jsbundle"
)

func main() {
	dir := flag.String("dir", "static", "the `directory` of the modules, where the bundles are written")
	entry := flag.String("entry", "app.js", "the entry module, at the root of -dir")
	first := flag.String("first", "bundle.js", "the `file` name of the first bundle: the entry and its static imports")
	later := flag.String("later", "bundle-later.js", "the `file` name of the second bundle: the modules imported with import()")
	flag.Parse()
	if err := run(*dir, *entry, *first, *later); err != nil {
		fmt.Fprintln(os.Stderr, "bundlejs:", err)
		os.Exit(1)
	}
}

func run(dir, entry, first, later string) error {
	r, err := jsbundle.Bundle(os.DirFS(dir), entry, first, later)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{first, r.First}, {later, r.Later}} {
		if err := writeFile(dir, f.name, f.b); err != nil {
			return err
		}
		fmt.Printf("bundlejs: %s: %d bytes\n", filepath.Join(dir, f.name), len(f.b))
	}
	return nil
}

// writeFile writes b beside its final name and renames it, so that a
// server reading the directory never sees half a bundle.
func writeFile(dir, name string, b []byte) error {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
