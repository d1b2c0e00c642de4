package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Reporter receives progress of a long computation. Implementations are
// safe for concurrent use.
type Reporter interface {
	// Update reports that done units of work (out of the total given when
	// the reporter was made) are finished, with a short status message
	// such as "loss=0.123". It is cheap enough to call every step.
	Update(done int, msg string)
	// Done ends the report with a one-line summary such as
	// "12 runs in 41.2s". Later calls to Update and Done are ignored.
	Done(summary string)
}

// Silent is a Reporter that does nothing, for tests and quiet callers.
var Silent Reporter = silent{}

type silent struct{}

func (silent) Update(int, string) {}
func (silent) Done(string)        {}

// OrSilent returns r, or Silent if r is nil, so that functions taking a
// Reporter can accept nil.
func OrSilent(r Reporter) Reporter {
	if r == nil {
		return Silent
	}
	if b, ok := r.(*Bar); ok && b == nil {
		return Silent
	}
	return r
}

// Default redraw intervals.
const (
	// Interval is the shortest time between two redraws of a bar.
	Interval = 200 * time.Millisecond
	// plainInterval is the shortest time between two plain lines when the
	// total is unknown.
	plainInterval = 10 * time.Second
	barWidth      = 24
)

type mode int

const (
	modeOff mode = iota
	modePlain
	modeTerminal
	modeHTML
)

// Bar is a progress bar. The zero value is not usable: make one with New,
// NewTerminal or NewPlain. A nil *Bar is a valid no-op Reporter. Its
// methods are safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	name     string
	total    int
	mode     mode
	w        io.Writer
	html     func(html string) // modeHTML: updates the transient display
	final    func(html string) // modeHTML: displays the permanent summary
	now      func() time.Time
	interval time.Duration
	width    int // modeTerminal: maximum line width in characters

	start     time.Time
	lastDraw  time.Time
	done      int
	msg       string
	drawn     bool // something was drawn (a terminal line is open)
	lastTenth int  // modePlain: last tenth of the total reported
	finished  bool
}

// New returns a bar for a computation of total units (≤ 0 if unknown),
// shown the best way for where the program runs:
//
//   - in a GoNB notebook, an HTML bar updated in place, replaced at the end
//     by the summary line;
//   - on a terminal, one line on stderr redrawn in place;
//   - otherwise (CI logs, files), a plain line on stderr at every tenth of
//     the total, and the summary.
//
// The environment variable THEORYLAB_PROGRESS=off silences it, and
// THEORYLAB_PROGRESS=plain forces plain lines.
func New(name string, total int) *Bar {
	switch strings.ToLower(os.Getenv("THEORYLAB_PROGRESS")) {
	case "off", "0", "false", "none":
		return newBar(name, total, modeOff, io.Discard)
	case "plain":
		return NewPlain(os.Stderr, name, total)
	}
	if gonbui.IsNotebook {
		return NewHTML(name, total, nil)
	}
	if isTerminal(os.Stderr) {
		return NewTerminal(os.Stderr, name, total)
	}
	return NewPlain(os.Stderr, name, total)
}

// NewTerminal returns a bar drawn as one line on w, redrawn in place with a
// carriage return (for an interactive terminal).
func NewTerminal(w io.Writer, name string, total int) *Bar {
	b := newBar(name, total, modeTerminal, w)
	b.width = 100
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 20 {
		b.width = c
	}
	return b
}

// NewPlain returns a bar that writes a plain line to w at every tenth of the
// total (every 10 s if the total is unknown), and the summary at the end:
// short output for logs.
func NewPlain(w io.Writer, name string, total int) *Bar {
	return newBar(name, total, modePlain, w)
}

// NewHTML returns a bar rendered as HTML: update is called with the bar's
// HTML on each (throttled) redraw, and with the summary's HTML by Done. With
// a nil update it displays in the running GoNB notebook cell (a transient
// block updated in place, then a permanent summary line).
func NewHTML(name string, total int, update func(html string)) *Bar {
	b := newBar(name, total, modeHTML, io.Discard)
	if update != nil {
		b.html, b.final = update, update
		return b
	}
	id := "progress_" + gonbui.UniqueId()
	b.html = func(h string) { gonbui.UpdateHTML(id, h) }
	b.final = func(h string) {
		gonbui.UpdateHTML(id, "") // remove the transient bar
		gonbui.DisplayHTML(h)     // the summary stays in the saved notebook
	}
	return b
}

func newBar(name string, total int, m mode, w io.Writer) *Bar {
	b := &Bar{name: name, total: total, mode: m, w: w, now: time.Now, interval: Interval}
	b.start = b.now()
	return b
}

func isTerminal(f *os.File) bool {
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update implements Reporter. done is the absolute number of finished
// units; a smaller done than already reported (from a slower goroutine) is
// ignored, while msg always replaces the previous message.
func (b *Bar) Update(done int, msg string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished || b.mode == modeOff {
		return
	}
	b.done = max(b.done, done)
	b.msg = msg
	now := b.now()
	switch b.mode {
	case modePlain:
		b.plainUpdate(now)
	default:
		complete := b.total > 0 && b.done >= b.total
		if !complete && b.drawn && now.Sub(b.lastDraw) < b.interval {
			return
		}
		b.lastDraw = now
		b.drawn = true
		if b.mode == modeTerminal {
			fmt.Fprint(b.w, "\r"+b.termLine(now)+"\x1b[K")
		} else {
			b.html(b.htmlBar(now))
		}
	}
}

// Done implements Reporter. An empty summary is replaced by the count and
// the elapsed time.
func (b *Bar) Done(summary string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.mode == modeOff {
		return
	}
	now := b.now()
	if summary == "" {
		if b.total > 0 {
			summary = fmt.Sprintf("%d/%d in %s", b.done, b.total, formatDuration(now.Sub(b.start)))
		} else {
			summary = fmt.Sprintf("%d in %s", b.done, formatDuration(now.Sub(b.start)))
		}
	}
	line := summary
	if b.name != "" {
		line = b.name + ": " + summary
	}
	switch b.mode {
	case modeTerminal:
		if b.drawn {
			fmt.Fprint(b.w, "\r\x1b[K")
		}
		fmt.Fprintln(b.w, line)
	case modePlain:
		fmt.Fprintln(b.w, line)
	case modeHTML:
		b.final(`<div style="font-family:monospace;font-size:13px">✓ ` + escapeHTML(line) + `</div>`)
	}
}

// plainUpdate prints a line when a new tenth of the total is reached (or,
// with no total, every plainInterval).
func (b *Bar) plainUpdate(now time.Time) {
	if b.total > 0 {
		tenth := min(b.done*10/b.total, 10)
		if tenth <= b.lastTenth {
			return
		}
		b.lastTenth = tenth
	} else {
		if now.Sub(b.lastDraw) < plainInterval {
			return
		}
	}
	b.lastDraw = now
	fmt.Fprintln(b.w, b.statusLine(now))
}

// stats returns the percentage (or -1), the elapsed time and the estimated
// remaining time (or -1).
func (b *Bar) stats(now time.Time) (pct int, elapsed, eta time.Duration) {
	elapsed = now.Sub(b.start)
	pct, eta = -1, -1
	if b.total > 0 {
		d := min(b.done, b.total)
		pct = d * 100 / b.total
		if d > 0 && d < b.total {
			eta = time.Duration(float64(elapsed) * float64(b.total-d) / float64(d))
		}
	}
	return pct, elapsed, eta
}

// statusLine is the text of a plain line: "name: 30% (300/1000) 12.1s, eta 28.0s — msg".
func (b *Bar) statusLine(now time.Time) string {
	pct, elapsed, eta := b.stats(now)
	var sb strings.Builder
	if b.name != "" {
		sb.WriteString(b.name + ": ")
	}
	if pct >= 0 {
		fmt.Fprintf(&sb, "%d%% (%d/%d) %s", pct, b.done, b.total, formatDuration(elapsed))
	} else {
		fmt.Fprintf(&sb, "%d %s", b.done, formatDuration(elapsed))
	}
	if eta >= 0 {
		sb.WriteString(", eta " + formatDuration(eta))
	}
	if b.msg != "" {
		sb.WriteString(" — " + b.msg)
	}
	return sb.String()
}

// termLine is the terminal bar: "name [██████░░░░]  45% 450/1000 12.3s<15.0s loss=0.1",
// cut to the terminal width.
func (b *Bar) termLine(now time.Time) string {
	pct, elapsed, eta := b.stats(now)
	var sb strings.Builder
	if b.name != "" {
		sb.WriteString(b.name + " ")
	}
	if pct >= 0 {
		filled := min(b.done, b.total) * barWidth / b.total
		sb.WriteString("[" + strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled) + "]")
		fmt.Fprintf(&sb, " %3d%% %d/%d %s", pct, b.done, b.total, formatDuration(elapsed))
		if eta >= 0 {
			sb.WriteString("<" + formatDuration(eta))
		}
	} else {
		fmt.Fprintf(&sb, "%d %s", b.done, formatDuration(elapsed))
	}
	if b.msg != "" {
		sb.WriteString(" " + b.msg)
	}
	line := sb.String()
	if r := []rune(line); b.width > 0 && len(r) > b.width-1 {
		line = string(r[:b.width-2]) + "…"
	}
	return line
}

// htmlBar is the notebook bar.
func (b *Bar) htmlBar(now time.Time) string {
	pct, elapsed, eta := b.stats(now)
	var sb strings.Builder
	sb.WriteString(`<div style="font-family:monospace;font-size:13px;line-height:1.8;white-space:nowrap">`)
	if b.name != "" {
		sb.WriteString(`<b>` + escapeHTML(b.name) + `</b> `)
	}
	if pct >= 0 {
		fmt.Fprintf(&sb, `<span style="display:inline-block;width:240px;height:10px;background:#e3e3e3;border-radius:5px;overflow:hidden;vertical-align:middle">`+
			`<span style="display:block;height:100%%;width:%d%%;background:#0072B2"></span></span>`, pct)
		fmt.Fprintf(&sb, ` %d%% · %d/%d · %s`, pct, b.done, b.total, formatDuration(elapsed))
		if eta >= 0 {
			sb.WriteString(" · eta " + formatDuration(eta))
		}
	} else {
		fmt.Fprintf(&sb, `%d · %s`, b.done, formatDuration(elapsed))
	}
	if b.msg != "" {
		sb.WriteString(" · " + escapeHTML(b.msg))
	}
	sb.WriteString(`</div>`)
	return sb.String()
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// formatDuration writes d compactly: "0.4s", "41.2s", "3m05s", "2h07m".
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		s := int(d.Round(time.Second).Seconds())
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		m := int(d.Round(time.Minute).Minutes())
		return fmt.Sprintf("%dh%02dm", m/60, m%60)
	}
}
