// Package notebook holds the few helpers that TheoryLab's notebooks share:
// the preset in force (THEORYLAB_PRESET), Markdown display, and Source, which
// shows a function's code from the package that runs it, so that a notebook
// teaches the real code and never a second copy of it; ShowClaims, which ends a
// paper notebook with its claim table and one summary line (claims passed, run
// time, backend), like the command line's last line.
package notebook
