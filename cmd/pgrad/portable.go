package main

import (
	"flag"

	"github.com/pgrad/pgrad/nn"
)

// portableFlags adds -portable and -iters to a neural train command's flags.
func portableFlags(fs *flag.FlagSet) (portable *bool, iters *int) {
	portable = fs.Bool("portable", false, "pure-Go kernels and platform-identical Exp and Log (nn.SetPortable): the same numbers as the page's CartPole tab, bit for bit, at about a tenth of the speed")
	iters = fs.Int("iters", 0, "stop after this many iterations (0: all); the learning-rate schedule still spans -steps, as in the page's tab")
	return portable, iters
}

// setPortable switches the process to nn's portable mode, or back.
func setPortable(on bool) { nn.SetPortable(on) }
