package jsbundle

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// A page in miniature: app.js imports two modules statically (one through
// another) and a third with import(), which imports a module of the first
// bundle again and one of its own. count.js counts its evaluations.
func page() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"count.js": f(`export const counter = { n: 0 };
counter.n++;
`),
		"lib/x.js": f(`import { counter } from "../count.js";
export function twice(v) {
  return 2 * v;
}
export const K = 21;
export class Box {
  constructor(v) { this.v = v; }
}
// A name that app.js uses too, for itself.
const local = "x";
export async function seen() { return counter.n + local; }
`),
		"later/w.js": f(`import { twice as double, Box } from "../lib/x.js";
import { helper } from "./helper.js";
export const value = helper(double(5));
export function box() { return new Box(1); }
`),
		"later/helper.js": f(`export function helper(v) { return v + 1; }
`),
		"app.js": f(`import { twice, K, Box, seen } from "./lib/x.js";
import { counter } from "./count.js";
const local = "app";
export async function main() {
  const w = await import("./later/w.js");
  const b = w.box();
  return [twice(K), local, await seen(), w.value, b instanceof Box, counter.n].join(" ");
}
`),
	}
}

func TestBundleSplitsAndLinks(t *testing.T) {
	r, err := Bundle(page(), "app.js", "b1.js", "b2.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// ---- count.js", "// ---- lib/x.js", "// ---- app.js", `import("./b2.js")`} {
		if !bytes.Contains(r.First, []byte(want)) {
			t.Errorf("the first bundle lacks %q:\n%s", want, r.First)
		}
	}
	for _, want := range []string{"// ---- later/w.js", "// ---- later/helper.js", `from "./b1.js";`} {
		if !bytes.Contains(r.Later, []byte(want)) {
			t.Errorf("the later bundle lacks %q:\n%s", want, r.Later)
		}
	}
	if bytes.Contains(r.Later, []byte("// ---- lib/x.js")) || bytes.Contains(r.First, []byte("// ---- later/")) {
		t.Errorf("a module is in the wrong bundle:\nfirst:\n%s\nlater:\n%s", r.First, r.Later)
	}
	again, err := Bundle(page(), "app.js", "b1.js", "b2.js")
	if err != nil || !bytes.Equal(again.First, r.First) || !bytes.Equal(again.Later, r.Later) {
		t.Errorf("a second run gave other bundles (err %v)", err)
	}
}

// TestBundleRuns evaluates the bundles in Node: the values cross the
// imports, the dynamic import shares the first bundle's modules (Box is
// the same class, count.js ran once), and two modules' private names of
// the same spelling do not collide.
func TestBundleRuns(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but node is missing (.ci/run installs nodejs)")
		}
		t.Skip("node not found; the bundle's evaluation is checked where it is")
	}
	r, err := Bundle(page(), "app.js", "b1.js", "b2.js")
	if err != nil {
		t.Fatal(err)
	}
	app := regexp.MustCompile(`// ---- app.js\nconst (m\d+) =`).FindSubmatch(r.First)
	if app == nil {
		t.Fatalf("no app.js module in the first bundle:\n%s", r.First)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"b1.mjs":  bytes.ReplaceAll(r.First, []byte(`"./b2.js"`), []byte(`"./b2.mjs"`)),
		"b2.mjs":  bytes.ReplaceAll(r.Later, []byte(`"./b1.js"`), []byte(`"./b1.mjs"`)),
		"run.mjs": []byte("import { " + string(app[1]) + " as app } from \"./b1.mjs\";\nconsole.log(await app.main());\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(node, filepath.Join(dir, "run.mjs")).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s\nfirst:\n%s\nlater:\n%s", err, out, r.First, r.Later)
	}
	if got, want := strings.TrimSpace(string(out)), "42 app 1x 11 true 1"; got != want {
		t.Errorf("the bundled page printed %q, want %q", got, want)
	}
}

func TestBundleRefuses(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		file  string
		line  int
		msg   string
	}{
		{"default export", map[string]string{"app.js": "const a = 1;\nexport default a;\n"}, "app.js", 2, "can be bundled"},
		{"export let", map[string]string{"app.js": "export let n = 1;\n"}, "app.js", 1, "can be bundled"},
		{"namespace import", map[string]string{"app.js": "import * as x from \"./x.js\";\n", "x.js": ""}, "app.js", 1, "can be bundled"},
		{"bare specifier", map[string]string{"app.js": "import { a } from \"lib\";\n"}, "app.js", 1, "relative paths"},
		{"missing export", map[string]string{"app.js": "\nimport { nope } from \"./x.js\";\n", "x.js": "export const a = 1;\n"}, "app.js", 2, "does not export nope"},
		{"cycle", map[string]string{"app.js": "import { b } from \"./x.js\";\nexport const a = 1;\n", "x.js": "import { a } from \"./app.js\";\nexport const b = 2;\n"}, "x.js", 1, "import cycle"},
		{"import.meta", map[string]string{"app.js": "const u = import.meta.url;\n"}, "app.js", 1, "import.meta"},
		{"missing file", map[string]string{"app.js": "import { a } from \"./gone.js\";\n"}, "gone.js", 0, "not exist"},
		{"entry below the root", map[string]string{"sub/app.js": ""}, "sub/app.js", 0, "at the root"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range c.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			entry := "app.js"
			if _, ok := c.files[entry]; !ok {
				entry = "sub/app.js"
			}
			_, err := Bundle(fsys, entry, "b1.js", "b2.js")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.File != c.file || e.Line != c.line || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("got %s:%d %q, want %s:%d and a message with %q", e.File, e.Line, e.Msg, c.file, c.line, c.msg)
			}
		})
	}
}
