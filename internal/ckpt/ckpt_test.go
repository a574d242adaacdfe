package ckpt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func sample() *File {
	return &File{
		Config: []byte(`{"algo":"ppo"}`),
		Sections: []Section{
			{Name: "actor", Data: []byte{1, 2, 3, 4, 5}},
			{Name: "critic", Data: bytes.Repeat([]byte{9}, 300)},
			{Name: "empty"},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ckpt")
	want := sample()
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Config, want.Config) || len(got.Sections) != len(want.Sections) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i, s := range want.Sections {
		if got.Sections[i].Name != s.Name || !bytes.Equal(got.Sections[i].Data, s.Data) {
			t.Errorf("section %d: got %q %v, want %q %v", i, got.Sections[i].Name, got.Sections[i].Data, s.Name, s.Data)
		}
	}
	if d, ok := got.Section("critic"); !ok || len(d) != 300 {
		t.Errorf("Section(critic) = %d bytes, %v", len(d), ok)
	}
	if _, ok := got.Section("nope"); ok {
		t.Error("Section(nope) found")
	}
}

func TestCorruption(t *testing.T) {
	good, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	flip := bytes.Clone(good)
	flip[len(flip)/2] ^= 0x40
	version := bytes.Clone(good)
	version[8] = 7
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotCheckpoint},
		{"foreign", []byte("PK\x03\x04 this is a zip file, not a checkpoint"), ErrNotCheckpoint},
		{"magic only", good[:8], ErrTruncated},
		{"half magic", good[:4], ErrTruncated},
		{"version", version, ErrVersion},
		{"bit flip", flip, ErrChecksum},
		{"no checksum", good[:len(good)-4], ErrTruncated},
	}
	for cut := 12; cut < len(good)-4; cut += 17 {
		cases = append(cases, struct {
			name string
			data []byte
			want error
		}{"truncated", good[:cut], ErrTruncated})
	}
	for _, c := range cases {
		_, err := Decode(c.data)
		if !errors.Is(err, c.want) {
			t.Errorf("%s (%d bytes): error %v, want %v", c.name, len(c.data), err, c.want)
		}
	}
}

func TestLoadNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.ckpt")
	if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if !errors.Is(err, ErrNotCheckpoint) || !bytes.Contains([]byte(err.Error()), []byte(path)) {
		t.Errorf("error %q should name %s and wrap ErrNotCheckpoint", err, path)
	}
}

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts encodes back to the same bytes.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PGRADCKP"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(data)
		if err != nil {
			return
		}
		again, err := Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, data) {
			t.Errorf("decoded and re-encoded %d bytes into %d different ones", len(data), len(again))
		}
	})
}
