// Package jsbundle joins the page's ES modules into two modules, so that
// the browser fetches, compiles and links two scripts instead of one per
// file: First holds the entry and everything it imports statically (what
// the page needs for its first frame), Later every module the first
// imports with import() and what those import, less what First holds.
//
// It knows only the subset of module syntax the page uses, and refuses the
// rest with an *Error naming the file and line:
//
//	import { a, b as c } from "./x.js";   static imports of named exports, one per line
//	export function f … / export async function f … / export class C …
//	export const K = …                    (no export let/var: a bundle copies
//	                                      values, which a live binding would not be)
//	import("./y.js")                      dynamic imports of literal paths
//
// Each module becomes a function scope that returns its exports, evaluated
// once, in dependency order; a static import becomes a destructuring of the
// exporting module's object. A dynamic import of a module in Later becomes
// an import() of the Later bundle that picks the module out, so the modules
// in Later load only when first asked for, and share First's modules rather
// than loading second copies. First exports its modules' objects for Later
// to import. Names never collide across modules, and an import cycle is an
// error.
package jsbundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// An Error is a module the bundler cannot take.
type Error struct {
	File string // module path in the file system given to Bundle
	Line int    // 1-based; 0 when it concerns the whole file
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("jsbundle: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("jsbundle: %s: %s", e.File, e.Msg)
}

var (
	// A static import of named exports, alone on its line.
	importLine = regexp.MustCompile(`^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";\s*$`)
	// Any other line that starts an import or export statement.
	otherImport = regexp.MustCompile(`^import[\s{*"']`)
	exportDecl  = regexp.MustCompile(`^export\s+(async\s+function|function|class|const)\s+([A-Za-z_$][\w$]*)`)
	otherExport = regexp.MustCompile(`^export\b`)
	// A dynamic import of a literal path.
	dynImport = regexp.MustCompile(`\bimport\(\s*"([^"]+)"\s*\)`)
	ident     = regexp.MustCompile(`^[A-Za-z_$][\w$]*$`)
)

type module struct {
	name    string
	lines   []string
	imports map[int]imp // by line index
	static  []string    // modules imported statically, in order of their lines
	dynamic []string    // modules imported with import(), in order
	exports []string
}

type imp struct {
	from  string
	names [][2]string // {exported, local}
}

// Result holds the two bundles.
type Result struct {
	First, Later []byte
}

// Bundle bundles entry (a module at the root of fsys) and the modules it
// imports. The bundles are meant to be served beside entry, under the names
// first and later: First imports nothing, Later imports first's modules
// from "./"+first, and First's dynamic imports load "./"+later. Each module
// is named in a comment, so that a stack trace still leads to its file.
func Bundle(fsys fs.FS, entry, first, later string) (Result, error) {
	if path.Dir(path.Clean(entry)) != "." {
		return Result{}, &Error{File: entry, Msg: "the entry module must be at the root, where the bundles are served"}
	}
	mods := map[string]*module{}
	state := map[string]int{}
	// walk adds name and its static imports, dependencies first, to order,
	// skipping the modules in skip.
	var walk func(name, from string, line int, skip map[string]bool, order *[]string) error
	walk = func(name, from string, line int, skip map[string]bool, order *[]string) error {
		if skip[name] {
			return nil
		}
		switch state[name] {
		case 1:
			return &Error{File: from, Line: line, Msg: fmt.Sprintf("import cycle through %s", name)}
		case 2:
			return nil
		}
		state[name] = 1
		m := mods[name]
		if m == nil {
			var err error
			if m, err = parse(fsys, name); err != nil {
				return err
			}
			mods[name] = m
		}
		for i := range m.lines {
			im, ok := m.imports[i]
			if !ok {
				continue
			}
			if err := walk(im.from, name, i+1, skip, order); err != nil {
				return err
			}
			for _, n := range im.names {
				if !slices.Contains(mods[im.from].exports, n[0]) {
					return &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("%s does not export %s", im.from, n[0])}
				}
			}
		}
		state[name] = 2
		*order = append(*order, name)
		return nil
	}
	var firstOrder, laterOrder []string
	if err := walk(path.Clean(entry), entry, 0, nil, &firstOrder); err != nil {
		return Result{}, err
	}
	inFirst := map[string]bool{}
	for _, n := range firstOrder {
		inFirst[n] = true
	}
	// Later: the dynamic imports of every bundled module, until none is new.
	for i := 0; i < len(firstOrder)+len(laterOrder); i++ {
		var name string
		if i < len(firstOrder) {
			name = firstOrder[i]
		} else {
			name = laterOrder[i-len(firstOrder)]
		}
		for _, d := range mods[name].dynamic {
			if err := walk(d, name, 0, inFirst, &laterOrder); err != nil {
				return Result{}, err
			}
		}
	}

	id := map[string]string{}
	for i, name := range append(slices.Clone(firstOrder), laterOrder...) {
		id[name] = fmt.Sprintf("m%d", i)
	}
	dyn := func(from, p string) string {
		target := path.Join(path.Dir(from), p)
		if inFirst[target] || !inFirst[from] {
			return "Promise.resolve(" + id[target] + ")"
		}
		return fmt.Sprintf("import(\"./%s\").then((b) => b.%s)", later, id[target])
	}
	var fb, lb bytes.Buffer
	fmt.Fprintf(&fb, "// Generated by internal/jsbundle from %s and the modules it imports statically; do not edit.\n", entry)
	fmt.Fprintf(&lb, "// Generated by internal/jsbundle: the modules %s imports with import(), and theirs; do not edit.\n", entry)
	var used []string // First's modules that Later imports
	for _, name := range laterOrder {
		for _, from := range mods[name].static {
			if inFirst[from] && !slices.Contains(used, id[from]) {
				used = append(used, id[from])
			}
		}
		for _, d := range mods[name].dynamic {
			if t := path.Join(path.Dir(name), d); inFirst[t] && !slices.Contains(used, id[t]) {
				used = append(used, id[t])
			}
		}
	}
	if len(used) > 0 {
		fmt.Fprintf(&lb, "import { %s } from \"./%s\";\n", strings.Join(used, ", "), first)
	}
	for _, name := range firstOrder {
		write(&fb, mods[name], id, dyn)
	}
	for _, name := range laterOrder {
		write(&lb, mods[name], id, dyn)
	}
	ids := func(order []string) string {
		s := make([]string, len(order))
		for i, n := range order {
			s[i] = id[n]
		}
		return strings.Join(s, ", ")
	}
	fmt.Fprintf(&fb, "\nexport { %s };\n", ids(firstOrder))
	if len(laterOrder) > 0 {
		fmt.Fprintf(&lb, "\nexport { %s };\n", ids(laterOrder))
	}
	return Result{First: fb.Bytes(), Later: lb.Bytes()}, nil
}

// write writes module m as a function scope bound to its id.
func write(b *bytes.Buffer, m *module, id map[string]string, dyn func(from, p string) string) {
	fmt.Fprintf(b, "\n// ---- %s\nconst %s = (() => {\n", m.name, id[m.name])
	for i, l := range m.lines {
		if im, ok := m.imports[i]; ok {
			parts := make([]string, len(im.names))
			for j, n := range im.names {
				parts[j] = n[0]
				if n[1] != n[0] {
					parts[j] = n[0] + ": " + n[1]
				}
			}
			fmt.Fprintf(b, "const { %s } = %s;\n", strings.Join(parts, ", "), id[im.from])
			continue
		}
		l = strings.TrimPrefix(l, "export ")
		l = dynImport.ReplaceAllStringFunc(l, func(s string) string {
			return dyn(m.name, dynImport.FindStringSubmatch(s)[1])
		})
		b.WriteString(l)
		b.WriteByte('\n')
	}
	fmt.Fprintf(b, "return Object.freeze({ %s });\n})();\n", strings.Join(m.exports, ", "))
}

// parse reads one module and finds its imports and exports.
func parse(fsys fs.FS, name string) (*module, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	m := &module{name: name, lines: strings.Split(strings.TrimSuffix(string(src), "\n"), "\n"), imports: map[int]imp{}}
	dir := path.Dir(name)
	resolve := func(p string, line int) (string, error) {
		if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
			return "", &Error{File: name, Line: line, Msg: fmt.Sprintf("import of %q: only relative paths can be bundled", p)}
		}
		return path.Join(dir, p), nil
	}
	for i, l := range m.lines {
		if s := importLine.FindStringSubmatch(l); s != nil {
			from, err := resolve(s[2], i+1)
			if err != nil {
				return nil, err
			}
			im := imp{from: from}
			for _, part := range strings.Split(s[1], ",") {
				f := strings.Fields(part)
				switch {
				case len(f) == 0:
					continue
				case len(f) == 1 && ident.MatchString(f[0]):
					im.names = append(im.names, [2]string{f[0], f[0]})
				case len(f) == 3 && f[1] == "as" && ident.MatchString(f[0]) && ident.MatchString(f[2]):
					im.names = append(im.names, [2]string{f[0], f[2]})
				default:
					return nil, &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("cannot read the imported name %q", strings.TrimSpace(part))}
				}
			}
			m.imports[i] = im
			m.static = append(m.static, from)
			continue
		}
		if otherImport.MatchString(l) {
			return nil, &Error{File: name, Line: i + 1, Msg: "only `import { names } from \"./path.js\";` on one line can be bundled"}
		}
		if s := exportDecl.FindStringSubmatch(l); s != nil {
			m.exports = append(m.exports, s[2])
		} else if otherExport.MatchString(l) {
			return nil, &Error{File: name, Line: i + 1, Msg: "only `export function|async function|class|const NAME` can be bundled"}
		}
		if strings.Contains(l, "import.meta") {
			return nil, &Error{File: name, Line: i + 1, Msg: "import.meta would name the bundle, not this module"}
		}
		for _, s := range dynImport.FindAllStringSubmatch(l, -1) {
			p, err := resolve(s[1], i+1)
			if err != nil {
				return nil, err
			}
			m.dynamic = append(m.dynamic, p)
		}
	}
	return m, nil
}
