package nn

import (
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/seeded"
)

func TestMarshalRoundTrip(t *testing.T) {
	m := randomMLP(t, []int{4, 16, 8, 3}, ReLU, 9)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var z MLP
	if err := z.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if z.Hidden() != ReLU || !equalInts(z.Sizes(), m.Sizes()) {
		t.Fatalf("shape %v %v, want %v %v", z.Sizes(), z.Hidden(), m.Sizes(), m.Hidden())
	}
	for i, p := range m.Params() {
		if z.Params()[i] != p {
			t.Fatalf("param %d: %g, want %g", i, z.Params()[i], p)
		}
	}
	// Into an existing network of the same shape.
	other := randomMLP(t, []int{4, 16, 8, 3}, ReLU, 10)
	if err := other.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if other.Params()[5] != m.Params()[5] {
		t.Fatal("existing network not overwritten")
	}
	// The decoded network computes.
	ws := z.NewWorkspace(1)
	a := append([]float64(nil), z.Forward(ws, []float64{1, 2, 3, 4}, 1)...)
	b := m.Forward(m.NewWorkspace(1), []float64{1, 2, 3, 4}, 1)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("output %d differs after round trip", i)
		}
	}
}

// reseal recomputes the checksum of a deliberately edited file, so that the
// test reaches the check behind the checksum.
func reseal(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestUnmarshalCorrupt(t *testing.T) {
	m := randomMLP(t, []int{3, 5, 2}, Tanh, 4)
	good, _ := m.MarshalBinary()
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "truncated", nil},
		{"header only", "truncated", good[:10]},
		{"truncated body", "truncated", good[:len(good)-9]},
		{"trailing bytes", "trailing", append(append([]byte(nil), good...), 0)},
		{"wrong magic", "bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"wrong version", "version", edit(func(b []byte) []byte { b[4] = 9; return reseal(b) })},
		{"flipped byte", "checksum", edit(func(b []byte) []byte { b[len(b)/2] ^= 0x10; return b })},
		{"flipped checksum", "checksum", edit(func(b []byte) []byte { b[len(b)-1] ^= 1; return b })},
		{"bad activation", "activation", edit(func(b []byte) []byte { b[6] = 7; return reseal(b) })},
		{"zero layers", "layers", edit(func(b []byte) []byte { b[7] = 0; return reseal(b) })},
		{"zero width", "layer size", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 0); return reseal(b) })},
		{"huge width", "layer size", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 1<<31); return reseal(b) })},
		{"width changed", "truncated", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 50); return reseal(b) })},
	}
	for _, c := range cases {
		var z MLP
		err := z.UnmarshalBinary(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "nn: ") {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
		if len(z.Params()) != 0 {
			t.Errorf("%s: network changed on error", c.name)
		}
	}
	// Shape mismatch with an existing network: an error, and no change.
	other := randomMLP(t, []int{3, 6, 2}, Tanh, 5)
	before := other.Params()[0]
	if err := other.UnmarshalBinary(good); err == nil || !strings.Contains(err.Error(), "network is") {
		t.Errorf("shape mismatch: error %v", err)
	}
	if other.Params()[0] != before {
		t.Error("shape mismatch changed the network")
	}
	relu := randomMLP(t, []int{3, 5, 2}, ReLU, 5)
	if err := relu.UnmarshalBinary(good); err == nil {
		t.Error("activation mismatch accepted")
	}
}

func FuzzUnmarshal(f *testing.F) {
	m := randomMLPF([]int{2, 3, 1})
	good, _ := m.MarshalBinary()
	f.Add(good)
	f.Add(good[:12])
	f.Fuzz(func(t *testing.T, data []byte) {
		var z MLP
		if err := z.UnmarshalBinary(data); err == nil {
			// Anything accepted must re-encode to the same bytes.
			again, _ := z.MarshalBinary()
			if string(again) != string(data) {
				t.Fatal("accepted data does not round-trip")
			}
		}
	})
}

func randomMLPF(sizes []int) *MLP {
	gains := make([]float64, len(sizes)-1)
	for i := range gains {
		gains[i] = 1
	}
	return NewMLP(sizes, Tanh, gains, seeded.Rand(1))
}
