package golden

import (
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that remembers a failure instead of stopping
// the real test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = format
	panic(r)
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("fatal") }

func check(path string, got []byte) (msg string) {
	r := &recorder{}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
		msg = r.msg
	}()
	Check(r, path, got)
	return ""
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "x.golden")
	*update = true
	if msg := check(path, []byte("a\nb\n")); msg != "" {
		t.Fatalf("writing with -update failed: %s", msg)
	}
	*update = false
	if msg := check(path, []byte("a\nb\n")); msg != "" {
		t.Errorf("the same bytes failed: %s", msg)
	}
	if msg := check(path, []byte("a\nc\n")); !strings.Contains(msg, "differs at line") {
		t.Errorf("a changed line gave %q", msg)
	}
	if msg := check(path, []byte("a\nb\nc\n")); !strings.Contains(msg, "differs") {
		t.Errorf("an extra line gave %q", msg)
	}
	if msg := check(filepath.Join(dir, "missing"), nil); !strings.Contains(msg, "-update writes it") {
		t.Errorf("a missing file gave %q", msg)
	}
}
