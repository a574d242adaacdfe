// Package ckpt reads and writes pgrad checkpoint files: a magic string, a
// format version, a JSON configuration, named binary sections (the
// networks) and a CRC-32 checksum of everything before it, so that a
// truncated, corrupted or foreign file is reported as such instead of
// being half-loaded.
//
// Layout (little-endian):
//
//	"PGRADCKP" | version uint32 | config length uint32 | config |
//	section count uint32 | { name length uint16 | name | data length uint64 | data }* |
//	CRC-32 (IEEE) of all preceding bytes
package ckpt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/pgrad/pgrad/internal/rundir"
)

// Version is the format version this package writes and reads.
const Version = 1

const magic = "PGRADCKP"

// Errors returned by Decode and Load; test with errors.Is.
var (
	ErrNotCheckpoint = errors.New("ckpt: not a pgrad checkpoint")
	ErrVersion       = errors.New("ckpt: unsupported checkpoint version")
	ErrTruncated     = errors.New("ckpt: checkpoint is truncated")
	ErrChecksum      = errors.New("ckpt: checksum mismatch (the file is corrupt)")
	ErrDuplicate     = errors.New("ckpt: duplicate section")
	ErrTooMany       = errors.New("ckpt: too many sections")
	ErrTooLarge      = errors.New("ckpt: checkpoint too large")
)

// Bounds on what Decode and Load accept, whatever a file declares.
const (
	MaxSections   = 256                  // pgrad writes 2 or 3
	MaxConfig     = 1 << 20              // bytes of the JSON configuration
	MaxFile       = rundir.MaxCheckpoint // bytes of the whole file
	headerLen     = len(magic) + 4
	minSectionLen = 2 + 8 // a section with an empty name and no data
)

// A Section is one named binary blob, such as a network's parameters.
type Section struct {
	Name string
	Data []byte
}

// A File is the content of a checkpoint.
type File struct {
	Config   []byte // JSON, opaque to this package
	Sections []Section
}

// Section returns the data of the section with the given name.
func (f *File) Section(name string) ([]byte, bool) {
	for _, s := range f.Sections {
		if s.Name == name {
			return s.Data, true
		}
	}
	return nil, false
}

// Encode returns the bytes of f in the checkpoint format.
func Encode(f *File) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(magic)
	le := binary.LittleEndian
	b.Write(le.AppendUint32(nil, Version))
	if len(f.Config) > MaxConfig {
		return nil, fmt.Errorf("ckpt: a configuration of %d bytes (at most %d)", len(f.Config), MaxConfig)
	}
	b.Write(le.AppendUint32(nil, uint32(len(f.Config))))
	b.Write(f.Config)
	if len(f.Sections) > MaxSections {
		return nil, fmt.Errorf("%w: %d (at most %d)", ErrTooMany, len(f.Sections), MaxSections)
	}
	b.Write(le.AppendUint32(nil, uint32(len(f.Sections))))
	seen := map[string]bool{}
	for _, s := range f.Sections {
		if seen[s.Name] {
			return nil, fmt.Errorf("%w %s", ErrDuplicate, rundir.Quote(s.Name))
		}
		seen[s.Name] = true
		if len(s.Name) > 1<<16-1 {
			return nil, fmt.Errorf("ckpt: section name of %d bytes", len(s.Name))
		}
		b.Write(le.AppendUint16(nil, uint16(len(s.Name))))
		b.WriteString(s.Name)
		b.Write(le.AppendUint64(nil, uint64(len(s.Data))))
		b.Write(s.Data)
	}
	b.Write(le.AppendUint32(nil, crc32.ChecksumIEEE(b.Bytes())))
	return b.Bytes(), nil
}

// Decode parses a checkpoint. It checks the magic, then the version, then
// the checksum, then the structure, so the error names the first thing
// that is wrong.
func Decode(data []byte) (*File, error) {
	if len(data) < len(magic) {
		if bytes.HasPrefix([]byte(magic), data) && len(data) > 0 {
			return nil, ErrTruncated
		}
		return nil, ErrNotCheckpoint
	}
	if string(data[:len(magic)]) != magic {
		return nil, ErrNotCheckpoint
	}
	le := binary.LittleEndian
	if len(data) < len(magic)+4 {
		return nil, ErrTruncated
	}
	if v := le.Uint32(data[len(magic):]); v != Version {
		return nil, fmt.Errorf("%w %d (this build reads version %d)", ErrVersion, v, Version)
	}
	if len(data) < len(magic)+4+4+4+4 {
		return nil, ErrTruncated
	}
	body, sum := data[:len(data)-4], le.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		// A file cut short fails the checksum too; the structure tells
		// the two apart when it can.
		if _, err := parse(body); errors.Is(err, ErrTruncated) {
			return nil, ErrTruncated
		}
		return nil, ErrChecksum
	}
	f, err := parse(body)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// parse reads the structure after the version from b, which should end
// exactly where the last section ends.
func parse(b []byte) (*File, error) {
	le := binary.LittleEndian
	p := len(magic) + 4
	take := func(n uint64) ([]byte, error) {
		if n > uint64(len(b)-p) {
			return nil, ErrTruncated
		}
		s := b[p : p+int(n)]
		p += int(n)
		return s, nil
	}
	h, err := take(4)
	if err != nil {
		return nil, err
	}
	if n := le.Uint32(h); n > MaxConfig {
		return nil, fmt.Errorf("ckpt: a configuration of %d bytes (at most %d)", n, MaxConfig)
	}
	cfg, err := take(uint64(le.Uint32(h)))
	if err != nil {
		return nil, err
	}
	f := &File{Config: bytes.Clone(cfg)}
	if h, err = take(4); err != nil {
		return nil, err
	}
	count := le.Uint32(h)
	if count > MaxSections {
		return nil, fmt.Errorf("%w: %d (at most %d)", ErrTooMany, count, MaxSections)
	}
	if uint64(count)*minSectionLen > uint64(len(b)-p) {
		return nil, ErrTruncated
	}
	seen := make(map[string]bool, count)
	for range count {
		if h, err = take(2); err != nil {
			return nil, err
		}
		name, err := take(uint64(le.Uint16(h)))
		if err != nil {
			return nil, err
		}
		if h, err = take(8); err != nil {
			return nil, err
		}
		d, err := take(le.Uint64(h))
		if err != nil {
			return nil, err
		}
		if seen[string(name)] {
			return nil, fmt.Errorf("%w %s", ErrDuplicate, rundir.Quote(string(name)))
		}
		seen[string(name)] = true
		f.Sections = append(f.Sections, Section{Name: string(name), Data: bytes.Clone(d)})
	}
	if p != len(b) {
		return nil, fmt.Errorf("ckpt: %d unexpected bytes after the last section", len(b)-p)
	}
	return f, nil
}

// Save writes f to path atomically (rundir.WriteFile: a temporary file in
// the same directory, synced and renamed, mode rundir.FileMode), so an
// interrupted save never leaves a half-written checkpoint in place of the
// last good one.
func Save(path string, f *File) error {
	data, err := Encode(f)
	if err != nil {
		return err
	}
	return rundir.WriteFile(path, data)
}

// Load reads and decodes the checkpoint at path, reading no more than it
// must: it refuses anything but a regular file (a FIFO, a device, a
// directory) and a file over MaxFile bytes, checks the magic and the
// version in the first bytes before reading the rest, and reads at most
// the size the file had when opened. Decoding errors are prefixed with the
// path.
func Load(path string) (*File, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// ReadFile returns the bytes of the checkpoint file at path, read as Load
// reads them, without decoding more than the magic and version.
func ReadFile(path string) ([]byte, error) {
	r, err := rundir.OpenRegular(path, MaxFile)
	if err != nil {
		if errors.Is(err, rundir.ErrTooLarge) {
			return nil, fmt.Errorf("%s: %w (%v)", path, ErrTooLarge, errors.Unwrap(err))
		}
		return nil, err
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return nil, err
	}
	head := make([]byte, headerLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if _, err := Decode(head[:n]); !errors.Is(err, ErrTruncated) {
		// The magic or the version is wrong: say so without reading on.
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data := make([]byte, n, max(st.Size(), int64(n)))
	copy(data, head[:n])
	rest, err := io.ReadAll(io.LimitReader(r, st.Size()-int64(n)))
	if err != nil {
		return nil, err
	}
	return append(data, rest...), nil
}
