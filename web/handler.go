package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ContentSecurityPolicy is sent with every response. The page loads only its
// own scripts, styles and wasm: no inline code, no eval, nothing from other
// origins. 'wasm-unsafe-eval' lets WebAssembly.instantiate compile the
// engine without also allowing JavaScript eval.
const ContentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; " +
	"img-src 'self' data:; " +
	"font-src 'self'; " +
	"connect-src 'self'; " +
	"manifest-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// contentTypes fixes the types of the files a page is made of, so that
// responses do not depend on the host's mime.types (some map .js to
// application/javascript, and few know .wasm or .mjs).
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".svg":         "image/svg+xml",
	".wasm":        "application/wasm",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".webp":        "image/webp",
	".gif":         "image/gif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".gz":          "application/gzip",
}

// compressible lists the content types worth gzipping; images and fonts
// are compressed already.
var compressible = map[string]bool{
	"text/html; charset=utf-8":       true,
	"text/javascript; charset=utf-8": true,
	"text/css; charset=utf-8":        true,
	"text/plain; charset=utf-8":      true,
	"text/markdown; charset=utf-8":   true,
	"image/svg+xml":                  true,
	"application/wasm":               true,
	"application/json":               true,
	"application/manifest+json":      true,
}

// minGzipSize is the size below which gzip's header and the extra Vary
// handling cost more than they save.
const minGzipSize = 256

// A file is one servable file held in memory, with its gzip form made at
// most once.
type file struct {
	data  []byte
	ctype string
	etag  string

	gzip     bool   // whether a gzip form may be served
	pregz    []byte // the generator's precompressed form, checked before use
	gzOnce   sync.Once
	gzData   []byte // nil when gzip does not make the file smaller
	gzipETag string
}

// compressed returns the gzip form of f, or nil when there is none worth
// serving. The first call does the work; a precompressed form from the file
// system is used only if it decompresses to exactly f's bytes, so a stale
// .gz left beside a rebuilt wasm can never be served.
func (f *file) compressed() []byte {
	f.gzOnce.Do(func() {
		if !f.gzip {
			return
		}
		if f.pregz != nil && gunzipEquals(f.pregz, f.data) {
			f.gzData = f.pregz
		} else {
			f.gzData = gzipBytes(f.data)
		}
		f.pregz = nil
		if len(f.gzData) >= len(f.data) {
			f.gzData = nil
		}
	})
	return f.gzData
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(b)                                              // a bytes.Buffer does not fail
	zw.Close()
	return buf.Bytes()
}

func gunzipEquals(gz, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(zr, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}

// handler serves a fixed set of files read once from an fs.FS.
type handler struct {
	files   map[string]*file // by slash-separated name, e.g. "index.html"
	missing bool             // a generated file (the wasm, its loader, the bundles) is absent
}

// NewHandler returns an http.Handler that serves the regular files of fsys,
// read once now, at the URL paths of their names; "/" serves index.html.
//
// It answers GET and HEAD only (405 with an Allow header otherwise) and 404
// for anything that is not exactly the name of a file: there are no
// directory listings, and no spelling of a path, encoded or not, reaches
// outside the set. Files whose names begin with a dot are not served. A file
// "x.gz" beside a file "x" is taken as x's precompressed form and is not
// served under its own name. Text and wasm files are sent gzip-compressed
// when the client accepts it, compressed at most once. Every response of
// this handler carries X-Content-Type-Options: nosniff,
// ContentSecurityPolicy, Referrer-Policy, X-Frame-Options and the
// Cross-Origin-*-Policy headers; the few responses net/http writes before
// any handler runs are listed at NewServer.
//
// No request body is read: a GET or HEAD with one gets 413, any other
// method 405, and either closes the connection without waiting for the
// body. A Range of only zero-length suffixes ("bytes=-0") gets 416.
//
// When a generated file (pgrad.wasm, wasm_exec.js, bundle.js or
// bundle-later.js) is missing, "/" and "/index.html" answer 503 with a page
// that says how to build them, and their own paths answer 404 with the same
// hint. Files that cannot be read
// are left out and answer 404.
func NewHandler(fsys fs.FS) http.Handler {
	h := &handler{files: map[string]*file{}, missing: !hasGenerated(fsys)}
	raw := map[string][]byte{}
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable directory just contributes nothing
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if b, err := fs.ReadFile(fsys, name); err == nil {
			raw[name] = b
		}
		return nil
	})
	for name, b := range raw {
		if base, ok := strings.CutSuffix(name, ".gz"); ok {
			if _, ok := raw[base]; ok {
				continue
			}
		}
		sum := sha256.Sum256(b)
		tag := hex.EncodeToString(sum[:12])
		f := &file{
			data:     b,
			ctype:    contentType(name),
			etag:     `"` + tag + `"`,
			gzipETag: `"` + tag + `-gz"`,
		}
		f.gzip = compressible[f.ctype] && len(b) >= minGzipSize
		if f.gzip {
			f.pregz = raw[name+".gz"]
		}
		h.files[name] = f
	}
	return h
}

// compressAll makes the gzip form of every file that has one now, instead
// of at its first request. It is safe to call while requests are served.
func (h *handler) compressAll() {
	for _, f := range h.files {
		f.compressed()
	}
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY") // frame-ancestors for browsers without CSP 2
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	setSecurityHeaders(hdr)
	if r.ContentLength != 0 {
		// Nothing here reads a body. Without this net/http would read up
		// to 256 kB of it before answering, as slowly as the client sends
		// it: stop reading now and close the connection after the answer.
		http.NewResponseController(w).SetReadDeadline(time.Now())
		hdr.Set("Connection", "close")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength != 0 {
		http.Error(w, "413 a GET or HEAD request has no body", http.StatusRequestEntityTooLarge)
		return
	}
	// r.URL.Path is already percent-decoded, so "%2e%2e", "%2f" and the
	// like arrive here as "..", "/" and are then simply not a file name.
	// An encoded slash would let "sub%2fpage.html" name "sub/page.html":
	// harmless here, but one file should have one URL.
	name, ok := strings.CutPrefix(r.URL.Path, "/")
	if !ok || strings.Contains(strings.ToLower(r.URL.RawPath), "%2f") {
		http.NotFound(w, r)
		return
	}
	if name == "" {
		name = "index.html"
	}
	if h.missing {
		switch name {
		case "index.html":
			hdr.Set("Cache-Control", "no-store") // gone once the wasm is built
			hdr.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			if r.Method != http.MethodHead {
				io.WriteString(w, hintPage)
			}
			return
		case WasmName, WasmExecName, BundleName, BundleLaterName:
			hdr.Set("Cache-Control", "no-store")
			http.Error(w, "404 page not found: "+BuildHint, http.StatusNotFound)
			return
		}
	}
	f := h.files[name]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", f.ctype)
	// The names carry no content hash, so a browser must revalidate; the
	// ETag makes that a cheap 304.
	hdr.Set("Cache-Control", "no-cache")
	body, tag := f.data, f.etag
	if f.gzip {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			if gz := f.compressed(); gz != nil {
				hdr.Set("Content-Encoding", "gzip")
				body, tag = gz, f.gzipETag
			}
		}
	}
	hdr.Set("ETag", tag)
	if rng, ok := satisfiableRange(r.Header.Get("Range")); !ok {
		// net/http answers "bytes=-0" with 206 and an impossible
		// Content-Range (bytes N-(N-1)/N); RFC 9110 (14.1.1) makes a
		// zero-length suffix unsatisfiable: 416.
		hdr.Set("Content-Range", "bytes */"+strconv.Itoa(len(body)))
		http.Error(w, "416 range not satisfiable", http.StatusRequestedRangeNotSatisfiable)
		return
	} else if rng != r.Header.Get("Range") {
		r = r.Clone(r.Context())
		r.Header.Set("Range", rng)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// satisfiableRange drops the zero-length suffix ranges ("-0") from a Range
// header, which net/http mishandles; ok is false when only such ranges
// were asked. Any other header is returned as it is, for ServeContent.
func satisfiableRange(h string) (string, bool) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return h, true
	}
	var keep []string
	dropped := false
	for _, part := range strings.Split(spec, ",") {
		p := strings.TrimSpace(part)
		if digits, ok := strings.CutPrefix(p, "-"); ok && digits != "" && strings.Trim(digits, "0") == "" {
			dropped = true
			continue
		}
		keep = append(keep, p)
	}
	if !dropped {
		return h, true
	}
	if len(keep) == 0 {
		return "", false
	}
	return "bytes=" + strings.Join(keep, ","), true
}

// acceptsGzip reports whether Accept-Encoding values allow gzip: listed
// (or covered by "*") with a quality above zero (RFC 9110, section 12.5.3).
func acceptsGzip(values []string) bool {
	star, gz := -1.0, -1.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0 // a malformed weight is not a permission
					}
					q = f
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				gz = q
			case "*":
				star = q
			}
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

const hintPage = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pgrad: build the engine first</title>
<h1>pgrad: the WebAssembly engine is not built</h1>
<p>This server was built without the generated files (<code>pgrad.wasm</code>,
<code>wasm_exec.js</code> and the page's module bundles), so the explainer
cannot run yet.
From the repository's root, run</p>
<pre>make run</pre>
<p>or, step by step,</p>
<pre>go generate ./web/...
go run ./cmd/pgrad serve</pre>
<p>and reload this page.</p>
</html>
`
