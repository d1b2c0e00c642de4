package bench

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"theorylab/pkg/backend"
)

// Workload is one named piece of work that can be timed.
type Workload struct {
	Name        string // e.g. "matmul-256"
	Unit        string // what one operation is: "product", "step", "HVP"
	Description string // one sentence: what is computed, sizes and dtype

	// Setup builds the workload on the current backend and returns run, which
	// performs Steps operations per call, and cleanup, which releases what
	// Setup allocated. Graph compilation happens on the first call of run.
	Setup func() (run func() error, cleanup func(), err error)

	// Steps is the number of operations one call of run performs (the
	// Edge of Stability toy unrolls 10 GD steps per call); 0 means 1.
	Steps int

	// Work is the floating-point operations of one operation, for GFLOP/s;
	// 0 when a flop count is not meaningful.
	Work float64

	// Single workloads (a whole preset) are timed by one call, with no
	// warm-up call before it: their time is a wall time, compilation included.
	Single bool

	// setup is Setup with a check of the last call's outputs, for the tests.
	setup func() (*instance, error)

	// reference writes the workload's inputs into dir for the PyTorch
	// reference (bench/torch_ref.py) and returns its entry of inputs.json;
	// nil for a workload without a reference.
	reference func(dir string) (map[string]any, error)
}

// HasReference reports whether bench/torch_ref.py implements the workload.
func (w Workload) HasReference() bool { return w.reference != nil }

// instance is one built workload.
type instance struct {
	run     func() error
	check   func() error            // checks the outputs of the last call of run
	value   func() (float64, error) // a number from the last outputs, compared with the reference's
	cleanup func()
}

// newWorkload fills Setup from setup.
func newWorkload(w Workload, setup func() (*instance, error)) Workload {
	w.setup = setup
	w.Setup = func() (func() error, func(), error) {
		inst, err := setup()
		if err != nil {
			return nil, nil, fmt.Errorf("bench %s: %w", w.Name, err)
		}
		return inst.run, inst.cleanup, nil
	}
	return w
}

func (w Workload) steps() int { return max(w.Steps, 1) }

// Result is the measurement of one workload.
type Result struct {
	Name    string  // the workload's name
	Backend string  // backend.Name() when measured
	Unit    string  // the workload's Unit
	MsPerOp float64 // median milliseconds per operation (per step, product or HVP)
	GFLOPS  float64 // Work / (MsPerOp/1000) / 1e9; 0 when the workload has no flop count
	Runs    int     // timed calls of run (each performing Steps operations)
	// SetupMs is the time to set the workload up and make its untimed first
	// call(s): building and compiling its graphs (0 for whole presets, whose
	// single timed call includes all of it).
	SetupMs float64
	// Check is a number computed from the outputs of the last call (a loss,
	// a norm, a sum), compared with the reference's; nil when not computed.
	Check *float64 `json:",omitempty"`
}

// MinRuns is the least number of timed calls Measure makes.
const MinRuns = 3

// Measure sets w up, calls it once untimed (compilation and warm-up), then
// times calls until minTime has elapsed and at least MinRuns calls were made.
// MsPerOp is the median per-call time divided by w.Steps. A Single workload
// is timed by one call with nothing before it. Check is filled from the last
// call's outputs where the workload computes one.
func Measure(w Workload, minTime time.Duration) (Result, error) {
	p, err := Prepare(w)
	if err != nil {
		return Result{Name: w.Name, Backend: backend.Name(), Unit: w.Unit}, err
	}
	defer p.Close()
	return p.Time(minTime)
}

// Prepared is a workload built on the current backend and, unless it is
// Single, called once untimed (graph compilation and warm-up), ready to be
// timed again and again: `theorylab bench` keeps one per workload and
// backend and times it once per round, interleaved with the other backends
// and the reference.
type Prepared struct {
	w       Workload
	run     func() error
	value   func() (float64, error)
	cleanup func()
	setupMs float64
	timed   bool
}

// Prepare builds w and makes its untimed first call (none for a Single
// workload, whose timed call includes everything).
func Prepare(w Workload) (*Prepared, error) {
	if w.setup == nil && w.Setup == nil {
		return nil, fmt.Errorf("bench %s: no Setup", w.Name)
	}
	t0 := time.Now()
	run, value, cleanup, err := w.build()
	if err != nil {
		return nil, err
	}
	p := &Prepared{w: w, run: run, value: value, cleanup: cleanup}
	if !w.Single {
		if err := run(); err != nil {
			p.Close()
			return nil, fmt.Errorf("bench %s: warm-up call: %w", w.Name, err)
		}
	}
	p.setupMs = time.Since(t0).Seconds() * 1e3
	return p, nil
}

// Workload is the workload p was prepared from.
func (p *Prepared) Workload() Workload { return p.w }

// Time times p's calls until minTime has elapsed and at least MinRuns calls
// were made (a Single workload: one call) and returns the median per
// operation. SetupMs is reported with the first Time only (0 after it).
func (p *Prepared) Time(minTime time.Duration) (Result, error) {
	w := p.w
	res := Result{Name: w.Name, Backend: backend.Name(), Unit: w.Unit}
	if !p.timed {
		res.SetupMs = p.setupMs
	}
	p.timed = true
	var times []time.Duration
	start := time.Now()
	for len(times) < MinRuns || time.Since(start) < minTime {
		t0 := time.Now()
		if err := p.run(); err != nil {
			return res, fmt.Errorf("bench %s: call %d: %w", w.Name, len(times)+1, err)
		}
		times = append(times, time.Since(t0))
		if w.Single {
			break
		}
	}
	res.Runs = len(times)
	res.MsPerOp = median(times).Seconds() * 1e3 / float64(w.steps())
	if w.Work > 0 && res.MsPerOp > 0 {
		res.GFLOPS = w.Work / (res.MsPerOp / 1e3) / 1e9
	}
	if p.value != nil {
		v, err := p.value()
		if err != nil {
			return res, fmt.Errorf("bench %s: check value: %w", w.Name, err)
		}
		res.Check = &v
	}
	return res, nil
}

// Close releases what the workload allocated.
func (p *Prepared) Close() {
	if p.cleanup != nil {
		p.cleanup()
		p.cleanup = nil
	}
}

// build sets w up through its internal setup when it has one (so that the
// check value is available), through Setup otherwise.
func (w Workload) build() (run func() error, value func() (float64, error), cleanup func(), err error) {
	if w.setup == nil {
		run, cleanup, err = w.Setup()
		if err != nil {
			return nil, nil, nil, err
		}
		return run, nil, cleanup, nil
	}
	inst, err := w.setup()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("bench %s: %w", w.Name, err)
	}
	return inst.run, inst.value, inst.cleanup, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MatmulSizes are the sizes N of the matmul-N workloads.
var MatmulSizes = []int{128, 256, 512, 1024}

// Workloads lists every workload, in the order reports show them.
func Workloads() []Workload {
	ws := []Workload{execOverhead()}
	for _, n := range MatmulSizes {
		ws = append(ws, matmulWorkload(n))
	}
	return append(ws,
		eosToyStep(),
		mnistStep(),
		mnistHVP(),
		loraStep(),
		eosQuickPreset(),
		loraQuickPreset(),
	)
}

// Select returns the workloads whose names match the regular expression
// pattern (all of them for ""). No match is an error.
func Select(pattern string) ([]Workload, error) {
	all := Workloads()
	if pattern == "" {
		return all, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("bench: bad workload pattern %q: %w", pattern, err)
	}
	var ws []Workload
	var names []string
	for _, w := range all {
		names = append(names, w.Name)
		if re.MatchString(w.Name) {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return nil, fmt.Errorf("bench: no workload matches %q (workloads: %v)", pattern, names)
	}
	return ws, nil
}
