// Package exercise holds TheoryLab's course exercises: the checks that a
// notebook's exercise cells call, and Student, which turns a notebook with its
// solutions into the student copy (`theorylab student`, `make student`).
//
// # Writing an exercise
//
// An exercise is a Markdown cell that poses it, titled "Exercise NN.k" (NN the
// notebook's number), and one code cell that holds the solution between
// marker lines and ends with a check:
//
//	// Exercise 01.3: implement one GD step on L(x) = ½·a·x².
//	func gdStep(x, a, eta float64) float64 {
//		// BEGIN SOLUTION
//		return x - eta*a*x
//		// END SOLUTION
//	}
//
//	%%
//	exercise.Close("01.3", gdStep(1, 3, 0.1), 0.7, 1e-12)
//
// The student copy keeps everything but the lines from BEGIN SOLUTION to END
// SOLUTION, which become a stub. The stub is, by default,
//
//	// TODO(exercise): your code here.
//	panic("exercise not done yet: replace this panic with your code")
//
// at the markers' indentation (a panic compiles anywhere, also in a function
// that must return a value). Lines "// STUB: code" inside the block replace
// that default with their code, for a stub that runs, e.g. a prediction:
//
//	// BEGIN SOLUTION
//	// STUB: predicted := 0 // ← your prediction
//	predicted := 900 // 2/η = 8 lies between the edges of η = 0.2 and 0.3
//	// END SOLUTION
//
// Markdown cells (answers to "explain" questions) use HTML comments:
// "<!-- BEGIN SOLUTION -->" … "<!-- END SOLUTION -->", with optional
// "<!-- STUB: text -->" lines; the default stub is an answer placeholder.
//
// # Checks
//
// Check, Close and Within end an exercise cell: on success they show a short
// PASS line carrying the marker EXERCISE-PASS (an HTML attribute in a
// notebook); otherwise they print what is wrong to stderr and exit the cell's
// program with status 1, which GoNB shows under the cell. The notebook test
// (tests/run_notebooks.py) runs the notebooks with their solutions and fails
// every cell that holds a solution block and does not show EXERCISE-PASS, so
// the solutions are checked on every `make test`; in the student copy the
// same checks tell the student whether their code is right.
package exercise
