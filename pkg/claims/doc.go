// Package claims turns a paper's sentences into numbers with thresholds and
// reports them as PASS or FAIL, the same way in the three places TheoryLab
// shows results: a notebook (List.HTML, List.Display), the command line
// (List.Text) and the tests (Require). Documentation pages use List.Markdown.
//
// A Claim is filled in by a paper package's Claims(Results) function:
//
//	passes := make([]bool, len(tStar))
//	for i, t := range tStar {
//		passes[i] = t <= 0.25*float64(cfg.Steps)
//	}
//	c := claims.Claim{
//		ID:        "EOS-1",
//		Statement: "Sharpness reaches 2/η early in training.",
//		PaperRef:  "abstract; Fig. 1",
//		Threshold: "t* ≤ 25% of the run in ≥ 2 of 3 seeds",
//		Measured:  claims.Median(tStar),
//		Detail:    "t* = " + claims.Nums(tStar) + " (" + claims.Tally(passes) + " seeds)",
//		Pass:      claims.Majority(passes, 2),
//	}
//
// Rules that the renderers and Require enforce, whatever the paper code set:
//
//   - A NaN measured value never passes (Claim.Passed is false), and the
//     claim's failure reason says so when the paper code gave none.
//   - A claim marked Target is an uncalibrated target: it is shown as
//     "TARGET MET" or "TARGET MISSED", is counted separately, and never fails
//     AllPass or Require. Use it only for claims that have not been run or
//     calibrated yet (see the design's "Claims" section); a calibrated claim
//     that fails must stay a failing claim.
//
// Every HTML row carries a machine-readable marker in its data-claim
// attribute (see Claim.Marker): CLAIM-PASS, CLAIM-FAIL, CLAIM-TARGET-MET or
// CLAIM-TARGET-MISSED. The notebook test runner fails a notebook whose
// outputs contain CLAIM-FAIL.
//
// JSON: Measured is written as a number, NaN as null and ±Inf as the strings
// "+Inf" and "-Inf" (plain encoding/json cannot encode them); decoding
// restores them, and a missing or null measured value decodes as NaN.
//
// The helpers Majority, StrictMajority, CountTrue, Tally, Median, Mean, Min,
// Max and FractionIn implement the usual rules; Num, Nums and Pct format
// numbers with three significant digits for tables and Detail strings.
package claims
