package cells

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/env"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want []env.Cell
	}{
		{"", nil},
		{"  ", nil},
		{"1,1", []env.Cell{{Row: 1, Col: 1}}},
		{"0,1;2,2", []env.Cell{{Row: 0, Col: 1}, {Row: 2, Col: 2}}},
		{" (0, 1) ; ( 2 ,2 ) ", []env.Cell{{Row: 0, Col: 1}, {Row: 2, Col: 2}}},
		{"-1,10", []env.Cell{{Row: -1, Col: 10}}},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			}
		}
		if tc.want != nil {
			if back, _ := Parse(Format(got)); len(back) != len(got) {
				t.Errorf("Format(%v) = %q does not parse back", got, Format(got))
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"1":          "a cell is row,col",
		"1,":         `column "" is not an integer`,
		"a,1":        `row "a" is not an integer`,
		"1,1;":       "empty cell",
		"1,1;;2,2":   "empty cell",
		"1,2,3":      "a cell is row,col: two integers",
		"1;2":        "a cell is row,col",
		"()":         "empty cell",
		"99999999,0": "out of range",
		"1.5,0":      "is not an integer",
	}
	for in, want := range cases {
		_, err := Parse(in)
		var e *Error
		if !errors.Is(err, ErrSyntax) || !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want a syntax error", in, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "cells: ") || !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("Parse(%q) error %q, want one line with %q", in, msg, want)
		}
	}
}

func TestListFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pits := &List{Cells: []env.Cell{{Row: 1, Col: 1}}}
	start := &One{Cell: env.Cell{Row: 2, Col: 0}}
	fs.Var(pits, "pits", "")
	fs.Var(start, "start", "")
	if err := fs.Parse([]string{"-pits", "0,0", "-pits", "1,2;2,1", "-start", "0,0"}); err != nil {
		t.Fatal(err)
	}
	if got := pits.String(); got != "0,0;1,2;2,1" {
		t.Errorf("repeated -pits gave %q; the default must be replaced, the rest appended", got)
	}
	if start.Cell != (env.Cell{Row: 0, Col: 0}) {
		t.Errorf("start %v", start.Cell)
	}
	if !pits.Given() || !start.Given() {
		t.Errorf("Given() after Set: pits %v, start %v", pits.Given(), start.Given())
	}
	if (&List{Cells: pits.Cells}).Given() || (&One{Cell: start.Cell}).Given() {
		t.Error("Given() is true for a default")
	}
	if err := fs.Parse([]string{"-start", "x"}); err == nil {
		t.Error("-start x accepted")
	}
	empty := &List{Cells: []env.Cell{{Row: 1, Col: 1}}}
	if err := empty.Set(""); err != nil || len(empty.Cells) != 0 || !empty.Given() {
		t.Errorf(`-pits "" should mean no pits: %v, %v`, empty.Cells, err)
	}
}

// FuzzParseCells checks that no input makes Parse panic, that errors are
// one line of the package's kind, and that what parses formats back to the
// same cells.
func FuzzParseCells(f *testing.F) {
	for _, s := range []string{"", "1,1", "0,1;2,2", "(0, 1); (2,2)", "1,", ";", "a,b", "-0,+3", "1,1;;", "((1,1))", "\x00,1", "9223372036854775807,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) || strings.Count(err.Error(), "\n") > strings.Count(s, "\n") {
				t.Fatalf("Parse(%q): unexpected error %v", s, err)
			}
			return
		}
		back, err := Parse(Format(cs))
		if err != nil || len(back) != len(cs) {
			t.Fatalf("Format(Parse(%q)) = %q does not parse back: %v", s, Format(cs), err)
		}
		for i := range cs {
			if back[i] != cs[i] {
				t.Fatalf("round trip of %q changed %v to %v", s, cs[i], back[i])
			}
		}
	})
}
