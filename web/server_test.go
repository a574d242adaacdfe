package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// testFiles builds a static directory like the generated one, with a wasm
// and a script large enough to be compressed.
func testFiles() fstest.MapFS {
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("engine "), 4000)...)
	js := []byte(strings.Repeat("export const x = 1; // a line of JavaScript\n", 40))
	return fstest.MapFS{
		"index.html":      {Data: []byte("<!doctype html><title>pgrad</title><script type=module src=app.js></script>")},
		"app.js":          {Data: js},
		"mod.mjs":         {Data: []byte("export {};")},
		"style.css":       {Data: []byte("body { margin: 0 }")},
		"icon.svg":        {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		"shot.png":        {Data: bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 200)},
		"data.json":       {Data: []byte(`{"a":1}`)},
		"wasm_exec.js":    {Data: []byte(strings.Repeat("// the loader\n", 100))},
		"bundle.js":       {Data: js},
		"bundle-later.js": {Data: js},
		"pgrad.wasm":      {Data: wasm},
		"pgrad.wasm.gz":   {Data: gzipLevel(wasm, gzip.BestSpeed)},
		"lone.gz":         {Data: gzipLevel([]byte("lone"), gzip.BestSpeed)},
		"empty.txt":       {Data: nil},
		"empty.txt.gz":    {Data: gzipLevel(nil, gzip.BestSpeed)},
		".keep":           {Data: nil},
		".hidden/x.js":    {Data: []byte("secret")},
		"sub/page.html":   {Data: []byte("<p>sub</p>")},
	}
}

func gzipLevel(b []byte, level int) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		panic(err)
	}
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("body is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// do runs one request through h and returns the recorded response.
func do(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestContentTypes(t *testing.T) {
	h := NewHandler(testFiles())
	for _, tc := range []struct{ path, want string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/mod.mjs", "text/javascript; charset=utf-8"},
		{"/wasm_exec.js", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/icon.svg", "image/svg+xml"},
		{"/shot.png", "image/png"},
		{"/data.json", "application/json"},
		{"/pgrad.wasm", "application/wasm"},
		{"/lone.gz", "application/gzip"},
		{"/sub/page.html", "text/html; charset=utf-8"},
	} {
		for _, ae := range []string{"", "gzip"} {
			w := do(h, "GET", tc.path, "Accept-Encoding", ae)
			if w.Code != http.StatusOK {
				t.Errorf("GET %s (Accept-Encoding %q): status %d, want 200", tc.path, ae, w.Code)
				continue
			}
			if got := w.Header().Get("Content-Type"); got != tc.want {
				t.Errorf("GET %s (Accept-Encoding %q): Content-Type %q, want %q", tc.path, ae, got, tc.want)
			}
		}
	}
}

func TestServesExactBytes(t *testing.T) {
	files := testFiles()
	h := NewHandler(files)
	for _, name := range []string{"index.html", "app.js", "style.css", "pgrad.wasm", "shot.png", "sub/page.html"} {
		w := do(h, "GET", "/"+name)
		if w.Header().Get("Content-Encoding") != "" {
			t.Errorf("GET /%s without Accept-Encoding: Content-Encoding %q", name, w.Header().Get("Content-Encoding"))
		}
		if !bytes.Equal(w.Body.Bytes(), files[name].Data) {
			t.Errorf("GET /%s: body of %d bytes differs from the file's %d", name, w.Body.Len(), len(files[name].Data))
		}
		if got, want := w.Header().Get("Content-Length"), fmt.Sprint(len(files[name].Data)); got != want {
			t.Errorf("GET /%s: Content-Length %s, want %s", name, got, want)
		}
	}
	if w := do(h, "GET", "/"); !bytes.Equal(w.Body.Bytes(), files["index.html"].Data) {
		t.Errorf("GET / did not serve index.html: %q", w.Body.String())
	}
}

func TestNotFound(t *testing.T) {
	h := NewHandler(testFiles())
	for _, p := range []string{
		"/nope.js",
		"/sub",  // a directory: no listing
		"/sub/", // nor with a slash
		"/.keep",
		"/.hidden/x.js",
		"/pgrad.wasm.gz", // only served as the Content-Encoding of /pgrad.wasm
		"/empty.txt.gz",  // likewise, although empty.txt is empty
		"/index.html/",
		"/INDEX.HTML",
		"/app.js.map",
	} {
		w := do(h, "GET", p)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, w.Code)
		}
		if strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "<a href") {
			t.Errorf("GET %s: body leaks content: %q", p, w.Body.String())
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := NewHandler(testFiles())
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"} {
		for _, p := range []string{"/", "/pgrad.wasm", "/nope"} {
			w := do(h, m, p)
			if w.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", m, p, w.Code)
			}
			if got := w.Header().Get("Allow"); got != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q, want %q", m, p, got, "GET, HEAD")
			}
		}
	}
}

func TestHead(t *testing.T) {
	h := NewHandler(testFiles())
	for _, ae := range []string{"", "gzip"} {
		get := do(h, "GET", "/pgrad.wasm", "Accept-Encoding", ae)
		head := do(h, "HEAD", "/pgrad.wasm", "Accept-Encoding", ae)
		if head.Code != http.StatusOK {
			t.Fatalf("HEAD (Accept-Encoding %q): status %d", ae, head.Code)
		}
		if head.Body.Len() != 0 {
			t.Errorf("HEAD (Accept-Encoding %q): %d bytes of body", ae, head.Body.Len())
		}
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag"} {
			if g, h := get.Header().Get(k), head.Header().Get(k); g != h {
				t.Errorf("Accept-Encoding %q: %s is %q for GET but %q for HEAD", ae, k, g, h)
			}
		}
	}
}

// checkSecurityHeaders fails t unless hdr carries nosniff and a CSP that
// confines the page to its own origin without inline code or eval.
func checkSecurityHeaders(t *testing.T, what string, hdr http.Header) {
	t.Helper()
	if got := hdr.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	csp := hdr.Get("Content-Security-Policy")
	directives := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			directives[f[0]] = f[1:]
		}
	}
	for _, f := range strings.Fields(strings.ReplaceAll(csp, ";", " ")) {
		switch f {
		case "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:":
			if f == "data:" && contains(directives["img-src"], f) {
				continue // data: images cannot run code
			}
			t.Errorf("%s: CSP allows %s: %q", what, f, csp)
		}
	}
	for d, want := range map[string][]string{
		"default-src":     {"'none'"},
		"script-src":      {"'self'", "'wasm-unsafe-eval'"},
		"style-src":       {"'self'"},
		"connect-src":     {"'self'"},
		"frame-ancestors": {"'none'"},
		"base-uri":        {"'none'"},
	} {
		if got := strings.Join(directives[d], " "); got != strings.Join(want, " ") {
			t.Errorf("%s: CSP %s is %q, want %q", what, d, got, strings.Join(want, " "))
		}
	}
	if got := hdr.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s: Referrer-Policy %q", what, got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSecurityHeaders(t *testing.T) {
	h := NewHandler(testFiles())
	missing := testFiles()
	delete(missing, "pgrad.wasm")
	hm := NewHandler(missing)
	for _, tc := range []struct {
		h            http.Handler
		method, path string
		code         int
	}{
		{h, "GET", "/", 200},
		{h, "GET", "/pgrad.wasm", 200},
		{h, "HEAD", "/app.js", 200},
		{h, "GET", "/nope", 404},
		{h, "GET", "/../web.go", 404},
		{h, "POST", "/", 405},
		{hm, "GET", "/", 503},
		{hm, "GET", "/pgrad.wasm", 404},
	} {
		w := do(tc.h, tc.method, tc.path, "Accept-Encoding", "gzip")
		what := tc.method + " " + tc.path
		if w.Code != tc.code {
			t.Errorf("%s: status %d, want %d", what, w.Code, tc.code)
		}
		checkSecurityHeaders(t, what, w.Header())
	}
}

func TestGzip(t *testing.T) {
	files := testFiles()
	h := NewHandler(files)
	for _, tc := range []struct {
		path, acceptEncoding string
		gzipped              bool
	}{
		{"/pgrad.wasm", "gzip", true},
		{"/pgrad.wasm", "gzip, deflate, br, zstd", true}, // what Chromium sends
		{"/pgrad.wasm", "GZIP", true},
		{"/pgrad.wasm", "x-gzip", true},
		{"/pgrad.wasm", "*", true},
		{"/pgrad.wasm", "gzip;q=0.5, br", true},
		{"/pgrad.wasm", "", false},
		{"/pgrad.wasm", "identity", false},
		{"/pgrad.wasm", "br", false},
		{"/pgrad.wasm", "gzip;q=0", false},
		{"/pgrad.wasm", "gzip; q=0.000", false},
		{"/pgrad.wasm", "*, gzip;q=0", false},
		{"/pgrad.wasm", "*;q=0", false},
		{"/pgrad.wasm", "gzip;q=nonsense", false},
		{"/app.js", "gzip", true},
		{"/", "gzip", false},          // index.html is too small to gain
		{"/style.css", "gzip", false}, // likewise
		{"/shot.png", "gzip", false},  // images are compressed already
	} {
		what := fmt.Sprintf("GET %s with Accept-Encoding %q", tc.path, tc.acceptEncoding)
		w := do(h, "GET", tc.path, "Accept-Encoding", tc.acceptEncoding)
		if w.Code != 200 {
			t.Errorf("%s: status %d", what, w.Code)
			continue
		}
		name := strings.TrimPrefix(tc.path, "/")
		if name == "" {
			name = "index.html"
		}
		want := files[name].Data
		enc := w.Header().Get("Content-Encoding")
		if tc.gzipped {
			if enc != "gzip" {
				t.Errorf("%s: Content-Encoding %q, want gzip", what, enc)
				continue
			}
			if w.Body.Len() >= len(want) {
				t.Errorf("%s: gzip body of %d bytes is not smaller than %d", what, w.Body.Len(), len(want))
			}
			if got := gunzip(t, w.Body.Bytes()); !bytes.Equal(got, want) {
				t.Errorf("%s: body decompresses to %d bytes that differ from the file's %d", what, len(got), len(want))
			}
		} else if enc != "" || !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%s: Content-Encoding %q and %d bytes, want the file's %d bytes unencoded", what, enc, w.Body.Len(), len(want))
		}
		vary := w.Header().Values("Vary")
		compressible := name == "pgrad.wasm" || name == "app.js"
		if compressible && !contains(vary, "Accept-Encoding") {
			t.Errorf("%s: Vary %q lacks Accept-Encoding", what, vary)
		}
	}
}

func TestGzipUsesPrecompressed(t *testing.T) {
	files := testFiles()
	h := NewHandler(files)
	w := do(h, "GET", "/pgrad.wasm", "Accept-Encoding", "gzip")
	// The fixture's .gz is made at BestSpeed; the handler's own compression
	// uses BestCompression, so equal bytes mean the generator's form was used.
	if !bytes.Equal(w.Body.Bytes(), files["pgrad.wasm.gz"].Data) {
		t.Errorf("served %d gzip bytes, not the precompressed %d", w.Body.Len(), len(files["pgrad.wasm.gz"].Data))
	}
}

func TestGzipIgnoresStalePrecompressed(t *testing.T) {
	files := testFiles()
	old := files["pgrad.wasm"].Data
	rebuilt := append(append([]byte{}, old...), "rebuilt"...)
	files["pgrad.wasm"] = &fstest.MapFile{Data: rebuilt} // the .gz still holds old
	h := NewHandler(files)
	w := do(h, "GET", "/pgrad.wasm", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", w.Header().Get("Content-Encoding"))
	}
	if got := gunzip(t, w.Body.Bytes()); !bytes.Equal(got, rebuilt) {
		t.Errorf("gzip body decompresses to %d bytes, want the rebuilt wasm's %d", len(got), len(rebuilt))
	}
}

func TestGzipOnce(t *testing.T) {
	h := NewHandler(testFiles()).(*handler)
	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = do(h, "GET", "/app.js", "Accept-Encoding", "gzip").Body.Bytes()
		}()
	}
	wg.Wait()
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Errorf("concurrent gzip responses %d and 0 differ", i)
		}
	}
	f := h.files["app.js"]
	a, b := f.compressed(), f.compressed()
	if len(a) == 0 || &a[0] != &b[0] {
		t.Errorf("compressed() made a new gzip form on a second call")
	}
}

func TestConditionalGet(t *testing.T) {
	h := NewHandler(testFiles())
	plain := do(h, "GET", "/pgrad.wasm")
	gz := do(h, "GET", "/pgrad.wasm", "Accept-Encoding", "gzip")
	pt, gt := plain.Header().Get("ETag"), gz.Header().Get("ETag")
	if pt == "" || gt == "" || pt == gt {
		t.Fatalf("ETags %q (identity) and %q (gzip) must be set and differ", pt, gt)
	}
	if got := plain.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", got)
	}
	if w := do(h, "GET", "/pgrad.wasm", "If-None-Match", pt); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("If-None-Match with the current ETag: status %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	if w := do(h, "GET", "/pgrad.wasm", "If-None-Match", `"stale"`); w.Code != http.StatusOK {
		t.Errorf("If-None-Match with another ETag: status %d, want 200", w.Code)
	}
	h2 := NewHandler(func() fstest.MapFS {
		f := testFiles()
		f["pgrad.wasm"] = &fstest.MapFile{Data: []byte("\x00asm another build")}
		return f
	}())
	if w := do(h2, "GET", "/pgrad.wasm", "If-None-Match", pt); w.Code != http.StatusOK {
		t.Errorf("a rebuilt wasm answered %d to the old build's ETag, want 200", w.Code)
	}
}

func TestMissingWasm(t *testing.T) {
	for _, drop := range []string{"pgrad.wasm", "wasm_exec.js", "bundle.js", "bundle-later.js"} {
		files := testFiles()
		delete(files, drop)
		delete(files, drop+".gz")
		h := NewHandler(files)
		for _, p := range []string{"/", "/index.html"} {
			for _, m := range []string{"GET", "HEAD"} {
				w := do(h, m, p)
				if w.Code != http.StatusServiceUnavailable {
					t.Errorf("without %s, %s %s: status %d, want 503", drop, m, p, w.Code)
				}
				if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("without %s, %s %s: Content-Type %q", drop, m, p, ct)
				}
				if m == "HEAD" {
					if w.Body.Len() != 0 {
						t.Errorf("without %s, HEAD %s: %d bytes of body", drop, p, w.Body.Len())
					}
					continue
				}
				for _, s := range []string{"make run", "go generate ./web/...", "<title>"} {
					if !strings.Contains(w.Body.String(), s) {
						t.Errorf("without %s, GET %s: hint page lacks %q:\n%s", drop, p, s, w.Body.String())
					}
				}
			}
		}
		w := do(h, "GET", "/"+drop)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "go generate ./web/...") {
			t.Errorf("without %s, GET /%s: status %d body %q, want 404 with the build hint", drop, drop, w.Code, w.Body.String())
		}
		if w := do(h, "GET", "/style.css"); w.Code != http.StatusOK {
			t.Errorf("without %s, GET /style.css: status %d, want 200", drop, w.Code)
		}
	}
	if w := do(NewHandler(testFiles()), "GET", "/"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "app.js") {
		t.Errorf("with the wasm built, GET / answered %d %q, want index.html", w.Code, w.Body.String())
	}
	if hasGenerated(fstest.MapFS{"pgrad.wasm": {}, "wasm_exec.js": {Mode: fs.ModeDir | 0o755}}) {
		t.Errorf("a directory named wasm_exec.js counted as the loader")
	}
}

// rawGet sends target as written, bypassing any client-side cleaning, and
// returns the status and body.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestNoPathTraversal(t *testing.T) {
	srv := httptest.NewServer(NewHandler(testFiles()))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	// The embedded FS's real parent holds web.go; a fixture FS has no
	// parent at all, so anything but 404 (or the server's own 400) means the
	// path was resolved somewhere it should not have been.
	real := httptest.NewServer(Handler())
	defer real.Close()
	realAddr := strings.TrimPrefix(real.URL, "http://")
	for _, target := range []string{
		"/../web.go",
		"/../../go.mod",
		"/static/../web.go",
		"/sub/../index.html",
		"/sub/./page.html",
		"/./index.html",
		"//index.html",
		"/%2e%2e/web.go",
		"/%2E%2E/web.go",
		"/..%2fweb.go",
		"/..%2Fweb.go",
		"/%2e%2e%2fweb.go",
		"/sub%2fpage.html",
		"/..%5cweb.go",
		"/..\\web.go",
		"/sub\\page.html",
		"/index.html%00",
		"/index.html%00.png",
		"/%00",
		"/%c0%ae%c0%ae/web.go", // overlong UTF-8 for ".."
		"/.%2e/web.go",
		"/..;/web.go",
		"/pgrad.wasm/../web.go",
		"/static/web.go",
		"/web.go",
		"http://example.com/../web.go",
	} {
		for _, a := range []string{addr, realAddr} {
			code, body := rawGet(t, a, target)
			if code != http.StatusNotFound && code != http.StatusBadRequest {
				t.Errorf("GET %s on %s: status %d, want 404 or 400", target, a, code)
			}
			if strings.Contains(body, "package web") || strings.Contains(body, "module ") || strings.Contains(body, "<p>sub</p>") {
				t.Errorf("GET %s on %s: leaked a file: %.80q", target, a, body)
			}
		}
	}
	// The control: the same servers do serve plain names.
	if code, _ := rawGet(t, addr, "/sub/page.html"); code != http.StatusOK {
		t.Errorf("GET /sub/page.html: status %d, want 200", code)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"deflate", "gzip"}, true}, // repeated header lines
		{[]string{" gzip ; q=1 "}, true},
		{[]string{"gzip;Q=0.1"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=1.5"}, false},
		{[]string{"gzip;q=-1"}, false},
		{[]string{"gzipper"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"gzip, *;q=0"}, true},
	} {
		if got := acceptsGzip(tc.values); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestEmbeddedHandler(t *testing.T) {
	h := Handler()
	w := do(h, "GET", "/")
	if WasmBuilt() {
		if w.Code != http.StatusOK {
			t.Errorf("with the wasm embedded, GET / answered %d", w.Code)
		}
		if w := do(h, "GET", "/"+WasmName); w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("\x00asm")) {
			t.Errorf("GET /%s: status %d, body does not start with the wasm magic", WasmName, w.Code)
		}
	} else if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "make run") {
		t.Errorf("without the wasm, GET / answered %d %q, want the build hint", w.Code, w.Body.String())
	}
	if w := do(h, "GET", "/.keep"); w.Code != http.StatusNotFound {
		t.Errorf("GET /.keep: status %d, want 404", w.Code)
	}
}

func TestRange(t *testing.T) {
	files := testFiles()
	h := NewHandler(files)
	w := do(h, "GET", "/pgrad.wasm", "Range", "bytes=4-7")
	if w.Code != http.StatusPartialContent || w.Body.String() != "\x01\x00\x00\x00" {
		t.Errorf("Range bytes=4-7: status %d body %q, want 206 and the wasm version bytes", w.Code, w.Body.String())
	}
	// With gzip, the range is of the gzip bytes (the selected representation).
	w = do(h, "GET", "/pgrad.wasm", "Range", "bytes=0-1", "Accept-Encoding", "gzip")
	if w.Code != http.StatusPartialContent || w.Body.String() != "\x1f\x8b" || w.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("Range bytes=0-1 with gzip: status %d body %q encoding %q, want 206 and the gzip magic", w.Code, w.Body.String(), w.Header().Get("Content-Encoding"))
	}
	// An error body is plain text and must not claim to be gzip.
	w = do(h, "GET", "/pgrad.wasm", "Range", "bytes=99999999-", "Accept-Encoding", "gzip")
	if w.Code != http.StatusRequestedRangeNotSatisfiable || w.Header().Get("Content-Encoding") != "" {
		t.Errorf("unsatisfiable Range: status %d, Content-Encoding %q; want 416 and none", w.Code, w.Header().Get("Content-Encoding"))
	}
}

// BenchmarkServeWasm measures one request for the wasm, plain and gzipped:
// after the first, no request compresses anything.
func BenchmarkServeWasm(b *testing.B) {
	h := NewHandler(testFiles())
	for _, ae := range []string{"", "gzip"} {
		b.Run("accept="+ae, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/pgrad.wasm", nil)
			if ae != "" {
				r.Header.Set("Accept-Encoding", ae)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
