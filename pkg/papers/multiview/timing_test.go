package multiview

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestTiming(t *testing.T) {
	if os.Getenv("MV_TIMING") == "" {
		t.Skip()
	}
	c := Quick()
	t0 := time.Now()
	debugf = func(f string, a ...any) { t.Logf("%6.1fs "+f, append([]any{time.Since(t0).Seconds()}, a...)...) }
	res, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(time.Since(t0))
	b, _ := json.MarshalIndent(res, "", " ")
	os.WriteFile("/tmp/mv-res.json", b, 0o644)
}
