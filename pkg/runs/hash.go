package runs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// HashLen is the length of the hex hashes used here (64 bits of SHA-256).
const HashLen = 16

// HashConfig returns the first 16 hex digits of the SHA-256 of cfg's
// canonical JSON (see CanonicalJSON). It fails when cfg cannot be encoded as
// JSON, e.g. when a float64 field holds NaN or Inf.
func HashConfig(cfg any) (string, error) {
	canon, err := CanonicalJSON(cfg)
	if err != nil {
		return "", err
	}
	return shortHash(canon), nil
}

// CanonicalJSON encodes v as compact JSON in which every object's keys are
// sorted, struct fields included, and numbers keep encoding/json's exact
// text. Two values with the same JSON content therefore give the same bytes,
// whatever the order of their struct fields or map insertions.
func CanonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("runs: config is not JSON-serialisable: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("runs: config JSON: %w", err)
	}
	return json.Marshal(generic) // maps are encoded with sorted keys
}

func shortHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:HashLen]
}
