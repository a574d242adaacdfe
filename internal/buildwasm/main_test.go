package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// throwaway writes a module with one tiny main package into a temporary
// directory and returns the directory.
func throwaway(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/throwaway\n\ngo 1.26\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "w"), 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "static"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "w", "main.go"), []byte(src), 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm binary; skipped with -short")
	}
	dir := throwaway(t, "package main\n\nfunc main() { println(\"hi\") }\n")
	stale := filepath.Join(dir, "static", "pgrad.wasm.gz")
	must(t, os.WriteFile(stale, []byte("stale"), 0o644))

	var stdout, stderr bytes.Buffer
	// run builds in the current directory, which has no ./w: go build must
	// fail there, and the error must say which command failed.
	if code := run([]string{"-pkg", "./w", "-out", filepath.Join(dir, "static")}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "go build ./w") {
		t.Errorf("build of a missing package: exit %d, stderr %q", code, stderr.String())
	}

	res, err := build(options{pkg: "./w", out: "static", dir: dir, gzip: true})
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "static", "pgrad.wasm"))
	must(t, err)
	if !bytes.HasPrefix(wasm, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Errorf("pgrad.wasm does not start with the WebAssembly 1 header: % x", wasm[:min(8, len(wasm))])
	}
	if res.wasmSize != len(wasm) {
		t.Errorf("reported %d bytes, wrote %d", res.wasmSize, len(wasm))
	}
	gz, err := os.ReadFile(stale)
	must(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	must(t, err)
	unz, err := io.ReadAll(zr)
	must(t, err)
	if !bytes.Equal(unz, wasm) {
		t.Errorf("pgrad.wasm.gz decompresses to %d bytes that differ from pgrad.wasm's %d", len(unz), len(wasm))
	}
	if res.gzipSize != len(gz) || len(gz) >= len(wasm) {
		t.Errorf("gzip form: reported %d, wrote %d, wasm %d", res.gzipSize, len(gz), len(wasm))
	}
	loader, err := os.ReadFile(filepath.Join(dir, "static", "wasm_exec.js"))
	must(t, err)
	want, err := os.ReadFile(filepath.Join(res.goroot, "lib", "wasm", "wasm_exec.js"))
	must(t, err)
	if !bytes.Equal(loader, want) {
		t.Errorf("wasm_exec.js differs from %s's", res.goroot)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "static"))
	must(t, err)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("static holds %q, want only pgrad.wasm, pgrad.wasm.gz and wasm_exec.js", names)
	}

	// Without -gzip, a .gz left from an earlier build is removed.
	if _, err := build(options{pkg: "./w", out: "static", dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("pgrad.wasm.gz still exists after a build without -gzip: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := throwaway(t, "package main\n\nfunc main() { undefined() }\n")
	before := filepath.Join(dir, "static", "pgrad.wasm")
	must(t, os.WriteFile(before, []byte("previous build"), 0o644))
	_, err := build(options{pkg: "./w", out: "static", dir: dir, gzip: true})
	if err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("building code that does not compile: error %v, want the compiler's message", err)
	}
	if b, _ := os.ReadFile(before); string(b) != "previous build" {
		t.Errorf("a failed build replaced pgrad.wasm")
	}
	if _, err := build(options{pkg: "./w", out: "nope", dir: dir}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing output directory: error %v", err)
	}
	for _, name := range []string{"../x.wasm", "deep.js", "a/b.wasm"} {
		if _, err := build(options{pkg: "./w", out: "static", dir: dir, name: name}); err == nil || !strings.Contains(err.Error(), "-name") {
			t.Errorf("-name %q: error %v, want one naming -name", name, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"stray"}, &stdout, &stderr); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
	if code := run([]string{"-nope"}, &stdout, &stderr); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}
