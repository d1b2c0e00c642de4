package multiview

import (
	"encoding/json"
	"os"
	"testing"
)

func TestPrintClaims(t *testing.T) {
	b, err := os.ReadFile("/tmp/mv-res.json")
	if err != nil || os.Getenv("MV_TIMING") == "" {
		t.Skip()
	}
	var res Results
	json.Unmarshal(b, &res)
	t.Log(Claims.Evaluate(&res).Text())
}
