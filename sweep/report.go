package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/pgrad/pgrad/internal/plot"
	"github.com/pgrad/pgrad/stats"
)

// Files the report writes into the sweep directory.
const (
	ReportMD      = "report.md"
	ReportJSON    = "report.json"
	ProfileSVG    = "profile.svg"
	CurvesSVG     = "curves.svg"
	profilePoints = 41
)

// A Report aggregates the complete tasks of a sweep. It holds nothing that
// depends on where or when the tasks ran, so the same results give the
// same report, byte for byte, whichever backend ran them.
type Report struct {
	Version    int     `json:"version"`
	Env        string  `json:"env"`
	Score      string  `json:"score"`
	Resamples  int     `json:"resamples"`
	BootSeed   uint64  `json:"bootstrap_seed"`
	Confidence float64 `json:"confidence"`
	Tasks      int     `json:"tasks"`
	Complete   int     `json:"complete"`
	// Incomplete lists the tasks left out, with their state.
	Incomplete []TaskNote `json:"incomplete,omitempty"`
	// Redone lists complete tasks run again because an earlier result
	// did not match its checksums or its manifest entry.
	Redone  []TaskNote     `json:"redone,omitempty"`
	Configs []ConfigReport `json:"configs"`
	// Improvement[i][j] is P(config i > config j), nil without runs.
	Improvement [][]*stats.Interval `json:"probability_of_improvement"`
	Taus        []float64           `json:"profile_thresholds"`
	CurveX      string              `json:"curve_x"`
	CurveY      string              `json:"curve_y"`
}

// A TaskNote names a task and says something about it.
type TaskNote struct {
	Task   string `json:"task"`
	Config string `json:"config"`
	Seed   uint64 `json:"seed"`
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// A ConfigReport holds one configuration's statistics over its seeds.
type ConfigReport struct {
	ID     string          `json:"id"`
	Label  string          `json:"label"`
	Seeds  []uint64        `json:"seeds"`  // of the complete runs
	Scores []float64       `json:"scores"` // in the order of Seeds
	Mean   *stats.Interval `json:"mean,omitempty"`
	Median *stats.Interval `json:"median,omitempty"`
	IQM    *stats.Interval `json:"iqm,omitempty"`
	// Profile is the fraction of runs above each of Report.Taus.
	Profile *stats.Band `json:"profile,omitempty"`
	// CurveX and Curve are the mean learning curve over the runs, at the
	// points all runs share.
	CurveX []float64   `json:"curve_x,omitempty"`
	Curve  *stats.Band `json:"curve,omitempty"`
}

// BuildReport reads every task of m in dir and aggregates the complete
// ones with b (Confidence 0 is 0.95).
func BuildReport(dir string, m *Manifest, b stats.Bootstrap) (*Report, error) {
	if b.Confidence == 0 {
		b.Confidence = 0.95
	}
	rep := &Report{Version: Version, Env: m.Env, Score: m.Score, Resamples: b.Resamples, BootSeed: b.Seed,
		Confidence: b.Confidence, Tasks: len(m.Tasks), CurveX: m.CurveX, CurveY: m.CurveY}
	byConfig := map[string]int{}
	for i, c := range m.Configs {
		byConfig[c.ID] = i
		rep.Configs = append(rep.Configs, ConfigReport{ID: c.ID, Label: c.Label, Seeds: []uint64{}, Scores: []float64{}})
	}
	curves := make([][]Curve, len(m.Configs))
	for i, t := range m.Tasks {
		st := Check(dir, m, i)
		ci := byConfig[t.Config]
		note := TaskNote{Task: t.ID, Config: m.Configs[ci].Label, Seed: t.Seed, Status: st.Status}
		if st.Status != Done {
			switch {
			case st.Why != "":
				note.Note = st.Why
			case st.Record != nil:
				note.Note = st.Record.Error
			}
			rep.Incomplete = append(rep.Incomplete, note)
			continue
		}
		if st.Record.Redone != "" {
			note.Note = st.Record.Redone
			rep.Redone = append(rep.Redone, note)
		}
		rep.Complete++
		c := &rep.Configs[ci]
		c.Seeds = append(c.Seeds, t.Seed)
		c.Scores = append(c.Scores, *st.Record.Score)
		curves[ci] = append(curves[ci], *st.Record.Curve)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range rep.Configs {
		for _, s := range c.Scores {
			lo, hi = math.Min(lo, s), math.Max(hi, s)
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	} else if lo == hi {
		lo, hi = lo-1, hi+1
	}
	for k := range profilePoints {
		rep.Taus = append(rep.Taus, lo+(hi-lo)*float64(k)/(profilePoints-1))
	}
	for ci := range rep.Configs {
		c := &rep.Configs[ci]
		if len(c.Scores) == 0 {
			continue
		}
		s := [][]float64{c.Scores}
		for _, x := range []struct {
			dst  **stats.Interval
			stat stats.Statistic
		}{{&c.Mean, stats.Mean}, {&c.Median, stats.Median}, {&c.IQM, stats.IQM}} {
			iv, err := b.Interval(s, x.stat)
			if err != nil {
				return nil, err
			}
			*x.dst = &iv
		}
		prof, err := b.Profile(s, rep.Taus)
		if err != nil {
			return nil, err
		}
		c.Profile = &prof
		x, ys := alignCurves(curves[ci])
		if len(x) > 0 {
			band, err := b.MeanCurve(ys)
			if err != nil {
				return nil, err
			}
			c.CurveX, c.Curve = x, &band
		}
	}
	rep.Improvement = make([][]*stats.Interval, len(rep.Configs))
	for i, a := range rep.Configs {
		rep.Improvement[i] = make([]*stats.Interval, len(rep.Configs))
		for j, c := range rep.Configs {
			if i == j || len(a.Scores) == 0 || len(c.Scores) == 0 {
				continue
			}
			iv, err := b.Improvement([][]float64{a.Scores}, [][]float64{c.Scores})
			if err != nil {
				return nil, err
			}
			rep.Improvement[i][j] = &iv
		}
	}
	return rep, nil
}

// alignCurves returns the abscissas that every curve has at the same
// position, from the start (runs stopped early are shorter), and each
// curve's values there.
func alignCurves(cs []Curve) ([]float64, [][]float64) {
	if len(cs) == 0 {
		return nil, nil
	}
	n := len(cs[0].X)
	for _, c := range cs[1:] {
		n = min(n, len(c.X))
		for j := range n {
			if c.X[j] != cs[0].X[j] {
				n = j
				break
			}
		}
	}
	ys := make([][]float64, len(cs))
	for i, c := range cs {
		ys[i] = c.Y[:n]
	}
	return cs[0].X[:n], ys
}

// Write writes report.json, report.md, profile.svg and curves.svg into
// dir, each atomically.
func (r *Report) Write(dir string) error {
	js, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	files := []struct {
		name string
		b    []byte
	}{{ReportJSON, append(js, '\n')}}
	var md bytes.Buffer
	r.Markdown(&md)
	files = append(files, struct {
		name string
		b    []byte
	}{ReportMD, md.Bytes()})
	for _, c := range []struct {
		name  string
		chart plot.Chart
	}{{ProfileSVG, r.ProfileChart()}, {CurvesSVG, r.CurvesChart()}} {
		var svg bytes.Buffer
		if err := plot.WriteSVG(&svg, c.chart); err != nil {
			return err
		}
		files = append(files, struct {
			name string
			b    []byte
		}{c.name, svg.Bytes()})
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.b); err != nil {
			return err
		}
	}
	return nil
}

// ProfileChart is the performance profile of every configuration with
// its band.
func (r *Report) ProfileChart() plot.Chart {
	ch := plot.Chart{Title: fmt.Sprintf("%s · performance profile (%.0f %% bootstrap bands)", r.Env, 100*r.Confidence),
		XLabel: "score τ: " + r.Score, YLabel: "fraction of runs with score > τ"}
	for _, c := range r.Configs {
		if c.Profile != nil {
			ch.Series = append(ch.Series, plot.Series{Name: c.Label, X: r.Taus, Y: c.Profile.Point, Lo: c.Profile.Lo, Hi: c.Profile.Hi})
		}
	}
	return ch
}

// CurvesChart is the mean learning curve of every configuration with its
// band.
func (r *Report) CurvesChart() plot.Chart {
	ch := plot.Chart{Title: fmt.Sprintf("%s · mean learning curves (%.0f %% bootstrap bands over seeds)", r.Env, 100*r.Confidence),
		XLabel: r.CurveX, YLabel: r.CurveY}
	for _, c := range r.Configs {
		if c.Curve != nil {
			ch.Series = append(ch.Series, plot.Series{Name: c.Label, X: c.CurveX, Y: c.Curve.Point, Lo: c.Curve.Lo, Hi: c.Curve.Hi})
		}
	}
	return ch
}

func fmtIv(iv *stats.Interval) string {
	if iv == nil {
		return "–"
	}
	return fmt.Sprintf("%.4g [%.4g, %.4g]", iv.Point, iv.Lo, iv.Hi)
}

// Table writes the per-configuration statistics as an aligned text table.
func (r *Report) Table(w io.Writer) {
	rows := [][]string{{"configuration", "runs", "mean [95% CI]", "median [95% CI]", "IQM [95% CI]"}}
	if r.Confidence != 0.95 {
		ci := fmt.Sprintf("[%g%% CI]", 100*r.Confidence)
		rows[0] = []string{"configuration", "runs", "mean " + ci, "median " + ci, "IQM " + ci}
	}
	for _, c := range r.Configs {
		rows = append(rows, []string{c.Label, fmt.Sprint(len(c.Scores)), fmtIv(c.Mean), fmtIv(c.Median), fmtIv(c.IQM)})
	}
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], len([]rune(cell)))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", width[i]-len([]rune(cell))+2))
			}
		}
		fmt.Fprintln(w, line.String())
	}
}

// Markdown writes the report as Markdown, with the plots as images.
func (r *Report) Markdown(w io.Writer) {
	pct := 100 * r.Confidence
	fmt.Fprintf(w, "# Sweep report: %s\n\n", r.Env)
	fmt.Fprintf(w, "Final performance is the **%s** of each run.\n", r.Score)
	fmt.Fprintf(w, "%d of %d tasks are complete. Intervals are %g %% stratified bootstrap confidence intervals\n", r.Complete, r.Tasks, pct)
	fmt.Fprintf(w, "(percentile method, %d resamples, seed %d; rliable's definitions: IQM is the mean of the middle\n", r.Resamples, r.BootSeed)
	fmt.Fprintf(w, "50 %% of runs, floor(n/4) dropped at each end).\n\n")
	fmt.Fprintln(w, "| configuration | runs | mean | median | IQM |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, c := range r.Configs {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", mdEscape(c.Label), len(c.Scores), fmtIv(c.Mean), fmtIv(c.Median), fmtIv(c.IQM))
	}
	if len(r.Configs) > 1 {
		fmt.Fprintf(w, "\n## Probability of improvement\n\nP(row > column): the chance that a run of the row's configuration scores higher than\none of the column's (ties count one half), with its %g %% interval.\n\n", pct)
		fmt.Fprint(w, "| |")
		for _, c := range r.Configs {
			fmt.Fprintf(w, " %s |", mdEscape(c.Label))
		}
		fmt.Fprint(w, "\n| --- |")
		for range r.Configs {
			fmt.Fprint(w, " ---: |")
		}
		fmt.Fprintln(w)
		for i, c := range r.Configs {
			fmt.Fprintf(w, "| %s |", mdEscape(c.Label))
			for j := range r.Configs {
				cell := "–"
				if iv := r.Improvement[i][j]; iv != nil {
					cell = fmt.Sprintf("%.3f [%.3f, %.3f]", iv.Point, iv.Lo, iv.Hi)
				}
				fmt.Fprintf(w, " %s |", cell)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "\n## Performance profile\n\nThe fraction of runs whose score is above each threshold τ, with %g %% bootstrap bands.\n\n![performance profile](%s)\n", pct, ProfileSVG)
	fmt.Fprintf(w, "\n## Learning curves\n\nThe mean over seeds of each configuration's %s, with %g %% bootstrap bands.\n\n![mean learning curves](%s)\n", r.CurveY, pct, CurvesSVG)
	fmt.Fprintln(w, "\n## Scores")
	fmt.Fprintln(w)
	for _, c := range r.Configs {
		parts := make([]string, len(c.Scores))
		for i := range c.Scores {
			parts[i] = fmt.Sprintf("%d: %.6g", c.Seeds[i], c.Scores[i])
		}
		fmt.Fprintf(w, "- %s (seed: score): %s\n", mdEscape(c.Label), strings.Join(parts, ", "))
	}
	if len(r.Redone) > 0 {
		fmt.Fprintln(w, "\n## Tasks redone")
		fmt.Fprintln(w)
		for _, n := range r.Redone {
			fmt.Fprintf(w, "- %s (%s, seed %d): an earlier result was discarded: %s\n", n.Task, mdEscape(n.Config), n.Seed, mdEscape(n.Note))
		}
	}
	if len(r.Incomplete) > 0 {
		fmt.Fprintln(w, "\n## Tasks not included")
		fmt.Fprintln(w)
		for _, n := range r.Incomplete {
			line := fmt.Sprintf("- %s (%s, seed %d): %s", n.Task, mdEscape(n.Config), n.Seed, n.Status)
			if n.Note != "" {
				line += ": " + mdEscape(n.Note)
			}
			fmt.Fprintln(w, line)
		}
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`).Replace(s)
}
