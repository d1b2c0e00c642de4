package claims

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	text := sample().Text()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[len(lines)-1] != sample().Summary() {
		t.Errorf("last line = %q, want the summary", lines[len(lines)-1])
	}
	// Table rows start at column 0; their columns line up (counted in runes,
	// since thresholds use ≤ and η).
	var rows []string
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, " ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 1+len(sample()) {
		t.Fatalf("got %d table rows, want %d:\n%s", len(rows), 1+len(sample()), text)
	}
	col := func(line, word string) int {
		i := strings.Index(line, word)
		if i < 0 {
			t.Fatalf("%q not in %q", word, line)
		}
		return utf8.RuneCountInString(line[:i])
	}
	thr := col(rows[0], "THRESHOLD")
	for i, c := range sample() {
		if got := col(rows[i+1], c.Threshold); got != thr {
			t.Errorf("row %s: threshold at column %d, header at %d\n%s", c.ID, got, thr, text)
		}
	}
	for _, want := range []string{"EOS-1  PASS", "t* = 1500, 1600, 1700 (3/3 seeds)", "reason: sharpness fell below the band",
		"TARGET MISSED", "Sharpness reaches 2/η early."} {
		if !strings.Contains(text, want) {
			t.Errorf("Text lacks %q:\n%s", want, text)
		}
	}
}

func TestMarkdown(t *testing.T) {
	l := List{{ID: "A|1", Statement: "x | y\nz", Measured: 2, Threshold: "a<b", PaperRef: "§1", Pass: true}}
	got := l.Markdown()
	want := "| ID | Result | Measured | Threshold | Claim | Paper |\n|---|---|---|---|---|---|\n" +
		"| A\\|1 | PASS | 2 | a&lt;b | x \\| y z | §1 |\n\n1/1 claims pass\n"
	if got != want {
		t.Errorf("Markdown =\n%s\nwant\n%s", got, want)
	}
	if md := sample().Markdown(); !strings.Contains(md, "**FAIL**") || !strings.Contains(md, "Reason: sharpness") {
		t.Errorf("Markdown lacks failure marking:\n%s", md)
	}
}

func TestHTML(t *testing.T) {
	l := sample()
	l[0].Statement = `<script>alert("x")</script>`
	got := l.HTML()
	if strings.Contains(got, "<script>") {
		t.Error("HTML does not escape the statement")
	}
	// One marker per row, in order.
	var markers []string
	for _, row := range strings.Split(got, "<tr ")[1:] {
		for _, m := range []string{MarkerTargetMissed, MarkerTargetMet, MarkerFail, MarkerPass} {
			if strings.HasPrefix(row, `data-claim="`+m+`"`) {
				markers = append(markers, m)
				break
			}
		}
	}
	want := []string{MarkerPass, MarkerFail, MarkerFail, MarkerTargetMissed}
	if strings.Join(markers, ",") != strings.Join(want, ",") {
		t.Errorf("row markers = %v, want %v", markers, want)
	}
	if strings.Count(got, MarkerFail) != 2 {
		t.Errorf("CLAIM-FAIL appears %d times, want 2", strings.Count(got, MarkerFail))
	}
	passing := List{sample()[0], sample()[3]}.HTML()
	if strings.Contains(passing, MarkerFail) {
		t.Error("a passing list (with a missed target) contains CLAIM-FAIL")
	}
	for _, want := range []string{"#cf222e", "#1a7f37", "1/3 claims pass", "Reason: sharpness fell below the band"} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
