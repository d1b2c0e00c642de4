package claims

// TB is the part of testing.TB that Require uses; *testing.T and *testing.B
// satisfy it.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Require fails t once for each claim that does not hold, naming its ID,
// measured value, threshold, reason and detail. Targets are not required to
// hold. It also fails t for an empty list or an invalid one (see
// List.Validate): a paper whose claims are missing must not pass silently.
func Require(t TB, l List) {
	t.Helper()
	if len(l) == 0 {
		t.Errorf("claims: no claims to check")
		return
	}
	if err := l.Validate(); err != nil {
		t.Errorf("%v", err)
	}
	for _, c := range l.Failing() {
		msg := "claim %s FAILED: measured %s, threshold: %s"
		args := []any{c.ID, Num(c.Measured), c.Threshold}
		if r := c.FailureReason(); r != "" {
			msg += "; reason: %s"
			args = append(args, r)
		}
		if c.Detail != "" {
			msg += "; detail: %s"
			args = append(args, c.Detail)
		}
		msg += " [%s — %s]"
		args = append(args, c.PaperRef, c.Statement)
		t.Errorf(msg, args...)
	}
}
