package lora

import (
	"fmt"

	"theorylab/pkg/data"
	"theorylab/pkg/tensorconv"
)

// Classes of the two tasks of Track A (our construction): pretrain on
// digits 0–4, adapt to digits 5–9 relabelled 0–4.
var (
	PretrainClasses = []int{0, 1, 2, 3, 4}
	AdaptClasses    = []int{5, 6, 7, 8, 9}
)

// split is one set of examples, float32, standardised with the pretraining
// set's statistics: x [N, D], onehot [N, 5], labels [N] in 0–4.
type split struct {
	x      []float32
	onehot []float32
	labels []int
	n      int
}

// DataInfo records what the data splits hold (the spec's data-split check).
type DataInfo struct {
	Inputs         int   `json:"inputs"`
	PretrainN      int   `json:"pretrain_n"`
	AdaptN         int   `json:"adapt_n"` // adaptation training images (the validation split excluded)
	ValN           int   `json:"val_n"`   // validation images: the last val_n adaptation images
	Test04N        int   `json:"test04_n"`
	Test59N        int   `json:"test59_n"`
	PretrainCounts []int `json:"pretrain_counts"` // per class 0–4
	AdaptCounts    []int `json:"adapt_counts"`    // per class, digits 5–9
	Test04Counts   []int `json:"test04_counts"`
	Test59Counts   []int `json:"test59_counts"`
	// Overlap is the number of training images used both for pretraining
	// and for adaptation (0 by construction: the classes differ).
	Overlap int `json:"overlap"`
}

type dataset struct {
	pre, adapt, val, test04, test59 split
	d                               int
	info                            DataInfo
}

// Standardisation modes (Config.Standardize).
const (
	// StandardizeGlobal: x ← (x − μ)/σ with one μ and σ over every pixel of the pretraining set.
	StandardizeGlobal = "global"
	// StandardizePerFeature: one μ and σ per pixel. Pixels that are almost
	// never lit in digits 0–4 get a tiny σ, and the same pixels lit in a 5–9
	// image then reach standardised values in the hundreds (up to ≈600 on the
	// quick preset's adaptation set): a shift made by the preprocessing.
	StandardizePerFeature = "per-feature"
)

// loadData builds the four splits: MNIST pixels in [0, 1], average-pooled by
// cfg.Pool, standardised with the mean and standard deviation of the
// pretraining set (see Config.Standardize).
func loadData(cfg Config) (*dataset, error) {
	train, err := data.LoadMNIST("train", 0)
	if err != nil {
		return nil, err
	}
	test, err := data.LoadMNIST("test", 0)
	if err != nil {
		return nil, err
	}
	if cfg.Pool > 1 {
		if train, err = train.AvgPool(cfg.Pool); err != nil {
			return nil, err
		}
		if test, err = test.AvgPool(cfg.Pool); err != nil {
			return nil, err
		}
	}
	// Indices into the training set: the first PretrainN images of digits
	// 0–4 and the first AdaptN images of digits 5–9, in file order.
	preIdx := head(data.ClassIndices(train.Labels, PretrainClasses...), cfg.PretrainN)
	adaIdx := head(data.ClassIndices(train.Labels, AdaptClasses...), cfg.AdaptN)
	if len(preIdx) < cfg.Batch || len(adaIdx) < cfg.Batch {
		return nil, fmt.Errorf("lora: %d pretraining and %d adaptation images, fewer than one batch of %d", len(preIdx), len(adaIdx), cfg.Batch)
	}
	inPre := make(map[int]bool, len(preIdx))
	for _, i := range preIdx {
		inPre[i] = true
	}
	overlap := 0
	for _, i := range adaIdx {
		if inPre[i] {
			overlap++
		}
	}
	pre, err := remapped(train, preIdx, PretrainClasses)
	if err != nil {
		return nil, err
	}
	ada, err := remapped(train, adaIdx, AdaptClasses)
	if err != nil {
		return nil, err
	}
	t04, err := test.RemapClasses(PretrainClasses...)
	if err != nil {
		return nil, err
	}
	t59, err := test.RemapClasses(AdaptClasses...)
	if err != nil {
		return nil, err
	}
	ds := &dataset{d: pre.Features()}
	// Statistics of the pretraining set: one mean and standard deviation over
	// all pixels ("global"), or one per pixel ("per-feature").
	features := 1
	if cfg.Standardize == StandardizePerFeature {
		features = ds.d
	}
	st, err := data.FitStandardization(pre.Pixels, features)
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		im  *data.Images
		out *split
	}{{pre, &ds.pre}, {ada, &ds.adapt}, {t04, &ds.test04}, {t59, &ds.test59}} {
		x := append([]float32(nil), s.im.Pixels...)
		if err := st.ApplyFloat32(x); err != nil {
			return nil, err
		}
		oh64, err := data.OneHot(s.im.Labels, len(PretrainClasses))
		if err != nil {
			return nil, err
		}
		*s.out = split{x: x, onehot: tensorconv.Slice[float32](oh64), labels: append([]int(nil), s.im.Labels...), n: s.im.N}
	}
	// The validation split (learning-rate choice): the last ValN adaptation images.
	if ds.adapt.n-cfg.ValN < cfg.Batch {
		return nil, fmt.Errorf("lora: %d adaptation images less val_n = %d leave fewer than one batch of %d", ds.adapt.n, cfg.ValN, cfg.Batch)
	}
	ds.adapt, ds.val = ds.adapt.cut(ds.adapt.n-cfg.ValN, ds.d)
	ds.info = DataInfo{Inputs: ds.d, PretrainN: pre.N, AdaptN: ds.adapt.n, ValN: ds.val.n, Test04N: t04.N, Test59N: t59.N,
		PretrainCounts: pre.ClassCounts(), AdaptCounts: classCounts(ds.adapt.labels),
		Test04Counts: t04.ClassCounts(), Test59Counts: t59.ClassCounts(), Overlap: overlap}
	return ds, nil
}

// remapped takes the images at idx and renumbers classes[j] as j.
func remapped(im *data.Images, idx []int, classes []int) (*data.Images, error) {
	sub, err := im.Subset(idx)
	if err != nil {
		return nil, err
	}
	return sub.RemapClasses(classes...)
}

// head is the first n of idx (all of them for n = 0).
func head(idx []int, n int) []int {
	if n > 0 && n < len(idx) {
		return idx[:n]
	}
	return idx
}

// cut splits s into its first n examples and the rest (d features each).
func (s split) cut(n, d int) (split, split) {
	k := len(AdaptClasses)
	return split{x: s.x[:n*d], onehot: s.onehot[:n*k], labels: s.labels[:n], n: n},
		split{x: s.x[n*d:], onehot: s.onehot[n*k:], labels: s.labels[n:], n: s.n - n}
}

// classCounts is the number of examples per class 0–4.
func classCounts(labels []int) []int {
	c := make([]int, len(AdaptClasses))
	for _, l := range labels {
		c[l]++
	}
	return c
}
