package deep

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors a *ConfigError wraps; test with errors.Is.
var (
	ErrRange        = errors.New("value out of range")
	ErrUnknownValue = errors.New("unknown value")
)

// ConfigError reports a Config field out of range, in the manner of
// strconv.NumError: the field (its Go name, such as "Envs" or "LR"), the
// value as text, the rule it breaks and the kind of error. When the
// problem is a combination of two fields (a rollout of Envs × Steps too
// large), Other and OtherValue name the second. A front end maps Field to
// its own vocabulary (the CLI to its flags) without reading Error's text.
type ConfigError struct {
	Field      string // Config's field, e.g. "TotalSteps"
	Value      string // its value, formatted
	Other      string // a second field involved, or ""
	OtherValue string
	Rule       string // what the value breaks, e.g. "must be positive"
	Err        error  // ErrRange or ErrUnknownValue
}

// Error returns "deep: Field Value: Rule" (with "× Other OtherValue" when
// two fields are involved).
func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deep: %s %s", e.Field, e.Value)
	if e.Other != "" {
		fmt.Fprintf(&b, " × %s %s", e.Other, e.OtherValue)
	}
	b.WriteString(": ")
	b.WriteString(e.Rule)
	return b.String()
}

// Unwrap returns e.Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// Layers holds the widths of a network's hidden layers, at most 8, as a
// value: copying a Config copies them, so changing a copy's widths never
// changes the original's. It encodes to JSON as a list of widths. The zero
// value is no hidden layer (a linear policy).
type Layers struct {
	n int
	w [maxLayers]int
}

// MakeLayers returns the given widths as Layers; more than 8 are a
// *ConfigError for the field "Hidden". The widths themselves are checked
// by Config.Validate.
func MakeLayers(widths ...int) (Layers, error) {
	var l Layers
	if len(widths) > maxLayers {
		return l, &ConfigError{Field: "Hidden", Value: strconv.Itoa(len(widths)) + " layers", Err: ErrRange,
			Rule: fmt.Sprintf("too many (at most %d)", maxLayers)}
	}
	l.n = copy(l.w[:], widths)
	return l, nil
}

// MustLayers is MakeLayers for widths known to be few enough; it panics
// if there are more than 8.
func MustLayers(widths ...int) Layers {
	l, err := MakeLayers(widths...)
	if err != nil {
		panic(err)
	}
	return l
}

// Widths returns a new slice of the widths.
func (l Layers) Widths() []int { return append([]int(nil), l.w[:l.n]...) }

// Len returns the number of hidden layers.
func (l Layers) Len() int { return l.n }

// String returns the widths separated by commas, as the CLI's -hidden
// takes them.
func (l Layers) String() string {
	s := make([]string, l.n)
	for i, w := range l.w[:l.n] {
		s[i] = strconv.Itoa(w)
	}
	return strings.Join(s, ",")
}

// MarshalJSON encodes the widths as a JSON list.
func (l Layers) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, w := range l.w[:l.n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(w), 10)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON decodes a JSON list of at most 8 widths (or null).
func (l *Layers) UnmarshalJSON(b []byte) error {
	var w []int
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	m, err := MakeLayers(w...)
	if err != nil {
		return err
	}
	*l = m
	return nil
}
