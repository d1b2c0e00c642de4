package exercise

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestStripSolutionsCode(t *testing.T) {
	src := "func step(x float64) float64 {\n" +
		"\t// BEGIN SOLUTION\n" +
		"\treturn x / 2\n" +
		"\t// END SOLUTION\n" +
		"}\n" +
		"%%\n" +
		"// BEGIN SOLUTION\n" +
		"// STUB: guess := 0.0 // ← your prediction\n" +
		"guess := 0.5\n" +
		"// END SOLUTION\n" +
		"exercise.Close(\"1\", step(1), guess, 0)"
	got, n, err := StripSolutions(src, "code")
	if err != nil || n != 2 {
		t.Fatalf("StripSolutions: %d blocks, %v", n, err)
	}
	want := "func step(x float64) float64 {\n" +
		"\t// TODO(exercise): your code here.\n" +
		"\tpanic(\"exercise not done yet: replace this panic with your code\")\n" +
		"}\n" +
		"%%\n" +
		"guess := 0.0 // ← your prediction\n" +
		"exercise.Close(\"1\", step(1), guess, 0)"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if sol := SolutionLines(src, "code"); len(sol) != 2 || strings.TrimSpace(sol[0]) != "return x / 2" || sol[1] != "guess := 0.5" {
		t.Errorf("SolutionLines = %q", sol)
	}
}

func TestStripSolutionsMarkdown(t *testing.T) {
	src := "**Exercise 1.2.** Why?\n\n<!-- BEGIN SOLUTION -->\nBecause 2/η.\n<!-- END SOLUTION -->\n"
	got, n, err := StripSolutions(src, "markdown")
	if err != nil || n != 1 {
		t.Fatalf("%d blocks, %v", n, err)
	}
	if want := "**Exercise 1.2.** Why?\n\n" + DefaultMarkdownStub[0] + "\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	src = "Q\n<!-- BEGIN SOLUTION -->\n<!-- STUB: *Answer:* ... -->\nA\n<!-- END SOLUTION -->"
	if got, _, _ := StripSolutions(src, "markdown"); got != "Q\n*Answer:* ..." {
		t.Errorf("markdown stub: %q", got)
	}
	// Code markers mean nothing in Markdown, and the other way round.
	if got, n, _ := StripSolutions("// BEGIN SOLUTION\nx", "markdown"); n != 0 || got != "// BEGIN SOLUTION\nx" {
		t.Errorf("code marker in markdown: %q, %d", got, n)
	}
	if got, n, _ := StripSolutions("<!-- BEGIN SOLUTION -->", "raw"); n != 0 || got != "<!-- BEGIN SOLUTION -->" {
		t.Errorf("raw cell changed: %q", got)
	}
}

func TestStripSolutionsErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a\n// END SOLUTION\n", "line 2"},
		{"// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION", "inside the solution block opened on line 1"},
		{"x\n// BEGIN SOLUTION\ny", "never closed"},
		{"// STUB: x", "outside a solution block"},
	} {
		if _, _, err := StripSolutions(c.src, "code"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %q", c.src, err, c.want)
		}
	}
}

func TestStudent(t *testing.T) {
	nb := `{"cells": [
  {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# T\n", "<!-- BEGIN SOLUTION -->\n", "secret answer\n", "<!-- END SOLUTION -->"]},
  {"cell_type": "code", "id": "c1", "metadata": {"execution": {"x": 1}, "tags": ["exercise"]}, "execution_count": 3,
   "outputs": [{"output_type": "stream", "name": "stdout", "text": "secret output"}],
   "source": "%%\n// BEGIN SOLUTION\nx := 42 // secret\n// END SOLUTION\nfmt.Println(x < 50 && x > 1)"}
 ],
 "metadata": {"kernelspec": {"name": "gonb", "display_name": "Go (GoNB)", "language": "go"}},
 "nbformat": 4, "nbformat_minor": 5}`
	out, n, err := Student([]byte(nb))
	if err != nil || n != 2 {
		t.Fatalf("Student: %d blocks, %v", n, err)
	}
	text := string(out)
	for _, leak := range []string{"secret", "BEGIN SOLUTION", "END SOLUTION", `"execution"`} {
		if strings.Contains(text, leak) {
			t.Errorf("student copy contains %q:\n%s", leak, text)
		}
	}
	var back struct {
		Cells []struct {
			CellType       string          `json:"cell_type"`
			ID             string          `json:"id"`
			Source         []string        `json:"source"`
			Outputs        []any           `json:"outputs"`
			ExecutionCount *int            `json:"execution_count"`
			Metadata       json.RawMessage `json:"metadata"`
		} `json:"cells"`
		Metadata      map[string]any `json:"metadata"`
		NBFormat      int            `json:"nbformat"`
		NBFormatMinor int            `json:"nbformat_minor"`
	}
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Cells) != 2 || back.Cells[0].ID != "m1" || back.Cells[1].ID != "c1" || back.NBFormat != 4 || back.NBFormatMinor != 5 {
		t.Errorf("cells or format changed: %+v", back)
	}
	if c := back.Cells[1]; c.Outputs == nil || len(c.Outputs) != 0 || c.ExecutionCount != nil || !strings.Contains(string(c.Metadata), `"exercise"`) {
		t.Errorf("code cell: %+v", c)
	}
	if got := strings.Join(back.Cells[1].Source, ""); !strings.HasPrefix(got, "%%\n// TODO(exercise)") || !strings.HasSuffix(got, "fmt.Println(x < 50 && x > 1)") {
		t.Errorf("code source: %q", got)
	}
	if !strings.Contains(text, "x < 50 && x > 1") {
		t.Error("< and > must not be escaped")
	}
	if _, ok := back.Metadata["kernelspec"]; !ok {
		t.Error("kernelspec lost")
	}

	if _, _, err := Student([]byte(`{"cells": [{"cell_type": "code", "source": "x\n// END SOLUTION"}]}`)); err == nil || !strings.Contains(err.Error(), "cell 1: line 2") {
		t.Errorf("bad markers: %v", err)
	}
	if _, _, err := Student([]byte(`not json`)); err == nil {
		t.Error("not JSON: no error")
	}
}

func ExampleStripSolutions() {
	cell := `// Exercise: one GD step on L(x) = ½·a·x².
func gdStep(x, a, eta float64) float64 {
	// BEGIN SOLUTION
	return x - eta*a*x
	// END SOLUTION
}`
	student, n, _ := StripSolutions(cell, "code")
	fmt.Println(n, "solution block replaced:")
	fmt.Println(student)
	// Output:
	// 1 solution block replaced:
	// // Exercise: one GD step on L(x) = ½·a·x².
	// func gdStep(x, a, eta float64) float64 {
	// 	// TODO(exercise): your code here.
	// 	panic("exercise not done yet: replace this panic with your code")
	// }
}
