package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestControlAcrobotMountainCar trains each algorithm briefly on Acrobot-v1
// and MountainCarContinuous-v0, writes the outputs and evaluates the
// checkpoint with 'pgrad eval'.
func TestControlAcrobotMountainCar(t *testing.T) {
	for _, env := range []string{"acrobot", "mountaincar"} {
		for _, algo := range []string{"ppo", "a2c", "reinforce"} {
			dir := filepath.Join(t.TempDir(), "run")
			code, out, errOut := runCLI("train", env, "-algo", algo, "-steps", "4096", "-json", "-eval", "2", "-quiet", "-out", dir)
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s", env, algo, code, errOut)
			}
			var s controlSummary
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatalf("%s %s: %v: %s", env, algo, err, out)
			}
			if s.Env != env || s.Algo != algo || s.Steps < 4096-s.Config.Envs*s.Config.Steps || s.Steps > 4096 ||
				s.EvalEpisodes != 2 || s.EvalMean == nil || s.Stopped != "completed" {
				t.Errorf("%s %s: summary %+v", env, algo, s)
			}
			code, out, errOut = runCLI("eval", dir, "-episodes", "2", "-json", "-quiet")
			var e evalSummary
			if code != 0 || json.Unmarshal([]byte(out), &e) != nil || e.Env != env || e.Episodes != 2 || e.Mean != *s.EvalMean {
				t.Errorf("%s %s: eval: exit %d, %q %q; training evaluated %v", env, algo, code, out, errOut, *s.EvalMean)
			}
			code, out, _ = runCLI("eval", dir, "-episodes", "1", "-quiet")
			if code != 0 || !strings.HasPrefix(out, envTitle(env)+" "+algo+": ") {
				t.Errorf("%s %s: eval: exit %d, %q", env, algo, code, out)
			}
		}
	}
}

func TestControlAcrobotMountainCarBadInput(t *testing.T) {
	cases := [][]string{
		{"train", "acrobot", "-algo", "dqn"},
		{"train", "mountaincar", "-algo=sarsa"},
		{"train", "acrobot", "-preset", "cleanrl"},
		{"train", "mountaincar", "-preset", "cleanrl"},
		{"train", "acrobot", "-steps", "0"},
		{"train", "mountaincar", "-steps", "-5"},
		{"train", "acrobot", "-lr", "NaN"},
		{"train", "mountaincar", "-log-std", "NaN"},
		{"train", "mountaincar", "-gamma", "1.5"},
		{"train", "acrobot", "-hidden", "64,x"},
		{"train", "acrobot", "extra"},
		{"train", "mountaincar", "-nosuchflag"},
		{"train", "mountaincarcontinuous"},
	}
	for _, args := range cases {
		code, out, errOut := runCLI(args...)
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		if code != 2 || len(lines) != 1 || lines[0] == "" || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr", args, code, out, errOut)
		}
	}
}

func TestControlAcrobotMountainCarHelp(t *testing.T) {
	code, out, _ := runCLI("train", "-h")
	if code != 0 || !strings.Contains(out, "acrobot") || !strings.Contains(out, "mountaincar") {
		t.Errorf("pgrad train -h: exit %d, lacks acrobot or mountaincar", code)
	}
	for _, env := range []string{"acrobot", "mountaincar"} {
		code, out, _ := runCLI("train", env, "-h")
		if code != 0 || !strings.Contains(out, envTitle(env)) || !strings.Contains(out, "-log-std") {
			t.Errorf("pgrad train %s -h: exit %d, %q", env, code, out)
		}
	}
}
