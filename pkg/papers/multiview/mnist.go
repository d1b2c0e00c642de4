package multiview

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/mlp"
	"theorylab/pkg/claims"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/train"
)

// MNISTConfig is the full preset's MNIST sanity check (our construction): L
// one-hidden-layer ReLU MLPs trained with Adam on a subset of MNIST from
// different seeds, their ensemble, KD of the ensemble into students of the
// same architecture, self-distillation of single i, and the same-seed null
// beside every student. It checks the ensemble and distillation gains on real
// data; it does not test the view mechanism (nothing here measures views).
type MNISTConfig struct {
	Train  int       `json:"train"`  // training images: a random subset of the MNIST training split (seed 3001+s)
	Val    int       `json:"val"`    // validation images, disjoint from the training ones (learning-rate choice)
	Test   int       `json:"test"`   // test images: the first of the MNIST test split
	Hidden int       `json:"hidden"` // width of the hidden layer (196 → hidden → 10)
	LRs    []float64 `json:"lrs"`    // the Adam learning-rate grid every method chooses from on the validation split
	Epochs int       `json:"epochs"` // epochs of every training run (equal budgets)
	Batch  int       `json:"batch"`  // minibatch size (Train must be a multiple)

	Singles int `json:"singles"` // L: independently initialised MLPs (the ensemble)
	KD      int `json:"kd"`      // KD students of the ensemble (same-seed nulls: the last KD singles)
	Self    int `json:"self"`    // self-distillation students (teachers: singles 0 … Self−1; nulls: singles i+1)
}

// FullMNIST is the full preset's MNIST check: 2000 training images (14×14,
// average-pooled), a 196-128-10 ReLU MLP, 5 singles, 2 KD and 2
// self-distillation students, 30 epochs of Adam, learning rate from {1e-3, 3e-3}.
func FullMNIST() *MNISTConfig {
	return &MNISTConfig{Train: 2000, Val: 1000, Test: 10000, Hidden: 128,
		LRs: []float64{1e-3, 3e-3}, Epochs: 30, Batch: 50, Singles: 5, KD: 2, Self: 2}
}

// validate adds the MNIST check's problems to k, each naming its field.
func (m *MNISTConfig) validate(k *config.Checker) {
	k.If(m.Train < 10 || m.Train+m.Val > data.MNISTTrainN, "mnist.train must be ≥ 10 with mnist.train + mnist.val ≤ %d, got %d", data.MNISTTrainN, m.Train)
	k.If(m.Val < 1, "mnist.val must be ≥ 1, got %d", m.Val)
	k.If(m.Test < 1 || m.Test > data.MNISTTestN, "mnist.test must be in [1, %d], got %d", data.MNISTTestN, m.Test)
	k.If(m.Hidden < 1, "mnist.hidden must be ≥ 1, got %d", m.Hidden)
	bad := len(m.LRs) == 0
	for _, v := range m.LRs {
		bad = bad || !(v > 0) || math.IsInf(v, 0)
	}
	k.If(bad, "mnist.lrs must be a non-empty list of positive learning rates, got %v", m.LRs)
	k.If(m.Epochs < 1, "mnist.epochs must be ≥ 1, got %d", m.Epochs)
	k.If(m.Batch < 1 || m.Train%max(m.Batch, 1) != 0, "mnist.batch must divide mnist.train, got %d", m.Batch)
	k.If(m.Singles < 2, "mnist.singles must be ≥ 2, got %d", m.Singles)
	k.If(m.KD < 1 || m.KD >= m.Singles, "mnist.kd must be in [1, mnist.singles), got %d", m.KD)
	k.If(m.Self < 1 || m.Self > m.Singles, "mnist.self must be in [1, mnist.singles], got %d", m.Self)
}

// net is the MLP of the check: 196 → Hidden (ReLU) → 10, PyTorch's default initialisation.
func (m *MNISTConfig) net() mlp.Config {
	return mlp.Config{Sizes: []int{mnistD, m.Hidden, data.MNISTClasses}, Activation: "relu",
		Bias: true, OutputBias: true, Init: mlp.TorchDefault}
}

// mnistD is the number of features of a 14×14 average-pooled MNIST image.
const mnistD = 196

// seedMNIST is the first initialisation (and data-order) seed of the MNIST singles: single i uses 700 + i + 1000·s.
const seedMNIST = 700

// MNISTModel is one MLP (or the ensemble) of the MNIST check.
type MNISTModel struct {
	Seed     int     `json:"seed"` // initialisation and minibatch-order seed (−1: the ensemble)
	LR       float64 `json:"lr"`
	TrainAcc float64 `json:"train_acc"`
	TestAcc  float64 `json:"test_acc"`
}

// MNISTReplicate is the MNIST check on one training subset.
type MNISTReplicate struct {
	SubsetSeed int          `json:"subset_seed"`
	Singles    []MNISTModel `json:"singles"`
	Ensemble   MNISTModel   `json:"ensemble"` // mean of the singles' logits
	KD         []MNISTModel `json:"kd"`
	KDNull     []MNISTModel `json:"kd_null"` // the single with the student's seed (same init, same minibatch order)
	Self       []MNISTModel `json:"self"`    // student i distilled from single i
	SelfNull   []MNISTModel `json:"self_null"`
	LR         []LRChoice   `json:"lr"`
}

// MNISTResults is the MNIST check of a run.
type MNISTResults struct {
	Config     MNISTConfig      `json:"config"`
	Replicates []MNISTReplicate `json:"replicates"`
}

// mnistSplit is one replicate's data: pooled images [n, 196] and labels.
type mnistSplit struct {
	x []float32
	y []int
	n int
}

// loadMNIST draws replicate s's training and validation subsets (disjoint,
// from the MNIST training split, permutation seed 3001+s) and the test set,
// 2×2 average-pooled to 14×14, pixels in [0, 1].
func loadMNIST(m *MNISTConfig, s int) (tr, val, test mnistSplit, err error) {
	all, err := data.LoadMNIST("train", 0)
	if err != nil {
		return
	}
	perm := data.Permutation(all.N, uint64(3001+s))
	sub := func(im *data.Images, idx []int) (mnistSplit, error) {
		im, err := im.Subset(idx)
		if err != nil {
			return mnistSplit{}, err
		}
		if im, err = im.AvgPool2x2(); err != nil {
			return mnistSplit{}, err
		}
		return mnistSplit{x: im.Pixels, y: im.Labels, n: im.N}, nil
	}
	if tr, err = sub(all, perm[:m.Train]); err != nil {
		return
	}
	if val, err = sub(all, perm[m.Train:m.Train+m.Val]); err != nil {
		return
	}
	te, err := data.LoadMNIST("test", m.Test)
	if err != nil {
		return
	}
	idx := make([]int, te.N)
	for i := range idx {
		idx[i] = i
	}
	test, err = sub(te, idx)
	return
}

// runMNIST runs the MNIST check for every seed of the run.
func runMNIST(be compute.Backend, cfg Config) (*MNISTResults, error) {
	out := &MNISTResults{Config: *cfg.MNIST}
	for _, s := range cfg.SeedList() {
		rep, err := mnistReplicate(be, cfg, s)
		if err != nil {
			return nil, fmt.Errorf("MNIST, subset seed %d: %w", 3001+s, err)
		}
		out.Replicates = append(out.Replicates, *rep)
	}
	return out, nil
}

// mnistLoss is the per-run loss of a minibatch, x [R, B, 196], y [R, B, 10]
// one-hot and, for students, teacher logits G [R, B, 10]:
//
//	L = (1 − λ)·CE(y, F) + λ·τ²·KL(softmax(G/τ) ‖ softmax(F/τ))
//
// (λ = 0 and no teacher: plain cross-entropy).
func mnistLoss(net mlp.Config, mix, tau float64) train.BatchLossFn {
	return func(p, b []*Node) *Node {
		f := net.Forward(p, b[0]) // [R, B, 10]
		ce := train.SoftmaxCrossEntropy(f, b[1])
		if len(b) < 3 {
			return ce
		}
		B := float64(f.Shape().Dimensions[1])
		// KL(softmax(G/τ) ‖ softmax(F/τ)) = Σ_c p_G,c (log p_G,c − log p_F,c), mean over the batch
		logPT := LogSoftmax(MulScalar(b[2], 1/tau), -1)
		logPS := LogSoftmax(MulScalar(f, 1/tau), -1)
		kl := MulScalar(ReduceSum(Mul(Exp(logPT), Sub(logPT, logPS)), 1, 2), 1/B)
		// (1 − λ)·CE + λ·τ²·KL
		return Add(MulScalar(ce, 1-mix), MulScalar(kl, mix*tau*tau))
	}
}

// mnistFit trains one MLP per seed with Adam(lr) for the configured epochs;
// run r draws its minibatches in the order of seeds[r] (so a student and its
// same-seed null see the same batches). teacher (nil: plain training) holds
// teacher logits [T·N, 10] and block[r] which block of N rows run r distils.
func mnistFit(be compute.Backend, m *MNISTConfig, lr, mix, tau float64, seeds []uint64, tr mnistSplit,
	teacher []float32, block []int) ([]*tensors.Tensor, error) {
	net := m.net()
	w0, err := net.InitParams(seeds, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	params := make([]train.Param, len(w0))
	for i, w := range w0 {
		params[i] = train.Param{Name: fmt.Sprintf("p%d", i), Value: w, Trainable: true}
	}
	mb, err := train.NewMinibatch(be, params, optimizer.Adam().LearningRate(lr).Done(), mnistLoss(net, mix, tau))
	if err != nil {
		return nil, err
	}
	defer mb.Finalize()
	onehot := make([]float32, tr.n*data.MNISTClasses)
	for i, c := range tr.y {
		onehot[i*data.MNISTClasses+c] = 1
	}
	batches, err := train.NewBatcher(tr.n, m.Batch, seeds)
	if err != nil {
		return nil, err
	}
	for range m.Epochs * batches.StepsPerEpoch() {
		idx := batches.Next()
		args := []*tensors.Tensor{train.GatherRows(tr.x, mnistD, idx), train.GatherRows(onehot, data.MNISTClasses, idx)}
		if teacher != nil {
			tIdx := make([][]int, len(idx))
			for r, row := range idx {
				for _, i := range row {
					tIdx[r] = append(tIdx[r], block[r]*tr.n+i)
				}
			}
			args = append(args, train.GatherRows(teacher, data.MNISTClasses, tIdx))
		}
		if _, err := mb.Step(args...); err != nil {
			return nil, err
		}
	}
	return mb.Params()
}

// mnistBank is a set of trained MLPs and their logits on the three splits, [R, n, 10].
type mnistBank struct {
	seeds             []uint64
	lr                float64
	train, val, test  []float64
	trainAcc, testAcc []float64
	valAcc            []float64
}

// evalBank runs the trained MLPs over the three splits.
func evalBank(ev *train.Evaluator, w []*tensors.Tensor, seeds []uint64, lr float64, tr, val, test mnistSplit) (*mnistBank, error) {
	b := &mnistBank{seeds: seeds, lr: lr}
	k := data.MNISTClasses
	for _, set := range []struct {
		s    mnistSplit
		out  *[]float64
		accs *[]float64
	}{{tr, &b.train, &b.trainAcc}, {val, &b.val, &b.valAcc}, {test, &b.test, &b.testAcc}} {
		o, err := ev.Outputs(w, set.s.x, set.s.n)
		if err != nil {
			return nil, err
		}
		*set.out = make([]float64, len(o))
		for i, v := range o {
			(*set.out)[i] = float64(v)
		}
		if *set.accs, err = train.Accuracy(*set.out, len(seeds), k, set.s.y); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// chooseMNIST picks the grid index whose runs lo … hi−1 have the best mean
// validation accuracy (ties: the earlier value) and records the choice.
func chooseMNIST(rep *MNISTReplicate, method string, lrs []float64, banks []*mnistBank, lo, hi int) int {
	c := LRChoice{Method: method, Grid: lrs}
	best := 0
	for li, b := range banks {
		c.ValAcc = append(c.ValAcc, claims.Mean(b.valAcc[lo:hi]))
		if c.ValAcc[li] > c.ValAcc[best] {
			best = li
		}
	}
	c.Chosen = lrs[best]
	rep.LR = append(rep.LR, c)
	return best
}

func (b *mnistBank) model(r int) MNISTModel {
	return MNISTModel{Seed: int(b.seeds[r]), LR: b.lr, TrainAcc: b.trainAcc[r], TestAcc: b.testAcc[r]}
}

// mnistReplicate is the MNIST check on training subset s.
func mnistReplicate(be compute.Backend, cfg Config, s int) (*MNISTReplicate, error) {
	m := cfg.MNIST
	k := data.MNISTClasses
	tr, val, test, err := loadMNIST(m, s)
	if err != nil {
		return nil, err
	}
	ev, err := train.NewEvaluator(be, 1000, []int{mnistD}, m.net().Forward)
	if err != nil {
		return nil, err
	}
	defer ev.Finalize()
	rep := &MNISTReplicate{SubsetSeed: 3001 + s}

	// 1. the singles, once per learning rate of the grid
	seeds := make([]uint64, m.Singles)
	for i := range seeds {
		seeds[i] = uint64(seedMNIST + i + 1000*s)
	}
	// grid trains one bank of MLPs (initial seeds ms, teacher blocks as in
	// mnistFit) at every learning rate of the grid and evaluates each.
	grid := func(what string, mix float64, ms []uint64, teacher []float32, block []int) ([]*mnistBank, error) {
		var banks []*mnistBank
		for _, lr := range m.LRs {
			w, err := mnistFit(be, m, lr, mix, cfg.Tau, ms, tr, teacher, block)
			if err != nil {
				return nil, fmt.Errorf("%s, lr %v: %w", what, lr, err)
			}
			b, err := evalBank(ev, w, ms, lr, tr, val, test)
			if err != nil {
				return nil, err
			}
			banks = append(banks, b)
		}
		return banks, nil
	}
	plain, err := grid("singles", 0, seeds, nil, nil)
	if err != nil {
		return nil, err
	}
	singles := plain[chooseMNIST(rep, "MNIST single (and same-seed nulls)", m.LRs, plain, 0, m.Singles)]
	all := make([]int, m.Singles)
	for i := range all {
		all[i] = i
		rep.Singles = append(rep.Singles, singles.model(i))
	}
	// the ensemble: G = (1/L) Σ_i F_i, the mean of the singles' logits
	ensTest := meanLogits(singles.test, all, test.n, k)
	ensTrain := meanLogits(singles.train, all, tr.n, k)
	ea, _ := train.Accuracy(ensTest, 1, k, test.y)
	eta, _ := train.Accuracy(ensTrain, 1, k, tr.y)
	rep.Ensemble = MNISTModel{Seed: -1, LR: singles.lr, TrainAcc: eta[0], TestAcc: ea[0]}

	// 2. the students: KD of the ensemble (teacher block 0) and self-distillation of single i (block 1+i)
	teacher := make([]float32, 0, (1+m.Self)*tr.n*k)
	for _, v := range ensTrain {
		teacher = append(teacher, float32(v))
	}
	for i := range m.Self {
		for _, v := range singles.train[i*tr.n*k : (i+1)*tr.n*k] {
			teacher = append(teacher, float32(v))
		}
	}
	var sSeeds []uint64
	var block []int
	for i := range m.KD {
		sSeeds, block = append(sSeeds, seeds[m.Singles-m.KD+i]), append(block, 0)
	}
	for i := range m.Self {
		sSeeds, block = append(sSeeds, seeds[(i+1)%m.Singles]), append(block, 1+i)
	}
	stud, err := grid("students", cfg.KDMix, sSeeds, teacher, block)
	if err != nil {
		return nil, err
	}
	kd := stud[chooseMNIST(rep, "MNIST KD student", m.LRs, stud, 0, m.KD)]
	self := stud[chooseMNIST(rep, "MNIST self-distillation student", m.LRs, stud, m.KD, m.KD+m.Self)]
	for i := range m.KD {
		rep.KD = append(rep.KD, kd.model(i))
		rep.KDNull = append(rep.KDNull, rep.Singles[m.Singles-m.KD+i])
	}
	for i := range m.Self {
		rep.Self = append(rep.Self, self.model(m.KD+i))
		rep.SelfNull = append(rep.SelfNull, rep.Singles[(i+1)%m.Singles])
	}
	return rep, nil
}
