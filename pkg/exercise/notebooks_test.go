package exercise

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// nbCell is the part of a notebook cell these tests read.
type nbCell struct {
	CellType string          `json:"cell_type"`
	ID       string          `json:"id"`
	Source   json.RawMessage `json:"source"`
	Outputs  []any           `json:"outputs"`
}

func readCells(t *testing.T, data []byte) []nbCell {
	t.Helper()
	var nb struct {
		Cells    []nbCell `json:"cells"`
		NBFormat int      `json:"nbformat"`
	}
	if err := json.Unmarshal(data, &nb); err != nil || nb.NBFormat != 4 {
		t.Fatalf("not an nbformat 4 notebook (nbformat %d): %v", nb.NBFormat, err)
	}
	return nb.Cells
}

func cellSource(t *testing.T, c nbCell) string {
	t.Helper()
	s, err := sourceText(c.Source)
	if err != nil {
		t.Fatalf("cell %s: %v", c.ID, err)
	}
	return s
}

// goFile turns a GoNB cell into a Go file that go/parser can check: GoNB's special lines
// ("!shell", "%%", "%env …", with "\" continuations) are dropped, imports are hoisted to the
// top, and what follows "%%" becomes the body of main.
func goFile(cell string) string {
	var imports, decls, body []string
	inBody, continued, inImport := false, false, false
	for _, line := range strings.Split(cell, "\n") {
		if continued {
			continued = strings.HasSuffix(line, `\`)
			continue
		}
		if strings.HasPrefix(line, "!") || strings.HasPrefix(line, "%") {
			if strings.TrimSpace(line) == "%%" {
				inBody = true
			}
			continued = strings.HasSuffix(line, `\`)
			continue
		}
		switch {
		case inImport:
			imports = append(imports, line)
			inImport = strings.TrimSpace(line) != ")"
		case !inBody && strings.HasPrefix(line, "import ("):
			imports = append(imports, line)
			inImport = true
		case !inBody && strings.HasPrefix(line, "import "):
			imports = append(imports, line)
		case inBody:
			body = append(body, line)
		default:
			decls = append(decls, line)
		}
	}
	src := "package main\n" + strings.Join(imports, "\n") + "\n" + strings.Join(decls, "\n") + "\n"
	if inBody {
		src += "func main() {\n" + strings.Join(body, "\n") + "\n}\n"
	}
	return src
}

var checkCall = regexp.MustCompile(`\bexercise\.(Check|Close|CloseAll)\(`)

// TestNotebooks turns every committed notebook into its student copy and checks the copy:
// valid nbformat 4 JSON with the same cells (ids, order, the standard first cell unchanged),
// no outputs, no solution markers, none of the solution lines, and Go code cells that still
// parse. It also checks the exercise convention in the notebook itself: every code cell with a
// solution block ends in an exercise check (tests/run_notebooks.py then requires it to pass).
func TestNotebooks(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "notebooks", "*.ipynb"))
	if len(paths) == 0 {
		t.Fatal("no notebooks found in notebooks/")
	}
	totalBlocks := 0
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out, blocks, err := Student(data)
			if err != nil {
				t.Fatalf("Student: %v", err)
			}
			totalBlocks += blocks
			orig, student := readCells(t, data), readCells(t, out)
			if len(orig) != len(student) {
				t.Fatalf("%d cells became %d", len(orig), len(student))
			}
			// Solution lines that appear nowhere else in the notebook must not be in the copy.
			var outside []string
			var solution []string
			for _, c := range orig {
				src := cellSource(t, c)
				sol := SolutionLines(src, c.CellType)
				solution = append(solution, sol...)
				kept, _, _ := StripSolutions(src, c.CellType)
				outside = append(outside, kept)
			}
			rest := strings.Join(outside, "\n")
			studentText := string(out)
			firstCode := true
			for i, c := range student {
				src := cellSource(t, c)
				if c.ID != orig[i].ID || c.CellType != orig[i].CellType {
					t.Errorf("cell %d: id/type %s/%s became %s/%s", i+1, orig[i].ID, orig[i].CellType, c.ID, c.CellType)
				}
				if len(c.Outputs) > 0 {
					t.Errorf("cell %d: student copy has outputs", i+1)
				}
				if m, ok := markersFor(c.CellType); ok {
					// (A Markdown cell may well mention the code markers, and the other way round.)
					for _, marker := range []string{m.begin, m.end, m.stub} {
						if strings.Contains(src, marker) {
							t.Errorf("cell %d: student copy still contains %q", i+1, marker)
						}
					}
				}
				if c.CellType != "code" {
					continue
				}
				if firstCode && src != cellSource(t, orig[i]) {
					t.Errorf("cell %d: the standard first cell changed in the student copy", i+1)
				}
				firstCode = false
				origSrc := cellSource(t, orig[i])
				for name, s := range map[string]string{"notebook": origSrc, "student copy": src} {
					if _, err := parser.ParseFile(token.NewFileSet(), "cell.go", goFile(s), parser.AllErrors|parser.SkipObjectResolution); err != nil {
						t.Errorf("cell %d (%s): does not parse as Go: %v\n%s", i+1, name, err, goFile(s))
					}
				}
				if strings.Contains(origSrc, CodeBegin) && !checkCall.MatchString(origSrc) {
					t.Errorf("cell %d: has a solution block but no exercise.Check/Close/CloseAll call", i+1)
				}
			}
			for _, line := range solution {
				line = strings.TrimSpace(line)
				if len(line) < 4 || strings.Contains(rest, line) {
					continue // too short to tell, or also outside the solution blocks
				}
				if strings.Contains(studentText, line) {
					t.Errorf("student copy contains the solution line %q", line)
				}
			}
			t.Logf("%s: %d solution blocks", filepath.Base(path), blocks)
		})
	}
	if totalBlocks == 0 {
		t.Error("no notebook has an exercise (solution block)")
	}
}

func TestGoFile(t *testing.T) {
	cell := "!*echo a; \\\n  echo b\nimport \"fmt\"\nfunc f() int { return 1 }\nimport \"os\"\n%%\nfmt.Println(f(), os.Args)"
	src := goFile(cell)
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", src, parser.AllErrors); err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "x.go", goFile("%%\nx := (1"), parser.AllErrors); err == nil {
		t.Error("a syntax error parsed")
	}
}
