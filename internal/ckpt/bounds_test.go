package ckpt

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// raw builds a checkpoint with count sections named by name(i), without
// Encode's checks, checksum included.
func raw(count int, name func(i int) string) []byte {
	le := binary.LittleEndian
	b := []byte(magic)
	b = le.AppendUint32(b, Version)
	b = le.AppendUint32(b, 2)
	b = append(b, "{}"...)
	b = le.AppendUint32(b, uint32(count))
	for i := range count {
		n := name(i)
		b = le.AppendUint16(b, uint16(len(n)))
		b = append(b, n...)
		b = le.AppendUint64(b, 0)
	}
	return le.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func TestDuplicateAndTooManySections(t *testing.T) {
	dup := raw(2, func(int) string { return "policy" })
	if _, err := Decode(dup); !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), `"policy"`) {
		t.Errorf("two sections named policy: %v", err)
	}
	if _, err := Encode(&File{Sections: []Section{{Name: "a"}, {Name: "a"}}}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Encode of duplicates: %v", err)
	}
	ok := raw(MaxSections, func(i int) string { return string(rune('a'+i%26)) + strings.Repeat("x", i/26) })
	if _, err := Decode(ok); err != nil {
		t.Errorf("%d distinct sections: %v", MaxSections, err)
	}
	// A million empty sections (11 MB): refused from the count alone.
	many := raw(1_000_000, func(i int) string { return "" })
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(many)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooMany) {
		t.Errorf("a million sections: %v", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Errorf("a million sections: allocated %d bytes before refusing", d)
	}
	// A declared count larger than the bytes can hold is truncated.
	short := raw(3, func(i int) string { return string(rune('a' + i)) })
	le := binary.LittleEndian
	le.PutUint32(short[len(magic)+4+4+2:], 200)
	short = append(short[:len(short)-4], le.AppendUint32(nil, crc32.ChecksumIEEE(short[:len(short)-4]))...)
	if _, err := Decode(short); !errors.Is(err, ErrTruncated) {
		t.Errorf("count 200 in 3 sections' bytes: %v", err)
	}
}

// TestLoadBounded: a FIFO, /dev/zero, a directory and a big file that is
// not a checkpoint are refused at once without reading them whole.
func TestLoadBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.ckpt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.ckpt")
	os.Symlink("/dev/zero", zero)
	sparse := filepath.Join(dir, "sparse.ckpt")
	f, _ := os.Create(sparse)
	f.Truncate(200 << 20)
	f.Close()
	huge := filepath.Join(dir, "huge.ckpt")
	f, _ = os.Create(huge)
	f.Truncate(MaxFile + 1)
	f.Close()
	for _, c := range []struct {
		path string
		want string
	}{{fifo, "named pipe"}, {zero, "character device"}, {dir, "directory"}, {sparse, ErrNotCheckpoint.Error()}, {huge, ErrTooLarge.Error()}} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Load(c.path)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 1<<16 {
			t.Errorf("%s: allocated %d bytes", c.path, d)
		}
	}
}

func TestSaveMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	p := filepath.Join(t.TempDir(), "a.ckpt")
	if err := Save(p, sample()); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v %v, want 0644 like the run's other files", st.Mode(), err)
	}
}
