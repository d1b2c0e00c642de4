package claims_test

import (
	"fmt"
	"math"

	"theorylab/pkg/claims"
)

func Example() {
	tStar := []float64{1500, 1600, 1700} // first step with sharpness ≥ 2/η, per seed
	steps := 8000.0
	passes := make([]bool, len(tStar))
	for i, t := range tStar {
		passes[i] = t <= 0.25*steps
	}
	l := claims.List{{
		ID:        "EOS-1",
		Statement: "Sharpness reaches 2/η early in training.",
		PaperRef:  "abstract; Fig. 1",
		Threshold: "t* ≤ 25% of the run in ≥ 2 of 3 seeds",
		Measured:  claims.Median(tStar),
		Detail:    "t* = " + claims.Nums(tStar) + " (" + claims.Tally(passes) + " seeds)",
		Pass:      claims.Majority(passes, 2),
	}, {
		ID:        "EOS-4",
		Statement: "The loss falls over long time spans.",
		PaperRef:  "abstract",
		Threshold: "final loss ≤ 0.3 × initial in ≥ 2 of 3 seeds",
		Measured:  math.NaN(),
		Reason:    "seed 2 diverged",
	}}
	fmt.Print(l.Text())
	// Output:
	// ID     RESULT  MEASURED  THRESHOLD                                     PAPER
	// EOS-1  PASS    1600      t* ≤ 25% of the run in ≥ 2 of 3 seeds         abstract; Fig. 1
	//        Sharpness reaches 2/η early in training.
	//        t* = 1500, 1600, 1700 (3/3 seeds)
	// EOS-4  FAIL    NaN       final loss ≤ 0.3 × initial in ≥ 2 of 3 seeds  abstract
	//        The loss falls over long time spans.
	//        reason: seed 2 diverged
	// 1/2 claims pass; 1 fails: EOS-4
}

func ExampleMajority() {
	perSeed := []bool{true, false, true}
	fmt.Println(claims.Majority(perSeed, 2), claims.Tally(perSeed))
	// Output: true 2/3
}

func ExampleFractionIn() {
	ratio := []float64{0.9, 1.02, 1.1, 1.3} // sharpness·η/2 over the second half
	fmt.Println(claims.Pct(claims.FractionIn(ratio, 0.85, 1.15)))
	// Output: 75%
}

func ExampleNum() {
	fmt.Println(claims.Num(1600), claims.Num(0.85123), claims.Num(2.5e7), claims.Num(math.NaN()))
	// Output: 1600 0.851 2.5e+07 NaN
}

func ExampleList_Markdown() {
	l := claims.List{{ID: "LR-1", Statement: "Rank 4 matches full fine-tuning.", PaperRef: "Table 2",
		Measured: 0.012, Threshold: "accuracy gap ≤ 0.02", Pass: true}}
	fmt.Print(l.Markdown())
	// Output:
	// | ID | Result | Measured | Threshold | Claim | Paper |
	// |---|---|---|---|---|---|
	// | LR-1 | PASS | 0.012 | accuracy gap ≤ 0.02 | Rank 4 matches full fine-tuning. | Table 2 |
	//
	// 1/1 claims pass
}

func ExampleList_Display() {
	// Outside a notebook, Display prints the Text table; in GoNB it shows List.HTML inline.
	claims.List{{ID: "R-1", Statement: "Robust fits need more parameters.", PaperRef: "Thm. 1",
		Measured: 0.93, Threshold: "slope ≥ 0.8", Pass: true}}.Display()
	// Output:
	// ID   RESULT  MEASURED  THRESHOLD    PAPER
	// R-1  PASS    0.93      slope ≥ 0.8  Thm. 1
	//      Robust fits need more parameters.
	// 1/1 claims pass
}

// Claims as data: the rule's words come from the very thresholds it compares.
func ExampleSet() {
	type results struct{ tStar, steps []float64 } // first step with S ≥ 2/η, and the run length, per seed
	early := claims.AtMost(0.25).Percent()        // t*/T
	set := claims.Set[results]{{
		ID: "EOS-1", Statement: "Sharpness reaches 2/η early in training.", PaperRef: "abstract; Fig. 1",
		Measure: func(r results) claims.Measurement {
			frac := make([]float64, len(r.tStar))
			passes := make([]bool, len(r.tStar))
			for i := range frac {
				frac[i] = r.tStar[i] / r.steps[i]
				passes[i] = early.Holds(frac[i])
			}
			return claims.Measurement{
				Value:  claims.MajorityValue(frac, 2, false),
				Rule:   "t*/T " + early.String() + " in ≥ 2 of 3 seeds",
				Pass:   claims.Majority(passes, 2),
				Detail: "t*/T = " + claims.Nums(frac) + " (" + claims.Tally(passes) + ")",
			}
		},
	}}
	fmt.Print(set.Evaluate(results{tStar: []float64{1500, 1600, 9000}, steps: []float64{20000, 20000, 20000}}).Text())
	// Output:
	// ID     RESULT  MEASURED  THRESHOLD                     PAPER
	// EOS-1  PASS    0.08      t*/T ≤ 25% in ≥ 2 of 3 seeds  abstract; Fig. 1
	//        Sharpness reaches 2/η early in training.
	//        t*/T = 0.075, 0.08, 0.45 (2/3)
	// 1/1 claims pass
}
