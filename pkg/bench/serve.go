package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"theorylab/pkg/backend"
)

// Interleaved measurement. `theorylab bench` keeps one process per backend
// (the backend is process-wide) and one for the PyTorch reference alive for
// the whole run, and asks each in turn to time one workload: every round
// times every workload on every side a few seconds apart, so that a change
// in the machine's load hits all sides of a ratio alike. The processes speak
// JSON lines: the server writes a hello line, then answers each request
// line read from its standard input with one line on file descriptor 3
// (standard output stays free for whatever the libraries print).

// Request asks a server to time one workload.
type Request struct {
	Name    string  `json:"name"`
	MinTime float64 `json:"min_time"` // seconds
}

// Hello is the first line a Go server writes: the backend it measures.
type Hello struct {
	Backend  string `json:"backend"`
	Describe string `json:"describe"`
}

// response is a server's answer: the result, or why there is none.
type response struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// ServerFD is the file descriptor on which a server writes its answers.
const ServerFD = 3

// Serve is the Go side of a bench server: it writes a Hello, then for each
// Request read from in prepares the named workload (once: it stays compiled
// for later rounds), times it and writes the Result to out. It returns at
// the end of in, after releasing every prepared workload. Progress lines go
// to logw.
func Serve(ws []Workload, in io.Reader, out io.Writer, logw io.Writer) error {
	byName := map[string]Workload{}
	for _, w := range ws {
		byName[w.Name] = w
	}
	enc := json.NewEncoder(out)
	if _, err := backend.Get(); err != nil {
		_ = enc.Encode(response{Error: err.Error()})
		return err
	}
	if err := enc.Encode(Hello{Backend: backend.Name(), Describe: backend.Describe()}); err != nil {
		return err
	}
	prepared := map[string]*Prepared{}
	defer func() {
		for _, p := range prepared {
			p.Close()
		}
	}()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var req Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("bench server: bad request %q: %w", sc.Text(), err)
		}
		res, err := serveOne(byName, prepared, req)
		var resp response
		if err != nil {
			resp.Error = err.Error()
		} else {
			resp.Result, _ = json.Marshal(res)
			fmt.Fprintf(logw, "bench: %-18s %-22s %12.3f ms per %s  (%d calls, setup %.0f ms)\n",
				res.Backend, res.Name, res.MsPerOp, res.Unit, res.Runs, res.SetupMs)
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
	return sc.Err()
}

func serveOne(byName map[string]Workload, prepared map[string]*Prepared, req Request) (Result, error) {
	w, ok := byName[req.Name]
	if !ok {
		return Result{}, fmt.Errorf("no workload %q", req.Name)
	}
	minTime := time.Duration(req.MinTime * float64(time.Second))
	if w.Single { // a whole preset: built and timed afresh every time
		return Measure(w, minTime)
	}
	p := prepared[w.Name]
	if p == nil {
		var err error
		if p, err = Prepare(w); err != nil {
			return Result{Name: w.Name}, err
		}
		prepared[w.Name] = p
	}
	return p.Time(minTime)
}

// Server is a running bench server process seen from the side that starts it.
type Server struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	dec   *json.Decoder
	rd    *os.File
	Hello json.RawMessage // the server's first line
}

// StartServer starts cmd as a bench server (its standard input and file
// descriptor 3 are connected to the returned Server) and reads its hello line.
func StartServer(cmd *exec.Cmd) (*Server, error) {
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{wr} // file descriptor 3 in the child
	stdin, err := cmd.StdinPipe()
	if err != nil {
		rd.Close()
		wr.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		rd.Close()
		wr.Close()
		return nil, err
	}
	wr.Close()
	s := &Server{cmd: cmd, stdin: stdin, dec: json.NewDecoder(rd), rd: rd}
	var hello json.RawMessage
	if err := s.dec.Decode(&hello); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: no hello line: %w", cmd.Path, err)
	}
	var r response
	if json.Unmarshal(hello, &r) == nil && r.Error != "" {
		s.Close()
		return nil, errors.New(r.Error)
	}
	s.Hello = hello
	return s, nil
}

// Do sends one request and decodes the answer's result into result.
func (s *Server) Do(req Request, result any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("bench server: %w", err)
	}
	var r response
	if err := s.dec.Decode(&r); err != nil {
		return fmt.Errorf("bench server: no answer for %s: %w", req.Name, err)
	}
	if r.Error != "" {
		return errors.New(r.Error)
	}
	return json.Unmarshal(r.Result, result)
}

// Close ends the server (end of its input) and waits for it.
func (s *Server) Close() error {
	s.stdin.Close()
	err := s.cmd.Wait()
	s.rd.Close()
	return err
}
