package notebook

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"

	"theorylab/pkg/repo"
)

// PresetEnv selects the preset of every notebook: "quick" (default) or "full".
const PresetEnv = "THEORYLAB_PRESET"

// Preset returns $THEORYLAB_PRESET, or "quick" when it is unset.
func Preset() string {
	if p := strings.TrimSpace(os.Getenv(PresetEnv)); p != "" {
		return p
	}
	return "quick"
}

// Markdown shows Markdown in a notebook, or prints it elsewhere.
func Markdown(md string) {
	if gonbui.IsNotebook {
		gonbui.DisplayMarkdown(md)
		gonbui.Sync() // delivered before the cell's program exits
		return
	}
	fmt.Println(md)
}

// Source returns the Go source of a top-level declaration of the package in
// dir (relative to the repository root), with its doc comment: a function
// "Run", a method "Config.Forward", or a type or constant "Config".
func Source(dir, name string) (string, error) {
	root, err := repo.Root()
	if err != nil {
		return "", err
	}
	full := filepath.Join(root, dir)
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join(full, "*.go"))
	if err != nil || len(paths) == 0 {
		return "", fmt.Errorf("notebook.Source: no Go files in %s", dir)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return "", fmt.Errorf("notebook.Source: %w", err)
		}
		files = append(files, f)
	}
	recv, fn, isMethod := strings.Cut(name, ".")
	if !isMethod {
		fn = recv
	}
	for _, file := range files {
		for _, decl := range file.Decls {
			var node ast.Node
			var doc *ast.CommentGroup
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.Name != fn || isMethod != (d.Recv != nil) || isMethod && receiverName(d) != recv {
					continue
				}
				node, doc = d, d.Doc
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if !isMethod && s.Name.Name == fn {
							node, doc = d, d.Doc
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if !isMethod && n.Name == fn {
								node, doc = d, d.Doc
							}
						}
					}
				}
			}
			if node == nil {
				continue
			}
			var buf bytes.Buffer
			if doc != nil {
				for _, c := range doc.List {
					buf.WriteString(c.Text + "\n")
				}
			}
			if fd, ok := node.(*ast.FuncDecl); ok {
				fd.Doc = nil
			}
			// CommentedNode keeps the comments inside the declaration (the
			// formulas written above the lines that compute them).
			// gofmt's layout: tabs to indent, spaces to align the trailing comments.
			pc := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
			if err := pc.Fprint(&buf, fset, &printer.CommentedNode{Node: node, Comments: file.Comments}); err != nil {
				return "", err
			}
			return buf.String(), nil
		}
	}
	return "", fmt.Errorf("notebook.Source: no declaration %q in %s", name, dir)
}

func receiverName(d *ast.FuncDecl) string {
	t := d.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// ShowSource displays Source(dir, name) as a Go code block, titled with its file location.
func ShowSource(dir, name string) {
	src, err := Source(dir, name)
	if err != nil {
		Markdown("**" + err.Error() + "**")
		return
	}
	Markdown(fmt.Sprintf("`%s` — `%s`\n```go\n%s\n```", dir, name, src))
}
