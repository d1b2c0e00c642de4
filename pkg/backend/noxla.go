//go:build !(cgo && linux) || noxla

package backend

import (
	"errors"
	"sync"

	"github.com/gomlx/compute"
)

// XLACompiledIn reports whether GoMLX's XLA backend is part of this binary:
// it needs cgo (go-xla loads the plugin with dlopen) and Linux, and the
// build tag noxla leaves it out.
const XLACompiledIn = false

var errNoXLA = errors.New("this binary was built without GoMLX's XLA backend " +
	"(it needs cgo on Linux: CGO_ENABLED=1 and a C compiler, and no `noxla` build tag)")

func newXLAFromPlugin(path, opts string) (compute.Backend, error) { return nil, errNoXLA }

type probed struct {
	backend compute.Backend
	plugin  string
	err     error
}

var probeXLA = sync.OnceValue(func() probed { return probed{err: errNoXLA} })
