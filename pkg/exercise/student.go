package exercise

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Marker lines (see the package documentation). A line is a marker when,
// without its leading white space, it starts with one of these.
const (
	CodeBegin     = "// BEGIN SOLUTION"
	CodeEnd       = "// END SOLUTION"
	CodeStub      = "// STUB:"
	MarkdownBegin = "<!-- BEGIN SOLUTION"
	MarkdownEnd   = "<!-- END SOLUTION"
	MarkdownStub  = "<!-- STUB:"
)

// DefaultCodeStub replaces a code solution block that has no STUB lines.
var DefaultCodeStub = []string{
	"// TODO(exercise): your code here.",
	`panic("exercise not done yet: replace this panic with your code")`,
}

// DefaultMarkdownStub replaces a Markdown solution block that has no STUB lines.
var DefaultMarkdownStub = []string{"**Your answer:** *(double-click this cell and write it here)*"}

type markers struct{ begin, end, stub string }

func markersFor(cellType string) (markers, bool) {
	switch cellType {
	case "code":
		return markers{CodeBegin, CodeEnd, CodeStub}, true
	case "markdown":
		return markers{MarkdownBegin, MarkdownEnd, MarkdownStub}, true
	}
	return markers{}, false
}

// StripSolutions returns a cell's source with every solution block replaced
// by its stub, and the number of blocks. cellType is "code" or "markdown";
// other cells come back unchanged. An END without a BEGIN, a BEGIN inside a
// block, a STUB line outside a block, or a block left open is an error
// naming the line.
func StripSolutions(source, cellType string) (string, int, error) {
	m, ok := markersFor(cellType)
	if !ok {
		return source, 0, nil
	}
	lines := strings.SplitAfter(source, "\n")
	var out []string
	var stubs []string
	blocks, open, indent := 0, 0, ""
	for i, line := range lines {
		if line == "" {
			continue
		}
		text := strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(text, " \t")
		lead := text[:len(text)-len(trimmed)]
		switch {
		case strings.HasPrefix(trimmed, m.begin):
			if open > 0 {
				return "", 0, fmt.Errorf("line %d: %q inside the solution block opened on line %d", i+1, m.begin, open)
			}
			open, indent, stubs = i+1, lead, nil
		case strings.HasPrefix(trimmed, m.end):
			if open == 0 {
				return "", 0, fmt.Errorf("line %d: %q without a %q before it", i+1, m.end, m.begin)
			}
			if len(stubs) == 0 {
				def := DefaultCodeStub
				if cellType == "markdown" {
					def = DefaultMarkdownStub
				}
				for _, s := range def {
					stubs = append(stubs, indent+s)
				}
			}
			for _, s := range stubs {
				out = append(out, s+"\n")
			}
			blocks++
			open = 0
		case strings.HasPrefix(trimmed, m.stub):
			if open == 0 {
				return "", 0, fmt.Errorf("line %d: %q outside a solution block", i+1, m.stub)
			}
			s := strings.TrimPrefix(strings.TrimPrefix(trimmed, m.stub), " ")
			if cellType == "markdown" {
				s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "-->"))
			}
			stubs = append(stubs, lead+s)
		case open > 0:
			// a solution line: dropped
		default:
			out = append(out, line)
		}
	}
	if open > 0 {
		return "", 0, fmt.Errorf("line %d: the solution block is never closed (no %q)", open, m.end)
	}
	result := strings.Join(out, "")
	// Keep the source's own ending: no newline after the last line unless it had one.
	if !strings.HasSuffix(source, "\n") {
		result = strings.TrimSuffix(result, "\n")
	}
	return result, blocks, nil
}

// SolutionLines returns the lines inside a cell's solution blocks (markers
// and STUB lines excluded), for tests that check a student copy leaks none.
func SolutionLines(source, cellType string) []string {
	m, ok := markersFor(cellType)
	if !ok {
		return nil
	}
	var sol []string
	open := false
	for _, line := range strings.Split(source, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, m.begin):
			open = true
		case strings.HasPrefix(trimmed, m.end):
			open = false
		case open && !strings.HasPrefix(trimmed, m.stub):
			sol = append(sol, line)
		}
	}
	return sol
}

// Student returns the student copy of a notebook (the .ipynb JSON): every
// solution block replaced by its stub, outputs, execution counts and
// execution timings removed, everything else (cell ids, metadata, the
// kernelspec) kept. It also returns the number of solution blocks replaced.
// Errors name the cell (1-based) and the line.
func Student(ipynb []byte) ([]byte, int, error) {
	var nb map[string]json.RawMessage
	if err := json.Unmarshal(ipynb, &nb); err != nil {
		return nil, 0, fmt.Errorf("not a notebook: %w", err)
	}
	var cells []map[string]json.RawMessage
	if err := json.Unmarshal(nb["cells"], &cells); err != nil {
		return nil, 0, fmt.Errorf("not a notebook: cells: %w", err)
	}
	total := 0
	for i, cell := range cells {
		var cellType string
		if err := json.Unmarshal(cell["cell_type"], &cellType); err != nil {
			return nil, 0, fmt.Errorf("cell %d: cell_type: %w", i+1, err)
		}
		src, err := sourceText(cell["source"])
		if err != nil {
			return nil, 0, fmt.Errorf("cell %d: source: %w", i+1, err)
		}
		stripped, n, err := StripSolutions(src, cellType)
		if err != nil {
			return nil, 0, fmt.Errorf("cell %d: %w", i+1, err)
		}
		total += n
		if cell["source"], err = marshal(sourceLines(stripped)); err != nil {
			return nil, 0, err
		}
		if cellType == "code" {
			cell["outputs"] = json.RawMessage("[]")
			cell["execution_count"] = json.RawMessage("null")
		}
		if raw, ok := cell["metadata"]; ok {
			var meta map[string]json.RawMessage
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, 0, fmt.Errorf("cell %d: metadata: %w", i+1, err)
			}
			if _, ok := meta["execution"]; ok {
				delete(meta, "execution")
				if cell["metadata"], err = marshal(meta); err != nil {
					return nil, 0, err
				}
			}
		}
	}
	var err error
	if nb["cells"], err = marshal(cells); err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), total, nil
}

func marshal(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// sourceText reads a cell's source: one string, or a list of lines (nbformat allows both).
func sourceText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		return "", err
	}
	return strings.Join(lines, ""), nil
}

// sourceLines splits a source into nbformat's list of lines, each but the last ending in "\n".
func sourceLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
