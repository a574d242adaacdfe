package deep

import (
	"testing"

	"github.com/pgrad/pgrad/nn"
)

// BenchmarkPPOCleanRL times iterations of CleanRL's CartPole configuration
// (512 environment steps and 16 minibatch updates each) and reports
// environment steps per second.
func BenchmarkPPOCleanRL(b *testing.B) {
	benchIterate(b, CleanRL())
}

// BenchmarkPPOCleanRLPortable is BenchmarkPPOCleanRL in portable mode
// (nn.SetPortable: pure-Go kernels, internal/fmath's Exp and Log), the
// arithmetic pgrad train -portable and the page use.
func BenchmarkPPOCleanRLPortable(b *testing.B) {
	was := nn.Portable()
	nn.SetPortable(true)
	defer nn.SetPortable(was)
	benchIterate(b, CleanRL())
}

// BenchmarkPPOPendulum times iterations of pgrad's Pendulum PPO defaults.
func BenchmarkPPOPendulum(b *testing.B) {
	cfg, _ := Defaults("pendulum", PPO)
	benchIterate(b, cfg)
}

func benchIterate(b *testing.B, cfg Config) {
	// The largest budget Validate accepts, so that learning-rate annealing
	// stays negligible however many iterations the benchmark runs.
	cfg.TotalSteps = maxTotalSteps
	tr, err := New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := tr.Iterate(); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(cfg.Envs*cfg.Steps*b.N)/b.Elapsed().Seconds(), "steps/s")
	// The process's CPU time per environment step: on a shared machine
	// it moves less than the wall time, which counts waiting for a core.
	b.ReportMetric(cpu/float64(cfg.Envs*cfg.Steps*b.N)*1e6, "cpu-µs/step")
}
