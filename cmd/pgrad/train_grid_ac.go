package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pgrad/pgrad/env"
	"github.com/pgrad/pgrad/lab"
)

// acSettings are the flags of `pgrad train gridworld -algo ac|ppo`.
type acSettings struct {
	algo             string
	criticLR, lambda float64
	clip             float64
	epochs           int
}

func acFlags(fs *flag.FlagSet) *acSettings {
	d, p := lab.DefaultCriticSettings(), lab.DefaultPPOSettings()
	a := &acSettings{}
	fs.StringVar(&a.algo, "algo", "reinforce", "learner: reinforce, ac (actor-critic with a learned V table) or ppo (ac's critic, clipped epochs); flags marked 'reinforce:', 'ac, ppo:' or 'ppo:' apply to those learners only and are refused with the others")
	fs.Float64Var(&a.criticLR, "critic-lr", d.CriticLR, "ac, ppo: the critic's step α_V, in (0, 1]")
	fs.Float64Var(&a.lambda, "lambda", d.Lambda, "ac, ppo: GAE λ in [0, 1]; 0 is the TD(0) advantage")
	fs.Float64Var(&a.clip, "clip", p.Clip, "ppo: the clip ε, in (0, 1)")
	fs.IntVar(&a.epochs, "epochs", p.Epochs, "ppo: epochs of updates on each batch")
	return a
}

// learnerFlags are the flags of `pgrad train gridworld` that apply to some
// learners only; checkLearnerFlags refuses them with the others.
var learnerFlags = map[string][]string{
	"baseline": {"reinforce"}, "credit": {"reinforce"}, "entropy": {"reinforce"},
	"critic-lr": {"ac", "ppo"}, "lambda": {"ac", "ppo"},
	"clip": {"ppo"}, "epochs": {"ppo"},
}

// markLearnerFlags starts the help of each of learnerFlags with the
// learners it applies to, as acFlags' own flags do.
func markLearnerFlags(fs *flag.FlagSet) {
	for name, algos := range learnerFlags {
		if f := fs.Lookup(name); f != nil && !strings.HasPrefix(f.Usage, strings.Join(algos, ", ")+":") {
			f.Usage = strings.Join(algos, ", ") + ": " + f.Usage
		}
	}
}

// checkLearnerFlags reports the first flag given (in name order) that
// does not apply to algo, which must be a known learner.
func checkLearnerFlags(fs *flag.FlagSet, algo string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if algos, ok := learnerFlags[f.Name]; ok && err == nil && !slices.Contains(algos, algo) {
			err = fmt.Errorf("-%s applies to -algo %s only, not to -algo %s", f.Name, strings.Join(algos, " and "), algo)
		}
	})
	return err
}

// runTrainGridAC trains actor-critic or PPO with -lr, -gamma and -batch
// from the REINFORCE flags (checkLearnerFlags has refused -baseline, -credit
// and -entropy).
func runTrainGridAC(prog string, cfg env.GridConfig, set lab.Settings, a *acSettings, out *tabOutput, stdout, stderr io.Writer) int {
	cs := lab.CriticSettings{LR: set.LR, CriticLR: a.criticLR, Gamma: set.Gamma, Lambda: a.lambda, Batch: set.Batch, Algo: a.algo}
	switch a.algo {
	case "ac":
	case "ppo":
		cs.Clip, cs.Epochs = a.clip, a.epochs
	default:
		return usageErr(stderr, prog, fmt.Errorf("-algo: unknown learner %q (want reinforce, ac or ppo)", a.algo))
	}
	c, err := lab.NewCritic(cfg, cs, out.seed)
	if err != nil {
		return usageErr(stderr, prog, settingFlagErr(err))
	}
	if probeTrain(stdout, nil, gridACProbe{World: cfg, Settings: set, Critic: cs, Rollouts: out.rollouts}) {
		return 0
	}
	return out.run(prog, stdout, stderr, c.Step, func() string {
		sr, mr := c.Window()
		return fmt.Sprintf("success %.2f  return %.3f", sr, mr)
	}, func() ([]lab.CurvePoint, any, func(io.Writer)) {
		snap := c.GridSnapshot()
		res := tabGridSummary(c.Config(), out.seed, &snap)
		res.Interrupted, res.Algo, res.Critic = out.interrupted, a.algo, &cs
		return snap.Curve, res, func(w io.Writer) {
			fmt.Fprintf(w, "learner        %s  critic-lr %g  lambda %g", a.algo, cs.CriticLR, cs.Lambda)
			if a.algo == "ppo" {
				fmt.Fprintf(w, "  clip %g  epochs %d", cs.Clip, cs.Epochs)
			}
			fmt.Fprintln(w)
			tabPrintGridTable(w, res, &snap)
		}
	})
}
