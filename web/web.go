// Package web serves the interactive explainer: the static page in
// web/static and the WebAssembly build of the engine, embedded in the binary.
//
// The wasm, its loader and the page's module bundles are generated, not
// committed; run
//
//	go generate ./web/...
//
// (or make run) before building a binary that should serve the page. Without
// them the handler still works and answers a page that says how to build.
package web

//go:generate go run ../internal/buildwasm -pkg ./wasm -out static
//go:generate go run ../internal/buildwasm -pkg ./wasmdeep -out static -name pgrad-deep.wasm
//go:generate go run ../internal/jsbundle/bundlejs -dir static -entry app.js -first bundle.js -later bundle-later.js

import (
	"embed"
	"io/fs"
	"net/http"
	"sync"
)

// static holds web/static. The "all:" prefix keeps the committed .keep file,
// so the pattern matches something on a fresh clone where nothing has been
// generated yet.
//
//go:embed all:static
var static embed.FS

// WasmName is the file name of the engine's WebAssembly build in the static
// directory, and WasmExecName that of Go's matching JavaScript loader.
const (
	WasmName     = "pgrad.wasm"
	DeepWasmName = "pgrad-deep.wasm" // the neural engine, loaded by the CartPole section
	WasmExecName = "wasm_exec.js"
	// The page's modules joined in two (internal/jsbundle): BundleName,
	// app.js and its static imports, which index.html loads; BundleLaterName,
	// the sections below the lab, which the first imports after the lab's
	// first frame.
	BundleName      = "bundle.js"
	BundleLaterName = "bundle-later.js"
)

// BuildHint tells a person how to produce the generated files.
const BuildHint = "The WebAssembly engine has not been built. Run 'make run', or 'go generate ./web/...' and then 'go run ./cmd/pgrad serve'."

// Static returns the embedded static directory, rooted so that "index.html"
// names web/static/index.html.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "static" is valid.
		panic("web: " + err.Error())
	}
	return sub
}

// Handler returns an http.Handler that serves the embedded static files.
// It is NewHandler(Static()), made once and shared, so that every caller
// reuses the same in-memory copies and gzip forms. The gzip forms are made
// in the background from the first call on, so that the first visitor's
// page does not wait for them (index.html's alone took a few milliseconds
// before its first byte).
func Handler() http.Handler {
	return embedded()
}

var embedded = sync.OnceValue(func() http.Handler {
	h := NewHandler(Static()).(*handler)
	go h.compressAll()
	return h
})

// WasmBuilt reports whether the embedded files include the engine's
// WebAssembly build, its loader and the page's module bundles, that is
// whether go generate ran before this binary was built.
func WasmBuilt() bool {
	return hasGenerated(Static())
}

func hasGenerated(fsys fs.FS) bool {
	for _, name := range []string{WasmName, WasmExecName, BundleName, BundleLaterName} {
		if fi, err := fs.Stat(fsys, name); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}
