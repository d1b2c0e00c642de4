package bench

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/lowrank"
	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/lora"
	"theorylab/pkg/train"
)

// Workload names of the LoRA paper.
const (
	NameLoRAStep  = "lora-step"
	NameLoRAQuick = "lora-quick-preset"
)

// loraBatches is the number of minibatches the lora-step workload cycles
// through (drawn once by train.Batcher, as the paper draws them).
const loraBatches = 8

// loraAdamEpsilon is the paper's Adam ε (PyTorch's default).
const loraAdamEpsilon = 1e-8

// loraCheckCall is the call whose losses are the check value: the loss after
// two Adam steps compares the gradient and the optimizer's update, and it
// does not depend on how many calls a measurement makes.
const loraCheckCall = 3

// loraProblem is the training step of the LoRA paper's Track A (quick
// preset) at rank AmpRank: the pretrained-size backbone frozen, adapters on
// its two hidden layers and a fresh 5-way head trained with Adam, on the
// paper's adaptation set (digits 5–9), every seed as one run of the batch.
type loraProblem struct {
	cfg     lora.Config
	model   lowrank.MLP
	x, y    []float32 // [N, D] standardized, [N, 5] one-hot
	n, d    int
	params  []train.Param // W1 b1 W2 b2 (frozen), Wh bh, A1 B1 A2 B2 (trainable)
	batches [][][]int     // [loraBatches][R][Batch] example indices
}

// loraData is the quick preset's adaptation set: the first AdaptN training
// images of digits 5–9 (relabelled 0–4), 2×2 average-pooled, standardized
// with one global mean and standard deviation (the paper uses those of its
// pretraining set; the bench, which does not pretrain, those of this set).
var loraData = sync.OnceValues(func() (*data.Images, error) {
	cfg := lora.Quick()
	train, err := data.LoadMNIST("train", 0)
	if err != nil {
		return nil, err
	}
	if train, err = train.AvgPool(cfg.Pool); err != nil {
		return nil, err
	}
	idx := data.ClassIndices(train.Labels, lora.AdaptClasses...)
	if len(idx) > cfg.AdaptN {
		idx = idx[:cfg.AdaptN]
	}
	sub, err := train.Subset(idx)
	if err != nil {
		return nil, err
	}
	if sub, err = sub.RemapClasses(lora.AdaptClasses...); err != nil {
		return nil, err
	}
	st, err := data.FitStandardization(sub.Pixels, 1)
	if err != nil {
		return nil, err
	}
	if err := st.ApplyFloat32(sub.Pixels); err != nil {
		return nil, err
	}
	return sub, nil
})

func newLoRAProblem() (*loraProblem, error) {
	cfg := lora.Quick()
	im, err := loraData()
	if err != nil {
		return nil, err
	}
	oh, err := data.OneHot(im.Labels, len(lora.AdaptClasses))
	if err != nil {
		return nil, err
	}
	pr := &loraProblem{cfg: cfg, model: lora.Adapted(cfg, cfg.AmpRank), x: im.Pixels, n: im.N, d: im.Features()}
	for _, v := range oh {
		pr.y = append(pr.y, float32(v))
	}
	R := cfg.Seeds
	var seeds, headSeeds, adapterSeeds, orderSeeds []uint64
	for r := range R {
		s := uint64(cfg.Seed + r)
		seeds = append(seeds, s)
		headSeeds, adapterSeeds, orderSeeds = append(headSeeds, s<<8|2), append(adapterSeeds, s<<8|4), append(orderSeeds, s<<8|3)
	}
	// The backbone at its initialization (the paper's is pretrained: the same
	// shapes and the same work per step), a fresh head, the adapters (B = 0).
	backbone, err := lora.Network(cfg).InitParams(seeds, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	headCfg := mlp.Config{Sizes: []int{cfg.Hidden, len(lora.AdaptClasses)}, Activation: "relu", OutputBias: true, Init: mlp.XavierNormal}
	head, err := headCfg.InitParams(headSeeds, dtypes.Float64)
	if err != nil {
		finalize(backbone...)
		return nil, err
	}
	adapters, err := pr.model.Init(adapterSeeds, dtypes.Float32)
	if err != nil {
		finalize(backbone...)
		finalize(head...)
		return nil, err
	}
	values := slices.Concat(backbone[:4], head)
	names := []string{"W1", "b1", "W2", "b2", "Wh", "bh", "A1", "B1", "A2", "B2"}
	for i, v := range values {
		v32, err := toFloat32(v)
		if err != nil {
			return nil, err
		}
		pr.params = append(pr.params, train.Param{Name: names[i], Value: v32, Trainable: i >= 4})
	}
	finalize(backbone...)
	finalize(head...)
	for i, a := range adapters {
		pr.params = append(pr.params, train.Param{Name: names[6+i], Value: a, Trainable: true})
	}
	batcher, err := train.NewBatcher(pr.n, cfg.Batch, orderSeeds)
	if err != nil {
		pr.finalize()
		return nil, err
	}
	for range loraBatches {
		pr.batches = append(pr.batches, batcher.Next())
	}
	return pr, nil
}

func (pr *loraProblem) finalize() {
	for _, p := range pr.params {
		finalize(p.Value)
	}
}

func loraStep() Workload {
	cfg := lora.Quick()
	model := lora.Adapted(cfg, cfg.AmpRank)
	w := Workload{
		Name: NameLoRAStep,
		Unit: "step",
		Description: fmt.Sprintf("one Adam minibatch step of LoRA Track A (quick preset): ReLU MLP %v, backbone frozen, "+
			"rank-%d adapters (α = %g) on both hidden layers and a fresh head trained (train.Minibatch, Adam lr %g, ε 1e-8), "+
			"%d runs (seeds) at once, batch %d of the 14×14 digits 5–9, cross-entropy, float32, batch gathered on the host",
			model.Base.Sizes, model.Rank, model.Alpha, loraBenchLR, cfg.Seeds, cfg.Batch),
	}
	w.reference = func(dir string) (map[string]any, error) {
		pr, err := newLoRAProblem()
		if err != nil {
			return nil, err
		}
		defer pr.finalize()
		spec := map[string]any{"kind": "lora-adam", "rank": pr.model.Rank, "alpha": pr.model.Alpha,
			"lr": loraBenchLR, "eps": loraAdamEpsilon, "check_call": loraCheckCall}
		if spec["x"], err = writeArray(dir, "lora-x", pr.x, pr.n, pr.d); err != nil {
			return nil, err
		}
		if spec["y"], err = writeArray(dir, "lora-y", pr.y, pr.n, len(lora.AdaptClasses)); err != nil {
			return nil, err
		}
		var ps []map[string]any
		var trainable []bool
		for _, p := range pr.params {
			s, err := writeTensor(dir, "lora-"+p.Name, p.Value)
			if err != nil {
				return nil, err
			}
			s["name"] = p.Name
			ps = append(ps, s)
			trainable = append(trainable, p.Trainable)
		}
		spec["params"], spec["trainable"] = ps, trainable
		var idx []int32
		for _, b := range pr.batches {
			for _, run := range b {
				for _, i := range run {
					idx = append(idx, int32(i))
				}
			}
		}
		spec["batches"], err = writeArray(dir, "lora-batches", idx, len(pr.batches), cfg.Seeds, cfg.Batch)
		return spec, err
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		pr, err := newLoRAProblem()
		if err != nil {
			return nil, err
		}
		adam := optimizer.Adam().LearningRate(loraBenchLR).Epsilon(loraAdamEpsilon).Done()
		// The paper's loss: mean softmax cross-entropy of the adapted network's logits.
		loss := func(params, batch []*Node) *Node {
			return train.SoftmaxCrossEntropy(pr.model.Forward(params[:6], params[6:], batch[0]), batch[1])
		}
		mb, err := train.NewMinibatch(be, pr.params, adam, loss)
		pr.finalize() // Minibatch holds copies
		if err != nil {
			return nil, err
		}
		calls := 0
		var last, checked []float64
		return &instance{
			run: func() error {
				idx := pr.batches[calls%len(pr.batches)]
				x, y := train.GatherRows(pr.x, pr.d, idx), train.GatherRows(pr.y, len(lora.AdaptClasses), idx)
				losses, err := mb.Step(x, y)
				finalize(x, y)
				if err != nil {
					return err
				}
				calls++
				last = losses
				if calls == loraCheckCall {
					checked = losses
				}
				return nil
			},
			check: func() error { return finite(last) },
			// The mean over runs of the loss at the third call (after two Adam steps).
			value: func() (float64, error) {
				if checked == nil {
					return 0, fmt.Errorf("fewer than %d calls", loraCheckCall)
				}
				var sum float64
				for _, l := range checked {
					sum += l
				}
				return sum / float64(len(checked)), nil
			},
			cleanup: mb.Finalize,
		}, nil
	})
}

// loraQuickPreset is the wall time of the whole LoRA quick preset (lora.Run,
// no results cache), compilation included.
func loraQuickPreset() Workload {
	cfg := lora.Quick()
	w := Workload{
		Name: NameLoRAQuick,
		Unit: "run",
		Description: fmt.Sprintf("the LoRA quick preset, whole (lora.Run without the cache): pretraining (%d epochs of %d images), "+
			"head-only, full fine-tuning and LoRA at ranks %v on %d seeds (%d epochs of %d images), checks and Section-7 analyses; "+
			"float32; one timed call, compilation included", cfg.PretrainEpochs, cfg.PretrainN, cfg.Ranks, cfg.Seeds, cfg.AdaptEpochs, cfg.AdaptN),
		Single: true,
	}
	return newWorkload(w, func() (*instance, error) {
		if _, err := backend.Get(); err != nil {
			return nil, err
		}
		var res *lora.Results
		return &instance{
			run: func() error {
				r, err := lora.Run(cfg)
				res = r
				return err
			},
			check: func() error {
				if res == nil || len(res.Variants) == 0 {
					return errors.New("no results")
				}
				return nil
			},
			cleanup: func() {},
		}, nil
	})
}

// loraBenchLR is the Adam learning rate of the LoRA workload (the quick
// preset now chooses each method's rate from a grid; the workload keeps the
// former fixed rate).
const loraBenchLR = 2e-3
