package bench

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestWorkloadsRun builds every workload, runs it once and checks its
// outputs (finite values; matrix products against a float64 reference).
// It times nothing.
func TestWorkloadsRun(t *testing.T) {
	for _, w := range Workloads() {
		t.Run(w.Name, func(t *testing.T) {
			if w.Single {
				t.Skip("a whole quick preset: its paper's tests run it, with its claims")
			}
			if w.Description == "" || w.Unit == "" || w.Setup == nil {
				t.Fatalf("workload %q lacks a description, unit or Setup", w.Name)
			}
			inst, err := w.setup()
			if err != nil {
				t.Fatal(err)
			}
			defer inst.cleanup()
			if err := inst.run(); err != nil {
				t.Fatal(err)
			}
			if err := inst.check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWorkloadNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, w := range Workloads() {
		if seen[w.Name] {
			t.Errorf("duplicate workload %q", w.Name)
		}
		seen[w.Name] = true
	}
	for _, name := range []string{NameExecOverhead, "matmul-128", "matmul-256", "matmul-512", "matmul-1024", NameEOSToyStep, NameMNISTStep,
		NameMNISTHVP, NameLoRAStep, NameEOSQuick, NameLoRAQuick} {
		if !seen[name] {
			t.Errorf("workload %q missing", name)
		}
	}
}

func TestSelect(t *testing.T) {
	ws, err := Select("^matmul-")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != len(MatmulSizes) {
		t.Errorf("^matmul- selected %d workloads, want %d", len(ws), len(MatmulSizes))
	}
	if _, err := Select("no-such-workload"); err == nil {
		t.Error("a pattern matching nothing must be an error")
	}
	if _, err := Select("("); err == nil {
		t.Error("a bad regular expression must be an error")
	}
}

// fake is a workload that counts its calls and does no work.
func fake(calls *int, failAt int) Workload {
	return Workload{Name: "fake", Unit: "op", Description: "counts calls", Steps: 2, Work: 1e6,
		Setup: func() (func() error, func(), error) {
			return func() error {
				*calls++
				if *calls == failAt {
					return errors.New("boom")
				}
				return nil
			}, func() {}, nil
		}}
}

func TestMeasureCallsAndMedian(t *testing.T) {
	var calls int
	res, err := Measure(fake(&calls, -1), 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != MinRuns || calls != MinRuns+1 {
		t.Errorf("runs %d, calls %d: want %d timed calls after one warm-up", res.Runs, calls, MinRuns)
	}
	if res.Name != "fake" || res.Backend == "" || res.MsPerOp < 0 {
		t.Errorf("unexpected result %+v", res)
	}
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("median of 5,1,3 = %d", got)
	}
	if got := median([]time.Duration{4, 1, 3, 2}); got != 2 {
		t.Errorf("median of 4,1,3,2 = %d, want (2+3)/2 = 2 in integer nanoseconds", got)
	}
}

// TestPreparedTimesAgain prepares a workload once and times it in several
// rounds, as `theorylab bench` does: one warm-up call in all, the setup
// reported with the first round only.
func TestPreparedTimesAgain(t *testing.T) {
	var calls int
	p, err := Prepare(fake(&calls, -1))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if calls != 1 {
		t.Fatalf("Prepare made %d calls, want 1 (the warm-up)", calls)
	}
	for round := range 3 {
		res, err := p.Time(0)
		if err != nil {
			t.Fatal(err)
		}
		if res.Runs != MinRuns || res.Name != "fake" {
			t.Errorf("round %d: %+v after %d calls", round, res, calls)
		}
		if round > 0 && res.SetupMs != 0 {
			t.Errorf("round %d reports setup %v ms again", round, res.SetupMs)
		}
	}
	if calls != 1+3*MinRuns {
		t.Errorf("%d calls, want %d", calls, 1+3*MinRuns)
	}
}

// TestLoRAStepCheckValue runs the LoRA step as Measure does and checks that
// its check value (the loss after two Adam steps, from the third call) is
// there and is a plausible cross-entropy of a 5-way classifier near its
// start: positive, a few nats.
func TestLoRAStepCheckValue(t *testing.T) {
	ws, err := Select("^" + NameLoRAStep + "$")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Measure(ws[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Check == nil || !(*r.Check > 0.1 && *r.Check < 5) {
		t.Fatalf("check value %v: want a cross-entropy of a 5-way classifier near its start", r.Check)
	}
}

func TestMeasureReportsErrors(t *testing.T) {
	for _, failAt := range []int{1, 3} { // the warm-up call, a timed call
		var calls int
		if _, err := Measure(fake(&calls, failAt), 0); err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("failing call %d: error %v, want boom", failAt, err)
		}
	}
}

// BenchmarkWorkloads times every workload; ns/op is per call, ms/<unit> per
// operation (a call of eos-toy-step makes 10 GD steps).
func BenchmarkWorkloads(b *testing.B) {
	for _, w := range Workloads() {
		b.Run(w.Name, func(b *testing.B) {
			run, cleanup, err := w.Setup()
			if err != nil {
				b.Fatal(err)
			}
			defer cleanup()
			if err := run(); err != nil { // warm-up, not timed
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := run(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			ms := b.Elapsed().Seconds() * 1e3 / float64(b.N*w.steps())
			b.ReportMetric(ms, "ms/"+w.Unit)
			if w.Work > 0 {
				b.ReportMetric(w.Work/(ms/1e3)/1e9, "GFLOP/s")
			}
		})
	}
}
