// Package plot writes learning curves as standalone SVG files using only
// the standard library: one chart, line series, axes with round tick
// values, a legend and axis labels.
package plot

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
)

// A Series is one line of a chart; points with a NaN coordinate are gaps.
type Series struct {
	Name  string
	X, Y  []float64
	Color string // CSS colour; empty picks one from a palette
	// Markers draws a dot at every point, for sparse series such as
	// periodic evaluations; a single point is always drawn as a dot.
	Markers bool
	// Lo and Hi, when both have the length of X, are a band around the
	// line (a confidence interval), filled in the series' colour, lightly.
	Lo, Hi []float64
}

// A Chart is a titled plot of one or more series.
type Chart struct {
	Title, XLabel, YLabel string
	Width, Height         int // pixels; zero means 720×420
	Series                []Series
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"}

const (
	marginL, marginR, marginT, marginB = 72, 24, 60, 56
)

// WriteSVG writes c as an SVG document to w.
func WriteSVG(w io.Writer, c Chart) error {
	width, height := c.Width, c.Height
	if width <= 0 {
		width = 720
	}
	if height <= 0 {
		height = 420
	}
	x0, x1, y0, y1 := bounds(c.Series)
	xt := ticks(x0, x1, 6)
	yt := ticks(y0, y1, 6)
	x0, x1 = math.Min(x0, xt[0]), math.Max(x1, xt[len(xt)-1])
	y0, y1 = math.Min(y0, yt[0]), math.Max(y1, yt[len(yt)-1])
	// A little headroom keeps a curve that runs along its maximum
	// (CartPole's 500) off the frame, and a little room on the right keeps
	// a dot at the last step (the evaluation) whole inside it.
	y1 += 0.03 * (y1 - y0)
	x1 += 0.025 * (x1 - x0)
	pw, ph := float64(width-marginL-marginR), float64(height-marginT-marginB)
	px := func(x float64) float64 { return marginL + (x-x0)/(x1-x0)*pw }
	py := func(y float64) float64 { return marginT + (1-(y-y0)/(y1-y0))*ph }

	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(b, `<text x="%d" y="24" font-size="15" text-anchor="middle">%s</text>`+"\n", width/2, html.EscapeString(c.Title))
	for _, t := range xt {
		x := px(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x, marginT, x, marginT+ph)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, marginT+ph+18, label(t))
	}
	for _, t := range yt {
		y := py(t)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", marginL, y, marginL+pw, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", marginL-6, y+4, label(t))
	}
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`+"\n", marginL, marginT, pw, ph)
	fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", marginL+pw/2, height-12, html.EscapeString(c.XLabel))
	fmt.Fprintf(b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">%s</text>`+"\n", marginT+ph/2, marginT+ph/2, html.EscapeString(c.YLabel))
	// Bands first, so that every line is drawn over them.
	for i, s := range c.Series {
		col := s.Color
		if col == "" {
			col = palette[i%len(palette)]
		}
		writeBand(b, s, col, px, py)
	}
	for i, s := range c.Series {
		col := s.Color
		if col == "" {
			col = palette[i%len(palette)]
		}
		if dotOnly(s) {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`+"\n", px(s.X[0]), py(s.Y[0]), html.EscapeString(col))
			continue
		}
		fmt.Fprintf(b, `<path fill="none" stroke="%s" stroke-width="1.5" d="`, html.EscapeString(col))
		pen := false
		for j := range min(len(s.X), len(s.Y)) {
			x, y := s.X[j], s.Y[j]
			if !finite(x) || !finite(y) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(b, "%s%.1f %.1f ", cmd, px(x), py(y))
			pen = true
		}
		fmt.Fprint(b, `"/>`+"\n")
		if s.Markers {
			for j := range min(len(s.X), len(s.Y)) {
				if finite(s.X[j]) && finite(s.Y[j]) {
					fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`+"\n", px(s.X[j]), py(s.Y[j]), html.EscapeString(col))
				}
			}
		}
	}
	// The legend sits in one row between the title and the plot, where it
	// cannot hide any part of a curve.
	lx := float64(marginL)
	for i, s := range c.Series {
		col := s.Color
		if col == "" {
			col = palette[i%len(palette)]
		}
		// The key looks like the series: a dot for a single point, a line
		// with a dot for a series with markers, a line otherwise.
		if !dotOnly(s) {
			fmt.Fprintf(b, `<line x1="%.1f" y1="40" x2="%.1f" y2="40" stroke="%s" stroke-width="2"/>`+"\n", lx, lx+20, html.EscapeString(col))
		}
		if s.Markers || dotOnly(s) {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="40" r="4" fill="%s"/>`+"\n", lx+10, html.EscapeString(col))
		}
		fmt.Fprintf(b, `<text x="%.1f" y="44">%s</text>`+"\n", lx+26, html.EscapeString(s.Name))
		lx += 26 + 7*float64(len([]rune(s.Name))) + 24
	}
	fmt.Fprint(b, "</svg>\n")
	return b.Flush()
}

// bandOf returns b if s has a band, nil otherwise.
func bandOf(s Series, b []float64) []float64 {
	if len(s.Lo) == len(s.X) && len(s.Hi) == len(s.X) {
		return b
	}
	return nil
}

// writeBand fills the band of s, one polygon per run of finite points.
func writeBand(b *bufio.Writer, s Series, col string, px, py func(float64) float64) {
	if bandOf(s, s.Lo) == nil {
		return
	}
	ok := func(j int) bool { return finite(s.X[j]) && finite(s.Lo[j]) && finite(s.Hi[j]) }
	for j := 0; j < len(s.X); {
		if !ok(j) {
			j++
			continue
		}
		k := j
		for k < len(s.X) && ok(k) {
			k++
		}
		fmt.Fprintf(b, `<path fill="%s" fill-opacity="0.18" stroke="none" d="`, html.EscapeString(col))
		for i := j; i < k; i++ {
			cmd := "L"
			if i == j {
				cmd = "M"
			}
			fmt.Fprintf(b, "%s%.1f %.1f ", cmd, px(s.X[i]), py(s.Hi[i]))
		}
		for i := k - 1; i >= j; i-- {
			fmt.Fprintf(b, "L%.1f %.1f ", px(s.X[i]), py(s.Lo[i]))
		}
		fmt.Fprint(b, `Z"/>`+"\n")
		j = k
	}
}

// dotOnly reports whether s is drawn as a single dot: one finite point.
func dotOnly(s Series) bool {
	return len(s.X) == 1 && len(s.Y) >= 1 && finite(s.X[0]) && finite(s.Y[0])
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// bounds returns the range of the finite points, widened when empty or flat.
func bounds(ss []Series) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, s := range ss {
		for _, ys := range [][]float64{s.Y, bandOf(s, s.Lo), bandOf(s, s.Hi)} {
			for j := range min(len(s.X), len(ys)) {
				x, y := s.X[j], ys[j]
				if !finite(x) || !finite(y) {
					continue
				}
				x0, x1 = math.Min(x0, x), math.Max(x1, x)
				y0, y1 = math.Min(y0, y), math.Max(y1, y)
			}
		}
	}
	if x0 > x1 {
		x0, x1, y0, y1 = 0, 1, 0, 1
	}
	if x0 == x1 {
		x0, x1 = x0-1, x1+1
	}
	if y0 == y1 {
		y0, y1 = y0-1, y1+1
	}
	return
}

// ticks returns round tick values (steps of 1, 2 or 5 times a power of
// ten) covering [lo, hi] with about n intervals.
func ticks(lo, hi float64, n int) []float64 {
	raw := (hi - lo) / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	first, last := math.Floor(lo/step), math.Ceil(hi/step)
	if last == first {
		last++
	}
	var t []float64
	for k := first; k <= last && len(t) < 100; k++ {
		// Twelve significant digits drop the float error of k·step (0.6,
		// not 0.6000000000000001), which would show in the label.
		v, _ := strconv.ParseFloat(strconv.FormatFloat(k*step, 'g', 12, 64), 64)
		t = append(t, v)
	}
	return t
}

// label formats a tick value compactly: 250000 as 250k, 1.5e6 as 1.5M.
func label(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
