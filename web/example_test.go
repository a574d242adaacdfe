package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/pgrad/pgrad/web"
)

// A handler serves a fixed set of files; this one lacks the generated wasm,
// so its front page says how to build it.
func ExampleNewHandler() {
	h := web.NewHandler(fstest.MapFS{
		"index.html": {Data: []byte("<!doctype html><title>page</title>")},
		"style.css":  {Data: []byte("body { margin: 0 }")},
	})
	for _, target := range []string{"/style.css", "/", "/pgrad.wasm", "/../go.mod"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Println(target, w.Code, w.Header().Get("Content-Type"))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	fmt.Println("POST /", w.Code, "Allow:", w.Header().Get("Allow"))
	// Output:
	// /style.css 200 text/css; charset=utf-8
	// / 503 text/html; charset=utf-8
	// /pgrad.wasm 404 text/plain; charset=utf-8
	// /../go.mod 404 text/plain; charset=utf-8
	// POST / 405 Allow: GET, HEAD
}

// The embedded page can be mounted under a path of a larger server: its
// links are relative.
func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle("/pgrad/", http.StripPrefix("/pgrad", web.Handler()))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("HEAD", "/pgrad/", nil))
	fmt.Println(w.Header().Get("Content-Type"))
	// Output: text/html; charset=utf-8
}
