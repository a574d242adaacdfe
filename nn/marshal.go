package nn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The binary format of an MLP, all integers little-endian:
//
//	magic "PGNN" | version uint16 | activation uint8 | layers uint8 |
//	sizes (layers+1) × uint32 | params × float64 bits | CRC-32 (IEEE) of all before
const (
	magic         = "PGNN"
	formatVersion = 1
	maxLayers     = 64
	maxWidth      = 1 << 20
)

// MarshalBinary encodes the network's shape, activation and parameters in a
// versioned, checksummed format. Gradients are not saved.
func (m *MLP) MarshalBinary() ([]byte, error) {
	if len(m.sizes) < 2 {
		return nil, errors.New("nn: cannot encode an empty MLP")
	}
	n := 4 + 2 + 1 + 1 + 4*len(m.sizes) + 8*len(m.params) + 4
	buf := make([]byte, 0, n)
	buf = append(buf, magic...)
	buf = binary.LittleEndian.AppendUint16(buf, formatVersion)
	buf = append(buf, byte(m.hidden), byte(len(m.sizes)-1))
	for _, s := range m.sizes {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(s))
	}
	for _, p := range m.params {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(p))
	}
	buf = binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
	return buf, nil
}

// UnmarshalBinary decodes data written by MarshalBinary. Into a zero MLP it
// takes the encoded shape; into an existing one the shape and activation
// must match, so a checkpoint cannot silently change a network's layout.
// On error the network is left unchanged.
func (m *MLP) UnmarshalBinary(data []byte) error {
	const head = 4 + 2 + 1 + 1
	if len(data) < head+4 {
		return fmt.Errorf("nn: model data truncated (%d bytes)", len(data))
	}
	if string(data[:4]) != magic {
		return errors.New("nn: not an MLP file (bad magic)")
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != formatVersion {
		return fmt.Errorf("nn: MLP format version %d, this build reads %d", v, formatVersion)
	}
	act, layers := Activation(data[6]), int(data[7])
	if act > Identity {
		return fmt.Errorf("nn: unknown activation %d", int(act))
	}
	if layers < 1 || layers > maxLayers {
		return fmt.Errorf("nn: %d layers, want 1..%d", layers, maxLayers)
	}
	if len(data) < head+4*(layers+1)+4 {
		return fmt.Errorf("nn: model data truncated (%d bytes)", len(data))
	}
	sizes := make([]int, layers+1)
	total := 0
	for i := range sizes {
		s := binary.LittleEndian.Uint32(data[head+4*i:])
		if s == 0 || s > maxWidth {
			return fmt.Errorf("nn: layer size %d is %d, want 1..%d", i, s, maxWidth)
		}
		sizes[i] = int(s)
		if i > 0 {
			total += sizes[i-1]*sizes[i] + sizes[i]
		}
	}
	body := head + 4*(layers+1)
	want := body + 8*total + 4
	if len(data) != want {
		if len(data) < want {
			return fmt.Errorf("nn: model data truncated (%d bytes, want %d)", len(data), want)
		}
		return fmt.Errorf("nn: %d trailing bytes after the model", len(data)-want)
	}
	if sum := binary.LittleEndian.Uint32(data[want-4:]); sum != crc32.ChecksumIEEE(data[:want-4]) {
		return errors.New("nn: model data corrupted (checksum mismatch)")
	}
	if len(m.sizes) > 0 {
		if !equalInts(m.sizes, sizes) || m.hidden != act {
			return fmt.Errorf("nn: model is %v %v, network is %v %v", sizes, act, m.sizes, m.hidden)
		}
	} else {
		*m = *newShape(sizes, act)
	}
	for i := range m.params {
		m.params[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[body+8*i:]))
	}
	return nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
