package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestServe drives the Go bench server in-process: a hello line, one answer
// per request (an error for an unknown workload), a workload prepared once
// for all its requests.
func TestServe(t *testing.T) {
	var calls int
	ws := []Workload{fake(&calls, -1)}
	in := strings.NewReader(`{"name":"fake","min_time":0}` + "\n" + `{"name":"nope","min_time":0}` + "\n" + `{"name":"fake","min_time":0}` + "\n")
	var out, log bytes.Buffer
	if err := Serve(ws, in, &out, &log); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	var hello Hello
	if err := dec.Decode(&hello); err != nil || hello.Backend == "" {
		t.Fatalf("hello %+v, %v", hello, err)
	}
	var answers []response
	for dec.More() {
		var r response
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, r)
	}
	if len(answers) != 3 || answers[0].Error != "" || !strings.Contains(answers[1].Error, "no workload") || answers[2].Error != "" {
		t.Fatalf("answers %+v", answers)
	}
	var r Result
	if err := json.Unmarshal(answers[2].Result, &r); err != nil || r.Name != "fake" || r.Runs != MinRuns {
		t.Errorf("second result %+v, %v", r, err)
	}
	if calls != 1+2*MinRuns {
		t.Errorf("%d calls, want one warm-up and %d timed per request", calls, MinRuns)
	}
}
