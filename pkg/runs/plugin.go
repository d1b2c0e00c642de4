package runs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"theorylab/pkg/backend"
)

// PluginIdentity names the PJRT plugin behind an XLA backend, for the cache
// key: two builds of XLA may compute in different orders, so results from
// one are not served for the other. It returns "" for backends without a
// plugin (the pure-Go one) and Unknown when the plugin file cannot be read.
// Tests may replace it.
var PluginIdentity = func() string {
	if !strings.HasPrefix(BackendName(), "xla") {
		return ""
	}
	path, err := backend.PluginPath()
	if err != nil {
		return Unknown
	}
	return pluginFingerprint(path)
}

var fingerprints sync.Map // path → fingerprint

// pluginFingerprint identifies a plugin file by its content: its size and
// the SHA-256 of its first and last 4 MiB (where an ELF file keeps its
// headers, build ID and section table), without reading all of a file of
// hundreds of megabytes in every notebook cell.
func pluginFingerprint(path string) string {
	if v, ok := fingerprints.Load(path); ok {
		return v.(string)
	}
	id := Unknown
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			const edge = 4 << 20
			h := sha256.New()
			fmt.Fprintf(h, "%d\x00", st.Size())
			_, err1 := io.Copy(h, io.NewSectionReader(f, 0, min(edge, st.Size())))
			_, err2 := io.Copy(h, io.NewSectionReader(f, max(0, st.Size()-edge), min(edge, st.Size())))
			if err1 == nil && err2 == nil {
				id = filepath.Base(path) + " " + hex.EncodeToString(h.Sum(nil))[:HashLen]
			}
		}
	}
	fingerprints.Store(path, id)
	return id
}
