// Package tensorconv converts host tensors and slices between float32 and
// float64. Models initialise their parameters in float64 (the same random
// numbers for every dtype), experiments train in float32 or float64, and
// measurements read the values back as float64: these few functions are the
// one place where that conversion is written.
//
//	w32, _ := tensorconv.FromFloats(dtypes.Float32, []float64{0.5, -1}, 2) // Float32 tensor [2]
//	vals, _ := tensorconv.Floats(w32)                                     // []float64{0.5, -1}
package tensorconv
