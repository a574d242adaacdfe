//go:build !js && !wasip1

package web_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pgrad/pgrad/web"
)

// staticWith returns the page's files with some replaced.
func staticWith(t *testing.T, replace map[string][]byte) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(web.Static(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Static(), name)
		if err != nil {
			return err
		}
		m[name] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range replace {
		m[name] = &fstest.MapFile{Data: b}
		delete(m, name+".gz") // the gzip form would be served instead
	}
	return m
}

// TestBrowserBootFailure: when the engine cannot start (a broken
// pgrad.wasm, or a wasm_exec.js that defines no Go), the lab's status line
// says why, marked as a warning, and the lab's controls stay disabled; the
// page does not claim to be ready. The handler itself answers 503 when a
// generated file is missing (TestMissingWasm); these are the failures it
// cannot see.
func TestBrowserBootFailure(t *testing.T) {
	for _, c := range []struct {
		name    string
		replace map[string][]byte
		want    string
	}{
		{"broken wasm", map[string][]byte{web.WasmName: []byte("\x00asm\x01\x00\x00\x00 this is not a module")}, "pgrad.wasm could not be compiled"},
		{"loader without Go", map[string][]byte{web.WasmExecName: []byte("// no Go here\n")}, "wasm_exec.js did not load"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := web.NewHandler(staticWith(t, c.replace))
			p := newPageOn(t, h, time.Minute, `#status.warn`)
			st := text(t, p, "#status")
			t.Logf("status line: %q", st)
			if !strings.Contains(st, c.want) {
				t.Errorf("status line %q, want it to name %q", st, c.want)
			}
			if strings.Contains(st, "Ready") {
				t.Errorf("status line %q claims the page is ready", st)
			}
			for _, id := range []string{"train", "step", "reset"} {
				if !eval[bool](t, p, `document.getElementById("`+id+`").disabled`) {
					t.Errorf("#%s is enabled although the engine did not start", id)
				}
			}
			if eval[string](t, p, `document.documentElement.dataset.ready || ""`) != "" {
				t.Error(`<html> has data-ready although the engine did not start`)
			}
		})
	}
}
