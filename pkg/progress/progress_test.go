package progress

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func withClock(b *Bar, step time.Duration) *Bar {
	c := &fakeClock{t: time.Unix(0, 0), step: step}
	b.now = c.now
	b.start = c.t
	return b
}

func TestPlain(t *testing.T) {
	var buf bytes.Buffer
	b := withClock(NewPlain(&buf, "sweep", 100), 100*time.Millisecond)
	for i := 1; i <= 100; i++ {
		b.Update(i, fmt.Sprintf("loss=%.2f", 1/float64(i)))
	}
	b.Done("12 runs in 41.2s")
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 11 {
		t.Fatalf("got %d lines, want 10 progress lines and a summary:\n%s", len(lines), buf.String())
	}
	if want := "sweep: 10% (10/100) 1.0s, eta 9.0s — loss=0.10"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[9], "sweep: 100% (100/100)") {
		t.Errorf("10th line %q", lines[9])
	}
	if lines[10] != "sweep: 12 runs in 41.2s" {
		t.Errorf("summary %q", lines[10])
	}
	if strings.Contains(buf.String(), "\r") {
		t.Errorf("plain output contains carriage returns")
	}
}

func TestPlainJumpsAndUnknownTotal(t *testing.T) {
	var buf bytes.Buffer
	b := withClock(NewPlain(&buf, "x", 10), time.Second)
	b.Update(7, "") // jumps several tenths: one line
	b.Update(7, "")
	b.Done("")
	if got := buf.String(); got != "x: 70% (7/10) 1.0s, eta 0.4s\nx: 7/10 in 3.0s\n" {
		t.Errorf("got %q", got)
	}
	buf.Reset()
	b = withClock(NewPlain(&buf, "y", 0), 3*time.Second)
	for i := 1; i <= 10; i++ {
		b.Update(i, "")
	}
	b.Done("")
	// A line at most every 10 s over 30 s, then the summary.
	if n := strings.Count(buf.String(), "\n"); n < 3 || n > 5 {
		t.Errorf("unknown total: %d lines:\n%s", n, buf.String())
	}
	if !strings.HasSuffix(buf.String(), "y: 10 in 33.0s\n") {
		t.Errorf("unknown total summary: %q", buf.String())
	}
}

func TestTerminalThrottled(t *testing.T) {
	var buf bytes.Buffer
	b := withClock(NewTerminal(&buf, "train", 1000), 10*time.Millisecond)
	for i := 1; i <= 1000; i++ {
		b.Update(i, "loss=0.5")
	}
	b.Done("done")
	out := buf.String()
	redraws := strings.Count(out, "\r") - 1 // the last \r clears the line for the summary
	// 1000 updates over 10 s with a 200 ms interval: about 50 redraws.
	if redraws < 40 || redraws > 60 {
		t.Errorf("%d redraws, want about 50", redraws)
	}
	if !strings.Contains(out, "[████████████████████████] 100% 1000/1000") {
		t.Errorf("final state not drawn: %q", out[max(0, len(out)-200):])
	}
	if !strings.HasSuffix(out, "\r\x1b[Ktrain: done\n") {
		t.Errorf("output does not end with the summary line: %q", out[max(0, len(out)-80):])
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("terminal output has %d newlines, want 1", strings.Count(out, "\n"))
	}
}

func TestTerminalLineFitsWidth(t *testing.T) {
	var buf bytes.Buffer
	b := NewTerminal(&buf, "n", 10)
	b.width = 40
	b.Update(5, strings.Repeat("m", 100))
	line := strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\r"), "\x1b[K")
	if n := len([]rune(line)); n > 39 || !strings.HasSuffix(line, "…") {
		t.Errorf("line %q has %d runes, want ≤ 39 ending in …", line, n)
	}
}

func TestHTML(t *testing.T) {
	var got []string
	b := withClock(NewHTML("eos <quick>", 200, func(h string) { got = append(got, h) }), time.Second)
	b.Update(90, "S=9.8 & rising")
	b.Update(200, "")
	b.Done("12 runs in 41.2s")
	if len(got) != 3 {
		t.Fatalf("got %d displays, want 3", len(got))
	}
	for _, want := range []string{"width:45%", "90/200", "eos &lt;quick&gt;", "S=9.8 &amp; rising", "eta"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("bar %q lacks %q", got[0], want)
		}
	}
	if !strings.Contains(got[1], "width:100%") {
		t.Errorf("final bar %q", got[1])
	}
	if !strings.Contains(got[2], "eos &lt;quick&gt;: 12 runs in 41.2s") {
		t.Errorf("summary %q", got[2])
	}
}

func TestConcurrentUpdates(t *testing.T) {
	var buf bytes.Buffer
	b := NewPlain(&buf, "par", 8000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := 0
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				mu.Lock()
				count++
				c := count
				mu.Unlock()
				b.Update(c, "")
			}
		})
	}
	wg.Wait()
	b.Done("")
	if b.done != 8000 {
		t.Errorf("done = %d, want 8000", b.done)
	}
	if n := strings.Count(buf.String(), "\n"); n != 11 {
		t.Errorf("%d lines, want 11:\n%s", n, buf.String())
	}
}

func TestNoOps(t *testing.T) {
	var b *Bar
	b.Update(1, "x")
	b.Done("x")
	Silent.Update(1, "x")
	Silent.Done("x")
	OrSilent(nil).Update(1, "")
	OrSilent(b).Done("")
	var r Reporter = NewPlain(&bytes.Buffer{}, "", 1)
	if OrSilent(r) != r {
		t.Errorf("OrSilent changed a real reporter")
	}
	// Nothing is written after Done.
	var buf bytes.Buffer
	p := NewPlain(&buf, "a", 10)
	p.Done("end")
	p.Update(10, "late")
	p.Done("again")
	if buf.String() != "a: end\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestEnvOff(t *testing.T) {
	t.Setenv("THEORYLAB_PROGRESS", "off")
	b := New("quiet", 10)
	if b.mode != modeOff {
		t.Fatalf("mode %v, want off", b.mode)
	}
	b.Update(5, "")
	b.Done("")
}

func TestNewOutsideTerminal(t *testing.T) {
	t.Setenv("THEORYLAB_PROGRESS", "")
	// Under go test, stderr is a pipe or file, not a terminal.
	if b := New("x", 10); b.mode != modePlain && b.mode != modeTerminal {
		t.Errorf("mode %v", b.mode)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Millisecond:              "0.4s",
		41200 * time.Millisecond:            "41.2s",
		3*time.Minute + 5*time.Second:       "3m05s",
		2*time.Hour + 7*time.Minute + 100e6: "2h07m",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
