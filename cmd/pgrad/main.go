// Command pgrad trains, evaluates, benchmarks and serves policy-gradient
// agents. Each subcommand lives in its own file and registers itself in
// commands; "train" dispatches further on the environment name through
// trainers, so the gridworld and the neural tasks stay in separate files.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// A command is one subcommand: it parses args itself and returns the exit
// status (0 ok, 1 failure at run time, 2 bad usage or bad input).
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// A trainer is one environment family under "pgrad train".
type trainer struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var (
	commands = map[string]command{}
	trainers = map[string]trainer{}
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "pgrad: unknown command %q (run 'pgrad help')\n", name)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pgrad is a policy-gradient lab: one Go engine for the browser, the terminal and Go programs.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  pgrad <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, n := range sortedKeys(commands) {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Environments for 'pgrad train':")
	for _, n := range sortedKeys(trainers) {
		fmt.Fprintf(w, "  %-10s %s\n", n, trainers[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'pgrad help <command>' or 'pgrad train <env> -h' for the flags and their defaults.")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func init() {
	commands["train"] = command{
		summary: "train an agent: pgrad train <env> [flags]",
		run:     runTrain,
	}
}

func runTrain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w := stderr
		status := 2
		if len(args) > 0 {
			w, status = stdout, 0
		}
		fmt.Fprintln(w, "Usage: pgrad train <env> [flags]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Environments:")
		for _, n := range sortedKeys(trainers) {
			fmt.Fprintf(w, "  %-10s %s\n", n, trainers[n].summary)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Run 'pgrad train <env> -h' for the flags of one environment.")
		return status
	}
	t, ok := trainers[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "pgrad train: unknown environment %q (want one of %s)\n", args[0], strings.Join(sortedKeys(trainers), ", "))
		return 2
	}
	return t.run(args[1:], stdout, stderr)
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
		case def == "" && typ == "cells":
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

// usageErr prints err as one line for bad input to prog and returns 2.
func usageErr(stderr io.Writer, prog string, err error) int {
	fmt.Fprintf(stderr, "%s: %s\n", prog, strings.ReplaceAll(err.Error(), "\n", " "))
	return 2
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
