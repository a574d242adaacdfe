// Package cells parses the grid cells that people type on the command
// line: "row,col" for one cell, and lists of them separated by ";"
// ("0,1;2,2"), with optional spaces and parentheses ("(0, 1); (2, 2)").
// List is a flag.Value, so a flag may also be repeated to add cells.
package cells

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pgrad/pgrad/env"
)

// ErrSyntax is the kind of every parse error, for errors.Is.
var ErrSyntax = errors.New("bad cell syntax")

// An Error reports text that is not a cell or a list of cells.
type Error struct {
	Input string // the part that could not be parsed
	Msg   string
}

// Error returns the message, prefixed with "cells: ".
func (e *Error) Error() string { return fmt.Sprintf("cells: %q: %s", e.Input, e.Msg) }

// Unwrap returns ErrSyntax.
func (e *Error) Unwrap() error { return ErrSyntax }

// maxCoord keeps coordinates to a size that no grid reaches, so that
// later arithmetic on them cannot overflow.
const maxCoord = 1 << 20

// ParseOne parses a single cell, "row,col".
func ParseOne(s string) (env.Cell, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	if t == "" {
		return env.Cell{}, &Error{s, "empty cell (want row,col)"}
	}
	r, c, ok := strings.Cut(t, ",")
	if !ok || strings.Contains(c, ",") {
		return env.Cell{}, &Error{s, "a cell is row,col: two integers, e.g. 0,2"}
	}
	row, err := coord(r)
	if err != nil {
		return env.Cell{}, &Error{s, "row " + err.Error()}
	}
	col, err := coord(c)
	if err != nil {
		return env.Cell{}, &Error{s, "column " + err.Error()}
	}
	return env.Cell{Row: row, Col: col}, nil
}

func coord(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	if n < -maxCoord || n > maxCoord {
		return 0, fmt.Errorf("%d is out of range", n)
	}
	return n, nil
}

// Parse parses a list of cells separated by ";". The empty string (or
// only spaces) is the empty list; an empty item between separators is an
// error, as it is more likely a typo than a wish.
func Parse(s string) ([]env.Cell, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []env.Cell
	for item := range strings.SplitSeq(s, ";") {
		c, err := ParseOne(item)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Format writes cells as Parse reads them.
func Format(cs []env.Cell) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = strconv.Itoa(c.Row) + "," + strconv.Itoa(c.Col)
	}
	return strings.Join(parts, ";")
}

// A List is a flag.Value holding cells: each Set appends the cells of its
// argument, so "-pits 1,1 -pits 2,2" and "-pits '1,1;2,2'" mean the same.
// The first Set replaces the default the List was created with.
type List struct {
	Cells []env.Cell
	set   bool
}

// String returns the cells as Parse reads them.
func (l *List) String() string {
	if l == nil {
		return ""
	}
	return Format(l.Cells)
}

// Set appends the cells of s.
func (l *List) Set(s string) error {
	cs, err := Parse(s)
	if err != nil {
		return err
	}
	if !l.set {
		l.Cells, l.set = nil, true
	}
	l.Cells = append(l.Cells, cs...)
	return nil
}

// Given reports whether Set was called: whether the flag was given.
func (l *List) Given() bool { return l.set }

// A One is a flag.Value holding one cell.
type One struct {
	Cell env.Cell
	set  bool
}

// String returns the cell as "row,col".
func (o *One) String() string {
	if o == nil {
		return ""
	}
	return Format([]env.Cell{o.Cell})
}

// Set parses s as one cell.
func (o *One) Set(s string) error {
	c, err := ParseOne(s)
	if err != nil {
		return err
	}
	o.Cell, o.set = c, true
	return nil
}

// Given reports whether Set was called: whether the flag was given.
func (o *One) Given() bool { return o.set }
