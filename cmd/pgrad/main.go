// Command pgrad trains, evaluates, benchmarks and serves policy-gradient
// agents. Each subcommand lives in its own file and registers itself in
// commands; "train" and "bench" dispatch further on the environment or
// target name through trainers and benches, so the gridworld and the neural
// tasks stay in separate files.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"
)

// A command is one subcommand, or one environment of "pgrad train" or
// target of "pgrad bench": it parses args itself and returns the exit
// status (0 ok, 1 failure at run time, 2 bad usage or bad input).
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// The tables that dispatch reads; each file adds its entries in init.
var (
	commands = map[string]command{}
	trainers = map[string]command{}
	benches  = map[string]command{}
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "help" {
		// "pgrad help train cartpole" is "pgrad train cartpole -h".
		args = append(slices.Clone(args[1:]), "-h")
	}
	return dispatch(commands, "pgrad", "command", usage, args, stdout, stderr)
}

// dispatch runs the command of table that args[0] names. prog ("pgrad
// train") and kind ("environment") name them in messages; usage prints
// prog's help for -h.
func dispatch(table map[string]command, prog, kind string, usage func(io.Writer), args []string, stdout, stderr io.Writer) int {
	names := strings.Join(slices.Sorted(maps.Keys(table)), ", ")
	if len(args) == 0 {
		return usageErr(stderr, prog, fmt.Errorf("missing the %s: one of %s (see '%s -h')", kind, names, prog))
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	c, ok := table[args[0]]
	if !ok {
		return usageErr(stderr, prog, fmt.Errorf("unknown %s %q: want one of %s (see '%s -h')", kind, args[0], names, prog))
	}
	return c.run(args[1:], stdout, stderr)
}

// listCommands prints the names and summaries of table under title.
func listCommands(w io.Writer, title string, table map[string]command) {
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, n := range slices.Sorted(maps.Keys(table)) {
		fmt.Fprintf(w, "  %-10s %s\n", n, table[n].summary)
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pgrad is a policy-gradient lab: one Go engine for the browser, the terminal and Go programs.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  pgrad <command> [arguments]")
	listCommands(w, "Commands", commands)
	listCommands(w, "Environments for 'pgrad train'", trainers)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'pgrad help <command>' or 'pgrad train <env> -h' for the flags and their defaults.")
}

func init() {
	commands["train"] = command{
		summary: "train an agent: pgrad train <env> [flags]",
		run: func(args []string, stdout, stderr io.Writer) int {
			if len(args) > 0 && (strings.TrimLeft(args[0], "-") == "resume" || strings.HasPrefix(strings.TrimLeft(args[0], "-"), "resume=")) {
				// pgrad train -resume DIR: the run names its environment.
				dir := scanChoice(args, "resume", "")
				env, err := resumeEnv(dir)
				if err != nil {
					return usageErr(stderr, "pgrad train", fmt.Errorf("-resume: %s", strings.TrimPrefix(err.Error(), "deep: ")))
				}
				if _, ok := trainers[env]; !ok {
					return usageErr(stderr, "pgrad train", fmt.Errorf("-resume: %s holds a run of %q, which pgrad train does not know", dir, env))
				}
				return trainers[env].run(args, stdout, stderr)
			}
			return dispatch(trainers, "pgrad train", "environment", trainUsage, args, stdout, stderr)
		},
	}
}

// trainUsage lists the environments and then, under each, its own help:
// every flag with its default, as 'pgrad train <env> -h' prints it.
func trainUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: pgrad train <env> [flags]")
	listCommands(w, "Environments", trainers)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'pgrad train <env> -h' for the flags of one environment; all of them follow.")
	for _, n := range slices.Sorted(maps.Keys(trainers)) {
		fmt.Fprintf(w, "\n── %s %s\n\n", n, strings.Repeat("─", max(0, 70-len(n))))
		trainers[n].run([]string{"-h"}, w, io.Discard)
	}
}

// newFlagSet returns the FlagSet of prog ("pgrad serve"), whose usage shows
// "Usage: prog synopsis", about, and every flag with its default.
func newFlagSet(prog, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s %s\n\n%s\n\nFlags:\n", prog, synopsis, about)
		printDefaults(fs)
	}
	return fs
}

// printDefaults is flag.PrintDefaults, except that every flag shows its
// default, zero values included.
func printDefaults(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		def := f.DefValue
		switch {
		case def == "" && typ != "string":
			def = "none"
		case def == "" || typ == "string":
			def = strconv.Quote(def)
		}
		name := "-" + f.Name
		if typ != "" {
			name += " " + typ
		}
		fmt.Fprintf(fs.Output(), "  %s\n    \t%s (default %s)\n", name, usage, def)
	})
}

// parseFlags parses args, flags only. After -h it prints the usage on
// stdout; after a bad flag or a stray argument, one line on stderr. ok is
// false when the command should return status at once.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (status int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, false
	case err != nil:
		return usageErr(stderr, fs.Name(), fmt.Errorf("%w (see '%s -h')", err, fs.Name())), false
	case fs.NArg() > 0:
		return usageErr(stderr, fs.Name(), fmt.Errorf("unexpected argument %q (see '%s -h')", fs.Arg(0), fs.Name())), false
	}
	return 0, true
}

// exitInterrupted is the status of a command stopped by Ctrl-C or SIGTERM,
// the one a shell gives a process that SIGINT ended.
const exitInterrupted = 130

// interruptContext returns the context that a long-running command (train,
// eval, bench) watches for Ctrl-C and SIGTERM: it stops at its next safe
// point, finishes its progress line, prints and writes what it has so far,
// marked as interrupted, and returns exitInterrupted. Once the context is
// done the handler is removed, so a second Ctrl-C ends the process at once.
// Tests replace it to interrupt a run without a signal.
var interruptContext = func() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	return ctx, stop
}

// usageErr prints err as one line for bad input to prog and returns 2.
func usageErr(stderr io.Writer, prog string, err error) int {
	fmt.Fprintf(stderr, "%s: %s\n", prog, errorLine(err.Error()))
	return 2
}

// maxErrorLine bounds an error line: text from a file (a 50 MB env name in
// a checkpoint's configuration) is cut, with the number of bytes left out.
const maxErrorLine = 400

// errorLine makes msg one line of at most about maxErrorLine bytes.
func errorLine(msg string) string {
	msg = strings.ReplaceAll(msg, "\n", " ")
	if len(msg) <= maxErrorLine {
		return msg
	}
	cut := maxErrorLine
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes cut)", msg[:cut], len(msg)-cut)
}

// printJSON prints v as one JSON object on one line of stdout.
func printJSON(stdout, stderr io.Writer, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a non-finite float can get here; it is a bug, not bad input.
		fmt.Fprintf(stderr, "pgrad: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", b)
	return 0
}
