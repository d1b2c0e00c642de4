// Command sweep runs one paper's preset for several seeds and prints, per
// claim, how many seeds pass and the median and range of the measured value,
// as a Markdown table (a stand-in until `theorylab sweep` exists):
//
//	go run ./pkg/papers/epw/sweep -paper epw -preset quick -seeds 0-9
//
// Each seed goes through the results cache, so a second call is fast.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
)

func main() {
	paper := flag.String("paper", "epw", "paper name")
	preset := flag.String("preset", "quick", "preset")
	seeds := flag.String("seeds", "0-9", "seed range a-b")
	flag.Parse()
	lo, hi, err := parseRange(*seeds)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p, err := papers.Lookup(*paper)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	type column struct {
		statement string
		pass      int
		measured  []float64
		failures  []string
	}
	cols := map[string]*column{}
	var order []string
	var backend string
	var seconds []float64
	for seed := lo; seed <= hi; seed++ {
		out, err := p.Run(*preset, seed)
		if err != nil {
			fmt.Fprintf(os.Stderr, "seed %d: %v\n", seed, err)
			os.Exit(1)
		}
		backend = out.Manifest.Backend
		seconds = append(seconds, out.Manifest.ElapsedSeconds)
		fmt.Fprintf(os.Stderr, "seed %d: %s (%.0fs, cache hit %v)\n", seed, out.Claims.Summary(), out.Manifest.ElapsedSeconds, out.CacheHit)
		for _, c := range out.Claims {
			col, ok := cols[c.ID]
			if !ok {
				col = &column{statement: c.Statement}
				cols[c.ID] = col
				order = append(order, c.ID)
			}
			col.measured = append(col.measured, c.Measured)
			if c.Passed() {
				col.pass++
			} else {
				col.failures = append(col.failures, fmt.Sprintf("seed %d: %s", seed, c.FailureReason()))
			}
		}
	}
	n := hi - lo + 1
	fmt.Printf("%s, preset %s, seeds %d–%d, backend %s, median run %.0fs\n\n", *paper, *preset, lo, hi, backend, claims.Median(seconds))
	fmt.Println("| claim | seeds passing | reproduced (≥ 8 of 10) | measured: median | range |")
	fmt.Println("|---|---|---|---|---|")
	for _, id := range order {
		c := cols[id]
		verdict := "yes"
		if c.pass*10 < 8*n {
			verdict = "**no**"
		}
		fmt.Printf("| %s | %d/%d | %s | %s | %s – %s |\n", id, c.pass, n, verdict,
			claims.Num(claims.Median(finite(c.measured))), claims.Num(minOf(c.measured)), claims.Num(maxOf(c.measured)))
	}
	for _, id := range order {
		if f := cols[id].failures; len(f) > 0 {
			fmt.Printf("\n%s failures:\n", id)
			for _, line := range f {
				fmt.Printf("- %s\n", line)
			}
		}
	}
}

func parseRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("seeds: want a-b with 0 ≤ a ≤ b, got %q", s)
	}
	return lo, hi, nil
}

func finite(xs []float64) []float64 {
	var out []float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

func minOf(xs []float64) float64 { return slices.Min(append([]float64{math.Inf(1)}, finite(xs)...)) }
func maxOf(xs []float64) float64 { return slices.Max(append([]float64{math.Inf(-1)}, finite(xs)...)) }
