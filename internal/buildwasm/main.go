// Command buildwasm builds the browser engine: it compiles a Go package
// with GOOS=js GOARCH=wasm into pgrad.wasm, writes its gzip form
// pgrad.wasm.gz next to it, and copies the wasm_exec.js loader of the same
// Go installation (the loader must match the compiler that built the wasm).
//
// web/web.go runs it through go generate:
//
//	//go:generate go run ../internal/buildwasm -pkg ./wasm -out static
//	//go:generate go run ../internal/buildwasm -pkg ./wasmdeep -out static -name pgrad-deep.wasm
//
// Usage:
//
//	buildwasm [-pkg ./wasm] [-out static] [-name pgrad.wasm] [-gzip=true]
//
// Each output is written to a temporary file and renamed into place, so an
// interrupted build never leaves a truncated wasm to be embedded.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("buildwasm", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.StringVar(&o.pkg, "pkg", "./wasm", "the `package` to build, as go build names it")
	fl.StringVar(&o.out, "out", "static", "the `directory` to write pgrad.wasm, pgrad.wasm.gz and wasm_exec.js to")
	fl.StringVar(&o.name, "name", "pgrad.wasm", "the file `name` of the module (and, with .gz, of its gzip form)")
	fl.BoolVar(&o.gzip, "gzip", true, "also write pgrad.wasm.gz, the form the server sends to browsers that accept gzip")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "buildwasm: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	res, err := build(o)
	if err != nil {
		fmt.Fprintln(stderr, "buildwasm:", err)
		return 1
	}
	fmt.Fprintf(stdout, "buildwasm: %s: %d bytes (%.2f MB)", res.wasm, res.wasmSize, float64(res.wasmSize)/1e6)
	if res.gzipSize > 0 {
		fmt.Fprintf(stdout, ", %d bytes gzipped (%.2f MB)", res.gzipSize, float64(res.gzipSize)/1e6)
	}
	fmt.Fprintf(stdout, "; loader %s from %s\n", res.loader, res.goroot)
	return 0
}

type options struct {
	pkg  string // package to build, relative to dir
	out  string // output directory, relative to dir
	name string // file name of the module; "" is pgrad.wasm
	dir  string // working directory of the build; "" is the current one
	gzip bool
}

type result struct {
	wasm, loader, goroot string
	wasmSize, gzipSize   int
}

func build(o options) (result, error) {
	var res result
	name := o.name
	if name == "" {
		name = "pgrad.wasm"
	}
	if filepath.Base(name) != name || !strings.HasSuffix(name, ".wasm") {
		return res, fmt.Errorf("-name %q must be a plain file name ending in .wasm", name)
	}
	goTool := findGo()
	goroot, err := goEnv(goTool, "GOROOT")
	if err != nil {
		return res, err
	}
	res.goroot = goroot
	loaderSrc, err := findLoader(goroot)
	if err != nil {
		return res, err
	}
	out := o.out
	if o.dir != "" && !filepath.IsAbs(out) {
		out = filepath.Join(o.dir, out)
	}
	if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		return res, fmt.Errorf("output directory %s does not exist", out)
	}

	tmpDir, err := os.MkdirTemp("", "buildwasm-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmpDir)
	tmpWasm := filepath.Join(tmpDir, "pgrad.wasm")
	// -trimpath keeps the build reproducible and free of local paths;
	// -s -w drop the symbol table and DWARF, which the browser never uses.
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", tmpWasm, o.pkg)
	cmd.Dir = o.dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("GOOS=js GOARCH=wasm go build %s: %v\n%s", o.pkg, err, strings.TrimSpace(stderr.String()))
	}
	wasm, err := os.ReadFile(tmpWasm)
	if err != nil {
		return res, err
	}
	loader, err := os.ReadFile(loaderSrc)
	if err != nil {
		return res, err
	}

	res.wasm = filepath.Join(out, name)
	res.loader = filepath.Join(out, "wasm_exec.js")
	res.wasmSize = len(wasm)
	gzPath := res.wasm + ".gz"
	if o.gzip {
		gz, err := gzipBest(wasm)
		if err != nil {
			return res, err
		}
		res.gzipSize = len(gz)
		if err := writeAtomic(gzPath, gz); err != nil {
			return res, err
		}
	} else if err := os.Remove(gzPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err // a stale .gz would be ignored by the server, but say so
	}
	if err := writeAtomic(res.wasm, wasm); err != nil {
		return res, err
	}
	if err := writeAtomic(res.loader, loader); err != nil {
		return res, err
	}
	return res, nil
}

// findGo returns the go command that ran go generate: go generate puts its
// GOROOT in the environment, and the wasm must be built by that toolchain.
func findGo() string {
	if root := os.Getenv("GOROOT"); root != "" {
		exe := filepath.Join(root, "bin", "go")
		if runtime.GOOS == "windows" {
			exe += ".exe"
		}
		if _, err := os.Stat(exe); err == nil {
			return exe
		}
	}
	return "go"
}

func goEnv(goTool, name string) (string, error) {
	out, err := exec.Command(goTool, "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("%s env %s: %v", goTool, name, err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", fmt.Errorf("%s env %s is empty", goTool, name)
	}
	return v, nil
}

// findLoader returns the path of wasm_exec.js in goroot: lib/wasm since Go
// 1.24, misc/wasm before.
func findLoader(goroot string) (string, error) {
	for _, dir := range []string{"lib", "misc"} {
		p := filepath.Join(goroot, dir, "wasm", "wasm_exec.js")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no wasm_exec.js in %s/lib/wasm or %s/misc/wasm", goroot, goroot)
}

func gzipBest(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeAtomic writes b to a temporary file beside name and renames it over
// name. The temporary name starts with a dot, which the server never serves.
func writeAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
