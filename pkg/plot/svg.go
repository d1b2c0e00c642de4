package plot

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Font settings. The font is named, not embedded: every viewer has some
// sans-serif face, and sizes are estimated generously (DejaVu Sans is wide).
const (
	fontFamily    = "DejaVu Sans, Helvetica Neue, Helvetica, Arial, sans-serif"
	tickFont      = 11.0
	labelFont     = 12.0
	panelFont     = 13.0
	titleFont     = 15.0
	legendFont    = 11.0
	noteFont      = 10.0
	refLabelFont  = 10.5
	idPlaceholder = "\x01"
)

// num formats a coordinate with at most two decimals.
func num(v float64) string {
	if math.IsNaN(v) {
		return "0"
	}
	v = math.Max(-1e6, math.Min(1e6, v))
	v = math.Round(v*100) / 100
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for XML character data and attribute values, dropping
// characters that XML 1.0 forbids.
func esc(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			sb.WriteString("&amp;")
		case r == '<':
			sb.WriteString("&lt;")
		case r == '>':
			sb.WriteString("&gt;")
		case r == '"':
			sb.WriteString("&quot;")
		case r == '\'':
			sb.WriteString("&#39;")
		case r == '\t' || r == '\n' || r == '\r':
			sb.WriteByte(' ')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError:
			// dropped
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// textWidth estimates the rendered width of s in pixels at the given font
// size, from rough per-character advance widths of DejaVu Sans (the widest
// of the usual sans-serif faces, so the estimate errs on the wide side).
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;|!'`ijI", r):
			w += 0.30
		case strings.ContainsRune(" ()[]{}ftr-/\\", r):
			w += 0.40
		case strings.ContainsRune("mwMW", r):
			w += 0.88
		case r >= '0' && r <= '9':
			w += 0.64
		case strings.ContainsRune("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", r):
			w += 0.42
		case r >= 'A' && r <= 'Z':
			w += 0.70
		case r == '×' || r == '−' || r == '+' || r == '=' || r == '<' || r == '>':
			w += 0.84
		default:
			w += 0.61
		}
	}
	return w * size
}

// svgBuilder accumulates SVG markup.
type svgBuilder struct {
	strings.Builder
}

func (b *svgBuilder) w(parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// text writes a text element. anchor is "start", "middle" or "end".
func (b *svgBuilder) text(x, y float64, s string, size float64, anchor, color, extra string) {
	b.w(`<text x="`, num(x), `" y="`, num(y), `" font-size="`, num(size), `"`)
	if anchor != "" && anchor != "start" {
		b.w(` text-anchor="`, anchor, `"`)
	}
	b.w(` fill="`, color, `"`)
	if extra != "" {
		b.w(" ", extra)
	}
	b.w(">", esc(s), "</text>\n")
}

func (b *svgBuilder) line(x1, y1, x2, y2 float64, color string, width float64, extra string) {
	b.w(`<line x1="`, num(x1), `" y1="`, num(y1), `" x2="`, num(x2), `" y2="`, num(y2),
		`" stroke="`, color, `" stroke-width="`, num(width), `"`)
	if extra != "" {
		b.w(" ", extra)
	}
	b.w("/>\n")
}

func (b *svgBuilder) rect(x, y, w, h float64, attrs string) {
	b.w(`<rect x="`, num(x), `" y="`, num(y), `" width="`, num(math.Max(w, 0)), `" height="`, num(math.Max(h, 0)), `" `, attrs, "/>\n")
}

// marker draws one marker of shape m centred at (x, y) with radius r.
func (b *svgBuilder) marker(m Marker, x, y, r float64, color string) {
	switch m {
	case Square:
		s := r * 0.9
		b.w(`<rect x="`, num(x-s), `" y="`, num(y-s), `" width="`, num(2*s), `" height="`, num(2*s), `" fill="`, color, `"/>`)
	case Triangle:
		h := r * 1.2
		b.w(`<path d="M`, num(x), " ", num(y-h), "L", num(x+h*0.95), " ", num(y+h*0.6), "L", num(x-h*0.95), " ", num(y+h*0.6),
			`Z" fill="`, color, `"/>`)
	case Diamond:
		h := r * 1.25
		b.w(`<path d="M`, num(x), " ", num(y-h), "L", num(x+h*0.8), " ", num(y), "L", num(x), " ", num(y+h), "L", num(x-h*0.8), " ", num(y),
			`Z" fill="`, color, `"/>`)
	case Cross:
		h := r
		b.w(`<path d="M`, num(x-h), " ", num(y-h), "L", num(x+h), " ", num(y+h), "M", num(x-h), " ", num(y+h), "L", num(x+h), " ", num(y-h),
			`" stroke="`, color, `" stroke-width="1.5" fill="none"/>`)
	case Plus:
		h := r * 1.2
		b.w(`<path d="M`, num(x-h), " ", num(y), "L", num(x+h), " ", num(y), "M", num(x), " ", num(y-h), "L", num(x), " ", num(y+h),
			`" stroke="`, color, `" stroke-width="1.5" fill="none"/>`)
	default: // Circle
		b.w(`<circle cx="`, num(x), `" cy="`, num(y), `" r="`, num(r), `" fill="`, color, `"/>`)
	}
	b.w("\n")
}
