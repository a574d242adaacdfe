package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pgrad/pgrad/internal/rundir"
)

// TestMain lets the tests run this test binary as the pgrad binary: with
// PGRAD_AS_MAIN=1 it is main, real os.Exit and streams included.
//
// With PGRAD_CRASH_AT=n as well, the n-th point where internal/rundir can
// be interrupted ends the process (exit 3, the point on stdout), as a
// kill -9 there would.
func TestMain(m *testing.M) {
	if os.Getenv("PGRAD_AS_MAIN") == "1" {
		if at := os.Getenv("PGRAD_CRASH_AT"); at != "" {
			n, _ := strconv.Atoi(at)
			count := 0
			rundir.SetCrashHook(func(point string) {
				if count++; count == n {
					fmt.Println("crash at " + point)
					os.Exit(3)
				}
			})
		}
		main()
	}
	os.Exit(m.Run())
}

// pgradBinary runs the pgrad binary with args and returns its exit
// status and both streams.
func pgradBinary(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PGRAD_AS_MAIN=1")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatalf("%q: %v", args, err)
	}
	return status, o.String(), e.String()
}

// TestBadInputIsOneLine checks README's promise on the real binary: bad
// input to any command gets one line on stderr, nothing on stdout, and exit
// status 2.
func TestBadInputIsOneLine(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs subprocesses")
	}
	ck := filepath.Join(t.TempDir(), "agent.ckpt")
	if err := os.WriteFile(ck, []byte("GIF89a not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{},
		{"nope"},
		{"-nope"},
		{"help", "nope"},
		{"help", "train", "mars"},
		{"help", "bench", "pong"},
		{"serve", "-nope"},
		{"serve", "extra"},
		{"serve", "-addr", "foo"},
		{"serve", "-addr", ":65536"},
		{"serve", "-addr"},
		{"bench"},
		{"bench", "pong"},
		{"bench", "gridworld", "-nope"},
		{"bench", "gridworld", "extra"},
		{"bench", "field", "-rollouts", "0"},
		{"bench", "field", "-benchtime", "soon"},
		{"bench", "cartpole", "-seeds", "1,x"},
		{"bench", "cartpole", "-stop-at", "Inf"},
		{"eval"},
		{"eval", "-bogus"},
		{"eval", "-episodes"},
		{"eval", "/nonexistent/dir"},
		{"eval", ck},
		{"eval", "-episodes", "0", ck},
		{"eval", ck, "-episodes", "-3"},
		{"eval", ck, "extra"},
		{"train"},
		{"train", "mars"},
		{"train", "gridworld", "-goal", "5,1"},
		{"train", "gridworld", "-size", "11"},
		{"train", "field", "-lr", "NaN"},
		{"train", "cartpole", "-algo", "dqn"},
		{"train", "pendulum", "-steps", "0"},
		{"train", "cartpole", "-hidden", "64,x"},
		// Too large for memory: pg/deep's Config.Validate says so. In a
		// subprocess, so that a regression crashes the child, not the tests.
		{"train", "cartpole", "-hidden", "100000000"},
		{"train", "cartpole", "-envs", "100000000"},
	}
	for _, args := range cases {
		status, stdout, stderr := pgradBinary(t, args...)
		if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.HasPrefix(stderr, "pgrad") {
			t.Errorf("pgrad %q: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout and one line on stderr", args, status, stdout, stderr)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
			t.Errorf("pgrad %q crashed: %s", args, stderr)
		}
	}
}

// TestHelpOnStdout checks that every way of asking for help prints it on
// stdout with exit status 0, and that each command's help shows defaults.
func TestHelpOnStdout(t *testing.T) {
	lists := [][]string{{"help"}, {"-h"}, {"--help"}, {"help", "train"}, {"train", "-h"}, {"help", "bench"}, {"bench", "-h"}}
	withFlags := [][]string{
		{"help", "serve"}, {"serve", "-h"}, {"serve", "-help"},
		{"help", "eval"}, {"eval", "-h"}, {"eval", "x", "-h"},
		{"help", "train", "gridworld"}, {"train", "field", "-h"}, {"train", "cartpole", "-h"}, {"train", "pendulum", "--help"},
		{"bench", "gridworld", "-h"}, {"bench", "field", "-h"}, {"help", "bench", "cartpole"},
	}
	for i, args := range append(lists, withFlags...) {
		status, stdout, stderr := runCLI(args...)
		if status != 0 || stderr != "" || !strings.Contains(stdout, "Usage") {
			t.Errorf("pgrad %q: exit %d, stderr %q, stdout %.60q; want exit 0 and the usage on stdout", args, status, stderr, stdout)
		}
		if i >= len(lists) && !strings.Contains(stdout, "(default ") {
			t.Errorf("pgrad %q: no defaults in\n%s", args, stdout)
		}
	}
}

// TestTrainHelpListsEveryEnvironmentsFlags checks issue 2's promise that
// 'pgrad train -h' explains every flag with its default: each environment's
// own help appears in it whole.
func TestTrainHelpListsEveryEnvironmentsFlags(t *testing.T) {
	for _, args := range [][]string{{"train", "-h"}, {"help", "train"}} {
		status, out, _ := runCLI(args...)
		if status != 0 {
			t.Fatalf("%q: exit %d", args, status)
		}
		for name := range trainers {
			_, own, _ := runCLI("train", name, "-h")
			if own == "" || !strings.Contains(out, own) {
				t.Errorf("%q does not hold 'pgrad train %s -h'", args, name)
			}
		}
	}
	status, out, _ := runCLI("help", "train", "gridworld")
	if status != 0 || !strings.Contains(out, "Usage: pgrad train gridworld") || !strings.Contains(out, "-goal cell") || strings.Contains(out, "pgrad train cartpole") {
		t.Errorf("'pgrad help train gridworld': exit %d, %q", status, out)
	}
}
