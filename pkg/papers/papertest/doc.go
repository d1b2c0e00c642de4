// Package papertest holds the tests every paper package runs, so that each
// paper writes three lines instead of three test files:
//
//	func TestQuickPreset(t *testing.T)  { papertest.Quick(t, Paper) }
//	func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }
//	func TestBadConfigs(t *testing.T) {
//		papertest.BadConfigs(t, Paper, map[string]func(*Config){
//			"steps must be": func(c *Config) { c.Steps = 150 },
//		})
//	}
//
// Quick runs the quick preset through the results cache (the notebook then
// loads the same results) and asserts every claim: each holds, or fails
// exactly the way its documented Finding says. Deterministic runs a small
// config twice and requires identical results (wall-clock timings aside),
// then the next seeds and requires different claims, and draws the figures.
// BadConfigs requires that each broken config is refused — by Validate, Run
// and the cached run — with an error naming the problem, and that nothing is
// written to the results cache.
package papertest
