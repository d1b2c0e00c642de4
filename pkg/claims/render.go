package claims

import (
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/janpfeifer/gonb/gonbui"
)

// Text renders the claims as an aligned plain-text table for the command
// line, one row per claim followed by indented lines with its statement,
// detail and failure reason, then the Summary line.
//
//	ID     RESULT  MEASURED  THRESHOLD                              PAPER
//	EOS-1  PASS    1600      t* ≤ 25% of the run in ≥ 2 of 3 seeds  abstract; Fig. 1
//	       Sharpness reaches 2/η early in training.
//	       t* = 1500, 1600, 1700 (3/3 seeds)
//	1/1 claims pass
func (l List) Text() string {
	header := []string{"ID", "RESULT", "MEASURED", "THRESHOLD", "PAPER"}
	rows := make([][]string, len(l))
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for i, c := range l {
		rows[i] = []string{oneLine(c.ID), c.Status(), Num(c.Measured), oneLine(c.Threshold), oneLine(c.PaperRef)}
		for j, cell := range rows[i] {
			widths[j] = max(widths[j], utf8.RuneCountInString(cell))
		}
	}
	indent := strings.Repeat(" ", widths[0]+2)
	var b strings.Builder
	writeRow := func(cells []string) {
		var line strings.Builder
		for j, cell := range cells {
			line.WriteString(cell)
			if j < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	writeRow(header)
	for i, c := range l {
		writeRow(rows[i])
		for _, extra := range []string{c.Statement, c.Detail, sweepLine(c), reasonLine(c)} {
			if extra = oneLine(extra); extra != "" {
				b.WriteString(indent + extra + "\n")
			}
		}
	}
	b.WriteString(l.Summary())
	b.WriteByte('\n')
	return b.String()
}

func sweepLine(c Claim) string {
	if c.Sweep != "" {
		return "sweep: " + c.Sweep
	}
	return ""
}

func reasonLine(c Claim) string {
	if r := c.FailureReason(); r != "" {
		return "reason: " + r
	}
	return ""
}

// oneLine collapses runs of whitespace (newlines included) into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Markdown renders the claims as a GitHub-flavoured Markdown table followed
// by the Summary line, for the docs/ pages.
func (l List) Markdown() string {
	var b strings.Builder
	b.WriteString("| ID | Result | Measured | Threshold | Claim | Paper |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, c := range l {
		result := c.Status()
		if c.Status() != StatusPass {
			result = "**" + result + "**"
		}
		claim := mdCell(c.Statement)
		if c.Detail != "" {
			claim += "<br>" + mdCell(c.Detail)
		}
		if c.Sweep != "" {
			claim += "<br>Sweep: " + mdCell(c.Sweep)
		}
		if r := c.FailureReason(); r != "" {
			claim += "<br>Reason: " + mdCell(r)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n",
			mdCell(c.ID), result, Num(c.Measured), mdCell(c.Threshold), claim, mdCell(c.PaperRef))
	}
	b.WriteString("\n" + l.Summary() + "\n")
	return b.String()
}

// mdCell makes s safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(oneLine(s), `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "<", "&lt;")
	return s
}

// Colours of the HTML table; the translucent backgrounds read well on both
// light and dark JupyterLab themes.
var htmlStyle = map[string]struct{ fg, bg string }{
	StatusPass:         {"#1a7f37", "rgba(46,160,67,0.12)"},
	StatusFail:         {"#cf222e", "rgba(248,81,73,0.15)"},
	StatusTargetMet:    {"#6e7781", "rgba(110,119,129,0.10)"},
	StatusTargetMissed: {"#9a6700", "rgba(212,167,44,0.15)"},
}

// HTML renders the claims as a styled table for notebooks: the result in
// green (PASS) or red (FAIL), the Summary as the caption. Every row carries
// its Marker in a data-claim attribute, e.g. data-claim="CLAIM-FAIL", so that
// tests can grep a notebook's stored outputs.
func (l List) HTML() string {
	const cell = `padding:4px 8px;border-bottom:1px solid rgba(128,128,128,0.3);text-align:left;vertical-align:top`
	var b strings.Builder
	b.WriteString(`<table class="theorylab-claims" style="border-collapse:collapse;font-size:0.9em;margin:0.5em 0">` + "\n")
	fmt.Fprintf(&b, `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">%s</caption>`+"\n",
		html.EscapeString(l.Summary()))
	b.WriteString("<thead><tr>")
	for _, h := range []string{"ID", "Result", "Measured", "Threshold", "Claim", "Paper"} {
		fmt.Fprintf(&b, `<th style="%s">%s</th>`, cell, h)
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, c := range l {
		st := c.Status()
		style := htmlStyle[st]
		fmt.Fprintf(&b, `<tr data-claim="%s" data-claim-id="%s" style="background:%s">`,
			c.Marker(), html.EscapeString(c.ID), style.bg)
		fmt.Fprintf(&b, `<td style="%s;white-space:nowrap"><b>%s</b></td>`, cell, html.EscapeString(c.ID))
		fmt.Fprintf(&b, `<td style="%s;white-space:nowrap;color:%s;font-weight:bold">%s</td>`, cell, style.fg, st)
		fmt.Fprintf(&b, `<td style="%s;white-space:nowrap;font-family:monospace" title="%s">%s</td>`,
			cell, html.EscapeString(strconv.FormatFloat(c.Measured, 'g', -1, 64)), html.EscapeString(Num(c.Measured)))
		fmt.Fprintf(&b, `<td style="%s">%s</td>`, cell, html.EscapeString(c.Threshold))
		fmt.Fprintf(&b, `<td style="%s">%s`, cell, html.EscapeString(c.Statement))
		if c.Detail != "" {
			fmt.Fprintf(&b, `<br><span style="opacity:0.8">%s</span>`, html.EscapeString(c.Detail))
		}
		if c.Sweep != "" {
			fmt.Fprintf(&b, `<br><span style="font-style:italic">Sweep: %s</span>`, html.EscapeString(c.Sweep))
		}
		if r := c.FailureReason(); r != "" {
			fmt.Fprintf(&b, `<br><span style="color:%s">Reason: %s</span>`, style.fg, html.EscapeString(r))
		}
		b.WriteString("</td>")
		fmt.Fprintf(&b, `<td style="%s">%s</td>`, cell, html.EscapeString(c.PaperRef))
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// Display shows the claims: inline HTML when running in a GoNB notebook,
// otherwise the Text table on standard output.
func (l List) Display() {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(l.HTML())
		return
	}
	fmt.Fprint(os.Stdout, l.Text())
}
