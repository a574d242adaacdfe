package web

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/pgrad/pgrad/internal/jsbundle"
)

// The page's start-up does not wait for a chain of requests: the page's
// modules come in two bundles (internal/jsbundle), the lab's first, and
// index.html's <head> preloads the engine's wasm, which preload.js starts
// compiling as soon as it runs. Here the lists are checked against
// the modules' own import statements, so a module added without its
// preload, or a preload left for a module that went, fails.

var (
	linkTag   = regexp.MustCompile(`<link\s[^>]*>`)
	scriptTag = regexp.MustCompile(`<script\s[^>]*>`)
	attr      = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
	// Static imports: `import {…} from "./x.js";`, `import "./x.js";`.
	importStmt = regexp.MustCompile(`(?m)^import\s+(?:[^;"']*?\sfrom\s+)?"([^"]+)";`)
)

// tagAttrs returns the attributes of one start tag ("" for a bare one).
func tagAttrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attr.FindAllStringSubmatch(strings.TrimSuffix(strings.TrimPrefix(tag, "<"), ">"), -1)[1:] {
		m[a[1]] = a[2]
	}
	return m
}

// moduleGraph returns every module reachable from the entry modules
// through static imports, entries included, by name in fsys; it fails on an
// import of a file that does not exist.
func moduleGraph(t *testing.T, fsys fs.FS, entries ...string) []string {
	t.Helper()
	seen := map[string]bool{}
	todo := slices.Clone(entries)
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[name] {
			continue
		}
		seen[name] = true
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatalf("module %s: %v", name, err)
		}
		for _, m := range importStmt.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasPrefix(m[1], "./") && !strings.HasPrefix(m[1], "../") {
				t.Errorf("%s imports %q: the page's modules import each other by relative path", name, m[1])
				continue
			}
			todo = append(todo, path.Join(path.Dir(name), m[1]))
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func TestHeadPreloadsTheStartUp(t *testing.T) {
	fsys := Static()
	b, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	head, _, ok := strings.Cut(html, "</head>")
	if !ok {
		t.Fatal("index.html has no </head>")
	}

	var preloads, wasm []string
	for _, tag := range linkTag.FindAllString(head, -1) {
		a := tagAttrs(tag)
		switch a["rel"] {
		case "modulepreload":
			preloads = append(preloads, a["href"])
		case "preload":
			if a["as"] != "fetch" {
				t.Errorf("%s: the engine is preloaded as=\"fetch\", the destination of engine.js's fetch()", tag)
			}
			// fetch() asks in CORS mode; a preload without crossorigin
			// would not match it, and the wasm would be downloaded twice.
			if _, ok := a["crossorigin"]; !ok {
				t.Errorf("%s: a fetch preload needs crossorigin to be used by fetch()", tag)
			}
			wasm = append(wasm, a["href"])
		}
	}
	if !slices.Equal(wasm, []string{WasmName}) {
		t.Errorf("<head> preloads %q, want only the engine %q", wasm, WasmName)
	}

	// The scripts of <head>: preload.js alone, a classic parser-blocking
	// script (no async, defer or module: those run only after the first
	// layout), before the stylesheets, which a classic script would wait for.
	var scripts []string
	for _, tag := range scriptTag.FindAllString(head, -1) {
		a := tagAttrs(tag)
		scripts = append(scripts, a["src"])
		for _, k := range []string{"async", "defer", "type"} {
			if v, ok := a[k]; ok {
				t.Errorf("%s: preload.js is a classic blocking script, but it has %s=%q", tag, k, v)
			}
		}
	}
	if !slices.Equal(scripts, []string{"preload.js"}) {
		t.Errorf("the scripts of <head> are %q, want only preload.js", scripts)
	}
	if i, j := strings.Index(head, `src="preload.js"`), strings.Index(head, `rel="stylesheet"`); i < 0 || j < 0 || i > j {
		t.Errorf("preload.js comes after the stylesheets (at %d, they at %d): it would wait for them", i, j)
	}
	if i, j := strings.Index(head, `rel="preload"`), strings.Index(head, `rel="stylesheet"`); i < 0 || j < 0 || i > j {
		t.Errorf("the engine's preload comes after the stylesheets (at %d, they at %d): it should be the first request after the page", i, j)
	}

	// bundle.js (app.js and its static imports, joined by go generate): an
	// async module right after the lab's section, so that it runs as soon as
	// the lab exists, without waiting for the rest.
	body := html[len(head):]
	lab := strings.Index(body, `id="lab"`)
	labEnd := strings.Index(body[max(lab, 0):], "</section>")
	tags := scriptTag.FindAllStringIndex(body, -1)
	if lab < 0 || labEnd < 0 || len(tags) != 1 {
		t.Fatalf("want one <script> in <body>, after the lab's section: lab at %d, its end at %d, %d scripts", lab, labEnd, len(tags))
	}
	labEnd += lab + len("</section>")
	tag := body[tags[0][0]:tags[0][1]]
	a := tagAttrs(tag)
	if _, async := a["async"]; a["src"] != BundleName || a["type"] != "module" || !async {
		t.Errorf("%s: want %s as an async module", tag, BundleName)
	}
	if between := strings.TrimSpace(regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(body[labEnd:tags[0][0]], "")); between != "" {
		t.Errorf("%s's <script> does not follow the lab's section: %q comes between", BundleName, between)
	}

	// The one module preloaded is wasm_exec.js, which preload.js imports:
	// the page's own modules are in the bundles.
	if !slices.Equal(preloads, []string{WasmExecName}) {
		t.Errorf("modulepreload links: %q, want only %s", preloads, WasmExecName)
	}
}

// TestBundlesAreCurrent: the embedded bundles are what the bundler makes of
// the embedded modules, so a page built from stale bundles fails here
// (run go generate ./web/...). The first holds app.js's static import
// graph, the later the sections below the lab.
func TestBundlesAreCurrent(t *testing.T) {
	if !WasmBuilt() {
		t.Skip("the generated files are not embedded (go generate ./web/...)")
	}
	fsys := Static()
	r, err := jsbundle.Bundle(fsys, "app.js", BundleName, BundleLaterName)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		want []byte
	}{{BundleName, r.First}, {BundleLaterName, r.Later}} {
		got, err := fs.ReadFile(fsys, f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s is not the bundle of the embedded modules (%d bytes, want %d): run go generate ./web/...", f.name, len(got), len(f.want))
		}
	}
	graph := moduleGraph(t, fsys, "app.js")
	if len(graph) < 8 { // the graph itself was read: a broken regexp would find nothing
		t.Fatalf("only %d modules found in the import graph of app.js: %q", len(graph), graph)
	}
	for _, m := range graph {
		if !bytes.Contains(r.First, []byte("\n// ---- "+m+"\n")) {
			t.Errorf("%s, in app.js's import graph, is not in %s", m, BundleName)
		}
	}
	for _, m := range []string{"widgets/variance.js", "widgets/critic.js", "widgets/clip.js", "widgets/cartpole.js", "widgets/formula.js"} {
		if !bytes.Contains(r.Later, []byte("\n// ---- "+m+"\n")) || bytes.Contains(r.First, []byte("\n// ---- "+m+"\n")) {
			t.Errorf("%s belongs in %s alone", m, BundleLaterName)
		}
	}
}

// TestCompressAll: the gzip forms are made ahead of the first request, and
// a request then serves that same form (no second compression).
func TestCompressAll(t *testing.T) {
	big := strings.Repeat("policy gradients, ", 400)
	h := NewHandler(fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><title>pgrad</title>" + big)},
		"app.js":     {Data: []byte("// " + big)},
		"small.css":  {Data: []byte("p{}")},
		"shot.png":   {Data: []byte(big)},
	}).(*handler)
	h.compressAll()
	for name, f := range h.files {
		if want := f.gzip; (f.gzData != nil) != want {
			t.Errorf("%s: gzip form made %v, want %v", name, f.gzData != nil, want)
		}
	}
	f := h.files["app.js"]
	made := f.gzData
	w := do(h, "GET", "/app.js", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(w.Body.Bytes(), made) || &f.gzData[0] != &made[0] {
		t.Errorf("GET /app.js did not serve the gzip form made ahead (encoding %q)", w.Header().Get("Content-Encoding"))
	}
}

// TestCompressAllWhileServing: Handler() makes the gzip forms in the
// background while requests may already arrive (run with -race).
func TestCompressAllWhileServing(t *testing.T) {
	files := fstest.MapFS{}
	for i := range 8 {
		files[fmt.Sprintf("m%d.js", i)] = &fstest.MapFile{Data: []byte(strings.Repeat(fmt.Sprintf("// module %d\n", i), 200))}
	}
	h := NewHandler(files).(*handler)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.compressAll()
	}()
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = do(h, "GET", fmt.Sprintf("/m%d.js", i), "Accept-Encoding", "gzip").Body.Bytes()
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		if f := h.files[fmt.Sprintf("m%d.js", i)]; !bytes.Equal(b, f.gzData) {
			t.Errorf("m%d.js: served %d bytes, the gzip form is %d", i, len(b), len(f.gzData))
		}
	}
}
