package rundir

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen writes a fuzzed summary.json, checkpoint and commit journal into a directory and
// reads it back: Open never panics, every error is an *Error or a file
// system error, and whatever Open accepts with checksums, ReadFile returns
// exactly the bytes the summary names.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	if err := writeRun(dir, "seed", Options{}); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(dir, Summary))
	ck := runFiles("seed")[Checkpoint]
	none := []byte{}
	f.Add(good, ck, none)
	f.Add(good, ck[:10], none)
	f.Add([]byte(`{"files": {}}`), []byte{}, none)
	f.Add([]byte(`{"files": {"agent.ckpt": {"sha256": "`+string(bytes.Repeat([]byte("0"), 64))+`", "bytes": 3}}}`), []byte("abc"), none)
	f.Add([]byte(`{"eval_seed": 3}`), []byte("x"), none)
	f.Add([]byte(`{"files": {"../x": {"sha256": "", "bytes": 1}}}`), []byte("x"), none)
	f.Add(good, ck, []byte(`{"summary": "e30K", "staged": {"agent.ckpt": {"temp": ".pgrad-tmp-agent.ckpt-1", "sha256": "", "bytes": 0}}}`))
	f.Add(good, ck, []byte(`{"staged": {"../x": {"temp": "/etc/passwd"}}}`))
	f.Fuzz(func(t *testing.T, summary, ckpt, journal []byte) {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, Summary), summary, 0o644)
		os.WriteFile(filepath.Join(d, Checkpoint), ckpt, 0o644)
		if len(journal) > 0 {
			os.WriteFile(filepath.Join(d, journalName), journal, 0o644)
		}
		r, err := Open(d)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) && !os.IsNotExist(err) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		for name, want := range r.Files {
			b, err := r.ReadFile(name)
			if err != nil {
				t.Fatalf("Open accepted, ReadFile(%s): %v", name, err)
			}
			if sum(b) != want {
				t.Fatalf("%s: read %d bytes that the summary does not name", name, len(b))
			}
		}
	})
}
