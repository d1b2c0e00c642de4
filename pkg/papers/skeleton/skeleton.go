package skeleton

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

// Paper describes the paper to start.
type Paper struct {
	Name    string // package and command-line name: lower-case letters and digits ("adamgd")
	Number  int    // the lab's number: notebooks/NN-SLUG.ipynb
	Title   string
	Authors string // "Zou, Cao, Li, Gu (ICLR 2023)"
	Slug    string // the notebook's and docs page's name after NN-: "adam-vs-gd"
}

// NN is the number as two digits.
func (p Paper) NN() string { return fmt.Sprintf("%02d", p.Number) }

// Upper is the claim ID prefix: "ADAMGD".
func (p Paper) Upper() string { return strings.ToUpper(p.Name) }

// planned are the papers the lab has specifications for (see the shared
// papers/README.md), so that `theorylab new adamgd` needs no other argument.
var planned = []Paper{
	{"eos", 1, "Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability", "Cohen, Kaur, Li, Kolter, Talwalkar (ICLR 2021)", "edge-of-stability"},
	{"adamgd", 2, "Understanding the Generalization of Adam in Learning Neural Networks with Proper Regularization", "Zou, Cao, Li, Gu (ICLR 2023)", "adam-vs-gd"},
	{"onesided", 3, "On the One-sided Convergence of Adam-type Algorithms in Non-convex Non-concave Min-max Optimization", "Dou, Li (arXiv 2021)", "adam-one-sided-gan"},
	{"lora", 4, "LoRA: Low-Rank Adaptation of Large Language Models", "Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen (ICLR 2022)", "lora"},
	{"contrastive", 5, "Toward Understanding the Feature Learning Process of Self-supervised Contrastive Learning", "Wen, Li (ICML 2021)", "contrastive"},
	{"superres", 6, "Forward Super-Resolution: How Can GANs Learn Hierarchical Generative Models for Real-World Distributions", "Allen-Zhu, Li (ICLR 2023)", "forward-super-resolution"},
	{"multiview", 7, "Towards Understanding Ensemble, Knowledge Distillation and Self-Distillation in Deep Learning", "Allen-Zhu, Li (ICLR 2023)", "ensemble-distillation"},
	{"robustness", 8, "A Law of Robustness for Two-Layers Neural Networks", "Bubeck, Li, Nagaraj (COLT 2021)", "law-of-robustness"},
	{"epw", 9, "Sample Efficient Reinforcement Learning In Continuous State Spaces: A Perspective Beyond Linearity", "Malik, Pacchiano, Srinivasan, Li (ICML 2021)", "effective-planning-window"},
	{"proximity", 10, "When Is Generalizable Reinforcement Learning Tractable?", "Malik, Li, Ravikumar (NeurIPS 2021)", "proximity-generalization"},
}

var (
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// reserved are names a paper package cannot take: the kit's own packages
	// under pkg/papers, and packages a paper's files import by that name.
	reserved = []string{"all", "config", "papertest", "skeleton", "papers", "claims", "plot", "runs", "train", "data",
		"hessian", "backend", "notebook", "progress", "linalg", "mlp", "tensorconv", "sweep", "graph", "tensors",
		"dtypes", "fmt", "math", "rand", "errors", "strings", "testing", "time", "slices", "sort", "os"}
)

// CheckName says why name cannot be a paper's name, or returns nil.
func CheckName(name string) error {
	switch {
	case !namePattern.MatchString(name):
		return fmt.Errorf("paper name %q: use lower-case letters and digits, starting with a letter (it is a Go package name and the command line's name)", name)
	case token.IsKeyword(name) || slices.Contains(reserved, name):
		return fmt.Errorf("paper name %q is taken by Go or by the lab's own packages; choose another", name)
	}
	return nil
}

// Defaults fills what p leaves empty: for a paper of the lab's table its
// number, title, authors and slug; otherwise the next free number after the
// notebooks in root, the name as slug, and TODO title and authors.
func Defaults(root string, p Paper) (Paper, error) {
	if err := CheckName(p.Name); err != nil {
		return p, err
	}
	known, isPlanned := Planned(p.Name)
	if p.Number == 0 {
		if isPlanned {
			p.Number = known.Number
		} else {
			used, err := notebookNumbers(root)
			if err != nil {
				return p, err
			}
			p.Number = 11 // after the lab's ten
			for n := range used {
				p.Number = max(p.Number, n+1)
			}
		}
	}
	fill := func(s *string, planned, fallback string) {
		if *s == "" {
			if isPlanned {
				*s = planned
			} else {
				*s = fallback
			}
		}
	}
	fill(&p.Title, known.Title, "TODO: the paper's title")
	fill(&p.Authors, known.Authors, "TODO: authors (venue, year)")
	fill(&p.Slug, known.Slug, p.Name)
	return p, nil
}

// Planned returns the lab's specification entry for name, if it has one.
func Planned(name string) (Paper, bool) {
	for _, p := range planned {
		if p.Name == name {
			return p, true
		}
	}
	return Paper{}, false
}

// notebookNumbers maps the NN of every notebooks/NN-*.ipynb to its file.
func notebookNumbers(root string) (map[int]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	if err != nil {
		return nil, err
	}
	used := map[int]string{}
	for _, f := range files {
		nn, _, ok := strings.Cut(filepath.Base(f), "-")
		if n, err := strconv.Atoi(nn); ok && err == nil {
			used[n] = f
		}
	}
	return used, nil
}

//go:embed files/*.tmpl
var templates embed.FS

// Write writes the skeleton of paper p into the repository at root and
// returns the paths it wrote, relative to root. Nothing is written when the
// name is bad or taken, the number is in use, or any file fails to render;
// the files are written into a temporary folder inside root first and moved
// into place at the end (a failed move takes back the moves before it).
func Write(root string, p Paper) ([]string, error) {
	if err := CheckName(p.Name); err != nil {
		return nil, err
	}
	if p.Number < 1 || p.Number > 99 {
		return nil, fmt.Errorf("number %d: want 1 … 99 (it names notebooks/NN-…)", p.Number)
	}
	if !slugPattern.MatchString(p.Slug) {
		return nil, fmt.Errorf("slug %q: use lower-case words joined by hyphens", p.Slug)
	}
	if strings.TrimSpace(p.Title) == "" || strings.TrimSpace(p.Authors) == "" {
		return nil, errors.New("a title and the authors are needed")
	}
	pkgRel := filepath.Join("pkg", "papers", p.Name)
	nbRel := filepath.Join("notebooks", p.NN()+"-"+p.Slug+".ipynb")
	docRel := filepath.Join("docs", p.NN()+"-"+p.Slug+".md")
	allRel := filepath.Join("pkg", "papers", "all", "all.go")
	for _, rel := range []string{pkgRel, nbRel, docRel} {
		if _, err := os.Stat(filepath.Join(root, rel)); err == nil {
			return nil, fmt.Errorf("%s already exists: paper %q is taken (choose another name, or remove it first)", rel, p.Name)
		}
	}
	used, err := notebookNumbers(root)
	if err != nil {
		return nil, err
	}
	if f, taken := used[p.Number]; taken {
		return nil, fmt.Errorf("number %s is taken by %s (choose another with --number)", p.NN(), filepath.Base(f))
	}

	// Render everything in memory.
	goFiles := map[string][]byte{}
	for tmpl, out := range map[string]string{
		"doc.go": "doc.go", "config.go": "config.go", "run.go": "run.go", "claims.go": "claims.go",
		"figures.go": "figures.go", "paper.go": "paper.go", "paper_test.go": p.Name + "_test.go",
		"example_test.go": "example_test.go",
	} {
		src, err := render(tmpl+".tmpl", p)
		if err != nil {
			return nil, err
		}
		if goFiles[out], err = format.Source(src); err != nil {
			return nil, fmt.Errorf("skeleton: %s does not format: %w", out, err)
		}
	}
	doc, err := render("doc.md.tmpl", p)
	if err != nil {
		return nil, err
	}
	nb, err := notebook(root, p)
	if err != nil {
		return nil, err
	}
	allGo, err := register(filepath.Join(root, allRel), p)
	if err != nil {
		return nil, err
	}

	// Write it all into a temporary folder, then move it into place.
	tmp, err := os.MkdirTemp(root, ".theorylab-new-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(filepath.Join(tmp, "pkg"), 0o755); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(goFiles))
	for name := range goFiles {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(tmp, "pkg", name), goFiles[name], 0o644); err != nil {
			return nil, err
		}
	}
	staged := []struct{ from, to string }{
		{filepath.Join(tmp, "pkg"), pkgRel},
		{filepath.Join(tmp, "notebook.ipynb"), nbRel},
		{filepath.Join(tmp, "doc.md"), docRel},
		{filepath.Join(tmp, "all.go"), allRel},
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{staged[1].from, nb}, {staged[2].from, doc}, {staged[3].from, allGo}} {
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			return nil, err
		}
	}
	var moved []string
	for _, s := range staged {
		if err := os.Rename(s.from, filepath.Join(root, s.to)); err != nil {
			for _, m := range moved[:min(len(moved), 3)] { // all.go is last: the others are new files and folders
				os.RemoveAll(filepath.Join(root, m))
			}
			return nil, fmt.Errorf("moving %s into place: %w (nothing was left behind)", s.to, err)
		}
		moved = append(moved, s.to)
	}
	written := []string{}
	for _, name := range names {
		written = append(written, filepath.Join(pkgRel, name))
	}
	return append(written, nbRel, docRel, allRel), nil
}

func render(name string, p Paper) ([]byte, error) {
	t, err := template.New(name).Delims("⟪", "⟫").ParseFS(templates, "files/"+name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	data := map[string]any{"Name": p.Name, "Number": p.Number, "NN": p.NN(), "Title": p.Title, "Authors": p.Authors,
		"Slug": p.Slug, "Upper": p.Upper()}
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("skeleton: %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// register returns all.go with the paper's import line added.
func register(path string, p Paper) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the registration file: %w", err)
	}
	imp := strconv.Quote("theorylab/pkg/papers/" + p.Name)
	if bytes.Contains(src, []byte(imp)) {
		return nil, fmt.Errorf("%s already registers %s", path, imp)
	}
	s := string(src)
	start := strings.Index(s, "import (")
	end := strings.Index(s[max(start, 0):], "\n)")
	if start < 0 || end < 0 {
		return nil, fmt.Errorf("%s: no import block to add the paper to", path)
	}
	end += start
	line := fmt.Sprintf("\n\t_ %s // %s %s", imp, p.NN(), oneLine(p.Title, 60))
	out, err := format.Source([]byte(s[:end] + line + s[end:]))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// cellID is a stable 12-hex-digit cell id.
func cellID(p Paper, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", p.Name, i)))
	return hex.EncodeToString(sum[:])[:12]
}

// firstCell returns the first code cell and the metadata of an existing
// paper notebook (the lowest-numbered one), so that the new notebook starts
// like every other, whatever that first cell says today.
func firstCell(root string) (string, map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(root, "notebooks", "[0-9][0-9]-*.ipynb"))
	if err != nil || len(files) == 0 {
		return "", nil, fmt.Errorf("no notebook in %s to copy the first cell from", filepath.Join(root, "notebooks"))
	}
	sort.Strings(files)
	data, err := os.ReadFile(files[0])
	if err != nil {
		return "", nil, err
	}
	var nb struct {
		Cells []struct {
			Type   string          `json:"cell_type"`
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return "", nil, fmt.Errorf("%s: %w", files[0], err)
	}
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		var lines []string
		if json.Unmarshal(c.Source, &lines) != nil {
			var one string
			if err := json.Unmarshal(c.Source, &one); err != nil {
				return "", nil, err
			}
			lines = []string{one}
		}
		return strings.Join(lines, ""), nb.Metadata, nil
	}
	return "", nil, fmt.Errorf("%s has no code cell", files[0])
}

// notebook renders notebooks/NN-SLUG.ipynb.
func notebook(root string, p Paper) ([]byte, error) {
	first, meta, err := firstCell(root)
	if err != nil {
		return nil, err
	}
	// Fields in the order nbformat writes them.
	type codeCell struct {
		Type   string         `json:"cell_type"`
		Count  *int           `json:"execution_count"`
		ID     string         `json:"id"`
		Meta   map[string]any `json:"metadata"`
		Output []any          `json:"outputs"`
		Source []string       `json:"source"`
	}
	type markdownCell struct {
		Type   string         `json:"cell_type"`
		ID     string         `json:"id"`
		Meta   map[string]any `json:"metadata"`
		Source []string       `json:"source"`
	}
	var cells []any
	add := func(kind, src string) {
		id := cellID(p, len(cells))
		if kind == "code" {
			cells = append(cells, codeCell{Type: kind, ID: id, Meta: map[string]any{}, Output: []any{}, Source: sourceLines(src)})
		} else {
			cells = append(cells, markdownCell{Type: kind, ID: id, Meta: map[string]any{}, Source: sourceLines(src)})
		}
	}
	add("code", first)
	for _, c := range notebookCells(p) {
		add(c[0], c[1])
	}
	nb := map[string]any{"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
	out, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// sourceLines splits a cell's text the way Jupyter stores it.
func sourceLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
