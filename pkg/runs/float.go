package runs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Float is a float64 that survives JSON even when it is NaN or infinite:
// it is written as a number, as null for NaN, or as the string "+Inf" or
// "-Inf"; decoding restores the value. Use it (and Series) for every
// floating-point field of a Results struct that may hold NaN or Inf: plain
// float64 fields make encoding/json fail on those values.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	return appendFloat(nil, float64(f)), nil
}

// UnmarshalJSON implements json.Unmarshaler; null decodes as NaN.
func (f *Float) UnmarshalJSON(data []byte) error {
	x, err := parseFloat(data)
	if err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Series is a []float64 that survives JSON with NaN and ±Inf elements (see
// Float): [1.5,null,"+Inf"]. A nil Series is written as null and decodes as
// nil; an empty one is written as [].
type Series []float64

// MarshalJSON implements json.Marshaler.
func (s Series) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	buf := make([]byte, 0, 2+len(s)*12)
	buf = append(buf, '[')
	for i, x := range s {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendFloat(buf, x)
	}
	return append(buf, ']'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Series) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		*s = nil
		return nil
	}
	var fs []Float
	if err := json.Unmarshal(data, &fs); err != nil {
		return err
	}
	out := make(Series, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	*s = out
	return nil
}

func appendFloat(buf []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(buf, "null"...)
	case math.IsInf(x, 1):
		return append(buf, `"+Inf"`...)
	case math.IsInf(x, -1):
		return append(buf, `"-Inf"`...)
	}
	// Shortest text that parses back to exactly x; always valid JSON.
	return strconv.AppendFloat(buf, x, 'g', -1, 64)
}

func parseFloat(data []byte) (float64, error) {
	s := strings.TrimSpace(string(data))
	if s == "null" {
		return math.NaN(), nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq // "NaN", "Inf", "+Inf", "-Inf", "Infinity": ParseFloat accepts them all
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("runs: %s is not a number", data)
	}
	return x, nil
}
