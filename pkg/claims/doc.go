// Package claims turns a paper's sentences into numbers with thresholds and
// reports them as PASS or FAIL, the same way in the places TheoryLab shows
// results: a notebook (List.HTML, List.Display), the command line
// (List.Text), results.json (Claim's JSON), the docs (List.Markdown) and the
// tests (Require).
//
// Claims are data. A paper declares each claim once, as a Def: its ID, its
// statement, its paper reference and a Measure function that reads the
// paper's Results. The comparison is a Threshold value, and the rule's words
// are generated from that same value, so no threshold is typed twice:
//
//	var early = claims.AtMost(0.25).Percent() // t*/T; prints as "≤ 25%"
//
//	var sharpensEarly = claims.Def[*Results]{
//		ID: "EOS-1", PaperRef: "abstract; Fig. 1",
//		Statement: "Sharpness reaches 2/η early in training.",
//		Measure: func(res *Results) claims.Measurement {
//			frac := crossingFractions(res) // t*/T per seed
//			passes := … early.Holds(frac[i]) …
//			return claims.Measurement{Value: claims.MajorityValue(frac, need, false),
//				Rule: "t*/T " + early.String() + ", in ≥ 2 of 3 seeds", Pass: claims.Majority(passes, need)}
//		},
//	}
//
// A Set of Defs is a paper's claims; Set.Evaluate returns the List of
// evaluated Claims for one run. A claim is about the paper's phenomenon and
// can fail; engineering invariants (shapes, zero update at init, merge
// equality, parameter counts) are tests of the method, not claims.
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
//   - A Def may document its failure as a Finding, for one direction of
//     failure: the rule as a whole, or named Parts of a rule with several
//     conditions. Only a failure in that direction is marked (Claim.Finding,
//     marker CLAIM-FINDING); it still reads FAIL. Any other failure is an
//     ordinary one, and its reason says it is not the documented finding.
//     A finding needs the same failure in at least 8 of 10 replicates; a Def
//     that records its sweep with fewer is invalid.
//   - A Def may record its last 10-replicate sweep (Def.Sweep) when the claim
//     is not reproduced there, or when replicate 0 — the run from seed 0 that
//     the tests and notebooks make — is one it failed. The claim is shown
//     with its sweep ("passes in 4 of 10 replicates: not reproduced"), a
//     failure still reads FAIL (marker CLAIM-RECORDED-FAIL), and the paper's
//     Go test requires seed 0 to give the recorded outcome. This is how a
//     claim that is neither reproduced nor a finding is shown honestly
//     without failing every test run: never turn it into a Target.
//
// Every HTML row carries a machine-readable marker in its data-claim
// attribute (see Claim.Marker): CLAIM-PASS, CLAIM-FAIL, CLAIM-FINDING,
// CLAIM-RECORDED-FAIL, CLAIM-TARGET-MET or CLAIM-TARGET-MISSED. The notebook
// test runner fails a notebook whose outputs contain CLAIM-FAIL.
//
// JSON: Measured is written as a number, NaN as null and ±Inf as the strings
// "+Inf" and "-Inf" (plain encoding/json cannot encode them); decoding
// restores them, and a missing or null measured value decodes as NaN.
//
// The helpers Majority, StrictMajority, MajorityValue, CountTrue, Tally,
// Median, Mean, Min, Max and FractionIn implement the usual rules; Num, Nums,
// Pct and Each format numbers for tables and Detail strings.
package claims
