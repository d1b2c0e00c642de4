//go:build cgo && linux && !noxla

package backend

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla" // registers "xla"; needs cgo
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// XLACompiledIn reports whether GoMLX's XLA backend is part of this binary:
// it needs cgo (go-xla loads the plugin with dlopen) and Linux, and the
// build tag noxla leaves it out.
const XLACompiledIn = true

func init() {
	// GoMLX's XLA backend downloads a PJRT plugin from the internet when it
	// finds none; TheoryLab never lets it: the plugin comes from the pinned
	// wheel that setup installs, or XLA is not used.
	xla.EnableAutoInstall(false)
}

// newXLAFromPlugin creates an XLA backend on the plugin file at path
// (absolute), with GoMLX's shared host/device buffers on the CPU unless opts
// (GoMLX's comma-separated plugin options) say noshared_buffers.
func newXLAFromPlugin(path, opts string) (compute.Backend, error) {
	options := strings.FieldsFunc(opts, func(r rune) bool { return r == ',' })
	if !slices.Contains(options, "noshared_buffers") && !slices.Contains(options, "shared_buffers") {
		options = append(options, "shared_buffers")
	}
	return create(strings.Join(append([]string{xla.BackendName + ":" + path}, options...), ","))
}

type probed struct {
	backend compute.Backend
	plugin  string
	err     error
}

// probeXLA loads the PJRT CPU plugin once and checks that it computes a
// small matrix product right; err says why XLA on the CPU cannot be used.
var probeXLA = sync.OnceValue(func() probed {
	path, err := PluginPath()
	if err != nil {
		return probed{err: err}
	}
	short := path
	if root, err := repoRoot(); err == nil {
		short = relToRoot(root, path)
	}
	b, err := newXLAFromPlugin(path, "")
	if err != nil {
		return probed{err: fmt.Errorf("the PJRT CPU plugin %s did not load: %w", short, err)}
	}
	if err := smokeTest(b); err != nil {
		b.Finalize()
		return probed{err: fmt.Errorf("the PJRT CPU plugin %s loaded but failed a 2×2 matrix product: %w", short, err)}
	}
	return probed{backend: b, plugin: path}
})

// smokeTest computes [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]] in float32.
func smokeTest(b compute.Backend) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	a := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 2, 2)
	c := tensors.FromFlatDataAndDimensions([]float32{5, 6, 7, 8}, 2, 2)
	out, err := graph.CallOnce(b, func(a, c *graph.Node) *graph.Node { return graph.MatMul(a, c) }, a, c)
	if err != nil {
		return err
	}
	defer func() { _ = out.FinalizeAll() }()
	got, err := tensors.CopyFlatData[float32](out)
	if err != nil {
		return err
	}
	if !slices.Equal(got, []float32{19, 22, 43, 50}) {
		return fmt.Errorf("got %v, want [19 22 43 50]", got)
	}
	return nil
}
