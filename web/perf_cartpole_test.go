package web_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var perfSeeds = flag.String("perf.seeds", "1,2,3", "CartPole seeds TestBrowserPerfCartPole trains in the tab and natively")

// perfCartPoleRun is one seed's PPO run, in the tab and natively.
type perfCartPoleRun struct {
	Seed uint64 `json:"seed"`
	// the tab (pgrad-deep.wasm in a Web Worker)
	TabSolved        bool    `json:"tabSolved"`        // the 20-episode mean reached 475
	TabSeconds       float64 `json:"tabSeconds"`       // training time (inside Go's Iterate) until then
	TabSteps         float64 `json:"tabSteps"`         // environment steps until then
	TabStepsPerSec   float64 `json:"tabStepsPerSec"`   // steps / training time
	TabFPS           float64 `json:"tabFps"`           // the page's frames per second while training (mean of 1-s windows)
	TabFPSMin        float64 `json:"tabFpsMin"`        // the lowest 1-s window
	TabWallSeconds   float64 `json:"tabWallSeconds"`   // from Train to the threshold, on the test's clock
	NativePortable   native  `json:"nativePortable"`   // pgrad train -portable
	NativeAssembly   native  `json:"nativeAssembly"`   // pgrad train (assembly kernels)
	LoadAverage      string  `json:"loadAverage"`      // /proc/loadavg before the seed's runs
	SameCurveAsTab   bool    `json:"sameCurveAsTab"`   // the portable run's steps to 475 equal the tab's
	TabRatioPortable float64 `json:"tabRatioPortable"` // tab steps/s ÷ native portable steps/s
}

type native struct {
	Steps          float64 `json:"steps"`
	Seconds        float64 `json:"seconds"`
	StepsPerSecond float64 `json:"stepsPerSecond"`
	Stopped        string  `json:"stopped"`
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// TestBrowserPerfCartPole measures PPO with pgrad train's CartPole
// defaults in the tab (headless Chromium, the page's own widget and worker)
// and natively, with -portable and with the assembly kernels, for each
// seed: steps per second, the training time until the 20-episode mean
// return reaches 475, and the page's frame rate meanwhile. It prints one
// line "PERF_CARTPOLE {json}" for bench/report.py and asserts only that it
// could take the figures (and that the tab and the portable CLI agree on
// the steps to 475, which is arithmetic, not timing).
func TestBrowserPerfCartPole(t *testing.T) {
	if f := flag.Lookup("perf"); f == nil || f.Value.String() != "true" {
		t.Skip("measured on request: go test ./web -run '^TestBrowserPerfCartPole$' -perf -v")
	}
	p := newPageFor(t, 60*time.Minute)
	bin := buildPgrad(t)
	eval[bool](t, p, `(document.getElementById('cartpole').scrollIntoView(), true)`)
	p.waitFor(t, "the neural engine", `document.getElementById('cartpole').dataset.engine === 'ready' && pgradCartPole.header !== null`)
	var runs []perfCartPoleRun
	for _, f := range strings.Split(*perfSeeds, ",") {
		seed, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			t.Fatalf("-perf.seeds: %v", err)
		}
		r := perfCartPoleRun{Seed: seed, LoadAverage: loadavg()}
		// The tab: configure through the controls, then Train.
		// The page's first run has seed 1 already: wait for the reply to
		// this configure (a new settings object), or Train would be undone
		// by it and the run measured as zero steps.
		eval[bool](t, p, fmt.Sprintf(`(() => { window.cpOldSet = pgradCartPole.set; const s = document.getElementById('cp-seed'); s.value = '%d'; s.dispatchEvent(new Event('change')); return true; })()`, seed))
		p.waitFor(t, "the new run", fmt.Sprintf(`pgradCartPole.set !== cpOldSet && pgradCartPole.header[29] === %d && pgradCartPole.header[2] === 0`, seed))
		eval[bool](t, p, `(window.cpFps = [], window.cpFpsTimer = setInterval(() => cpFps.push(pgradPerf.fps), 1000), true)`)
		start := time.Now()
		p.clickSelector(t, "#cp-train")
		// Polled every animation frame; a run that never gets there stops
		// at the end of its schedule.
		_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`pgradCartPole.header[6] >= 475 || !pgradCartPole.training`, chromedp.WithPollingTimeout(20*time.Minute)))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		r.TabWallSeconds = time.Since(start).Seconds()
		p.clickSelector(t, "#cp-train")
		type tab struct {
			H      []float64 `json:"h"`
			Fps    []float64 `json:"fps"`
			Solved float64   `json:"solved"` // steps at the first curve point ≥ 475 (-1: none)
		}
		v := eval[tab](t, p, `(() => { clearInterval(cpFpsTimer); const w = pgradCartPole; const i = w.curveY.findIndex(y => y >= 475);
		  return {h: Array.from(w.header).map(x => Number.isNaN(x) ? -1 : x), fps: cpFps.slice(1), solved: i < 0 ? -1 : w.curveX[i]}; })()`)
		h := v.H
		r.TabSolved = v.Solved >= 0
		r.TabSteps, r.TabSeconds = h[4], h[27]
		if h[4] <= 0 || h[27] <= 0 {
			t.Errorf("seed %d: the tab trained %v steps in %v s: nothing to measure", seed, h[4], h[27])
		}
		if h[27] > 0 {
			r.TabStepsPerSec = h[4] / h[27]
		}
		if len(v.Fps) > 0 {
			sum, lo := 0.0, v.Fps[0]
			for _, x := range v.Fps {
				sum += x
				lo = min(lo, x)
			}
			r.TabFPS, r.TabFPSMin = sum/float64(len(v.Fps)), lo
		}
		// Natively, the same seed and defaults, stopping at 475.
		for _, mode := range []string{"-portable", ""} {
			args := []string{"train", "cartpole", "-seed", strconv.FormatUint(seed, 10), "-stop-at", "475", "-quiet", "-eval", "0", "-json"}
			if mode != "" {
				args = append(args, mode)
			}
			out, err := exec.Command(bin, args...).Output()
			if err != nil {
				t.Fatalf("pgrad %v: %v", args, err)
			}
			var s struct {
				Steps   float64 `json:"steps"`
				Wall    float64 `json:"wall_seconds"`
				SPS     float64 `json:"steps_per_second"`
				Stopped string  `json:"stopped"`
			}
			if err := json.Unmarshal(out, &s); err != nil {
				t.Fatalf("pgrad %v: %v\n%s", args, err, out)
			}
			n := native{Steps: s.Steps, Seconds: s.Wall, StepsPerSecond: s.SPS, Stopped: s.Stopped}
			if mode != "" {
				r.NativePortable = n
			} else {
				r.NativeAssembly = n
			}
		}
		r.SameCurveAsTab = r.TabSolved && r.NativePortable.Stopped == "stop-at" && r.NativePortable.Steps == v.Solved
		if r.NativePortable.StepsPerSecond > 0 {
			r.TabRatioPortable = r.TabStepsPerSec / r.NativePortable.StepsPerSecond
		}
		if r.TabSolved && !r.SameCurveAsTab {
			t.Errorf("seed %d: the tab reached 475 at %v steps, pgrad train -portable at %v (%s)", seed, v.Solved, r.NativePortable.Steps, r.NativePortable.Stopped)
		}
		t.Logf("seed %d: tab %.0f steps/s, %.1f s training to %v (solved %v), %.0f fps (min %.0f); native -portable %.0f steps/s, assembly %.0f; load %s",
			seed, r.TabStepsPerSec, r.TabSeconds, r.TabSteps, r.TabSolved, r.TabFPS, r.TabFPSMin, r.NativePortable.StepsPerSecond, r.NativeAssembly.StepsPerSecond, r.LoadAverage)
		runs = append(runs, r)
	}
	b, _ := json.Marshal(map[string]any{"cpus": runtime.NumCPU(), "how": "Web Worker (deep-worker.js): each PPO iteration (4 × 128 steps and 16 minibatch updates) takes longer than a frame in WebAssembly, so it runs off the main thread; the page polls one frame per animation frame", "runs": runs, "loadAfter": loadavg()})
	fmt.Printf("PERF_CARTPOLE %s\n", b)
}
