package onesided

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/gan"
	"theorylab/pkg/data"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/runs"
	"theorylab/pkg/train"
)

// MNISTConfig is the full preset's GAN on MNIST (study C, our construction
// after the spec's C′): 28×28 images scaled to [−1, 1], the generator
// noise → Width (ReLU) → 784 (tanh), the discriminator 784 → Width
// (LeakyReLU 0.2) → 1 logit, the non-saturating loss, Adam and plain GDA
// with their learning rates chosen from LRGrid by the ring's protocol, the
// same large-batch measurements and the perfect-generator null.
type MNISTConfig struct {
	Seeds    int       `json:"seeds"`     // GAN seeds Seed, Seed+1, …
	Images   int       `json:"images"`    // the first MNIST training images: the real distribution, and the classifier's training set
	Noise    int       `json:"noise"`     // generator's noise dimension
	Width    int       `json:"width"`     // hidden width (one hidden layer in each network)
	Batch    int       `json:"batch"`     // minibatch of each player's step
	Iters    int       `json:"iters"`     // alternating iterations
	Every    int       `json:"every"`     // iterations between checkpoints
	Eval     int       `json:"eval"`      // images (and noise vectors) in each of the two fixed evaluation sets
	LRGrid   []float64 `json:"lr_grid"`   // learning rates tried for Adam and for plain GDA alike
	Pilot    int       `json:"pilot"`     // iterations of the selection runs
	ClfSteps int       `json:"clf_steps"` // Adam steps (batch 128, lr 1e-3) of the quality classifier
}

// DefaultMNIST is the full preset's MNIST GAN, sized for about five minutes
// on xla:cpu with two cores: 3 seeds, 3000 iterations, a checkpoint every 100.
func DefaultMNIST() MNISTConfig {
	return MNISTConfig{Seeds: 3, Images: 10000, Noise: 64, Width: 256, Batch: 64, Iters: 3000, Every: 100, Eval: 1024,
		LRGrid: []float64{1e-4, 1e-3, 1e-2, 1e-1}, Pilot: 500, ClfSteps: 2000}
}

// validate adds the MNIST study's problems to k, each naming its field as mnist.<field>.
func (m MNISTConfig) validate(k *config.Checker) {
	k.If(m.Seeds < 1, "mnist.seeds must be ≥ 1, got %d", m.Seeds)
	k.If(m.Images < 2 || m.Images > data.MNISTTrainN, "mnist.images must be in [2, %d], got %d", data.MNISTTrainN, m.Images)
	k.If(m.Noise < 1, "mnist.noise must be ≥ 1, got %d", m.Noise)
	k.If(m.Width < 1, "mnist.width must be ≥ 1, got %d", m.Width)
	k.If(m.Batch < 1, "mnist.batch must be ≥ 1, got %d", m.Batch)
	k.If(m.Every < 1, "mnist.every must be ≥ 1, got %d", m.Every)
	k.If(m.Iters < 10*m.Every || m.Every >= 1 && m.Iters%m.Every != 0, "mnist.iters must be a multiple of mnist.every with ≥ 10 checkpoints, got %d", m.Iters)
	k.If(m.Eval < 2 || m.Eval > data.MNISTTestN, "mnist.eval must be in [2, %d], got %d", data.MNISTTestN, m.Eval)
	k.If(len(m.LRGrid) == 0, "mnist.lr_grid must not be empty")
	for _, lr := range m.LRGrid {
		k.If(!(lr > 0) || math.IsInf(lr, 0), "mnist.lr_grid values must be positive and finite, got %v", lr)
	}
	k.If(m.Pilot < 1 || m.Pilot > m.Iters, "mnist.pilot must be in [1, mnist.iters], got %d", m.Pilot)
	k.If(m.ClfSteps < 1, "mnist.clf_steps must be ≥ 1, got %d", m.ClfSteps)
}

// Nets are the MNIST generator and discriminator (one hidden layer each).
func (m MNISTConfig) Nets() (g, d gan.Net) {
	g = gan.Generator(m.Noise, []int{m.Width}, mnistPixels)
	g.Output = gan.TanhAct
	return g, gan.Discriminator(mnistPixels, []int{m.Width})
}

// Classifier is the quality classifier: 784 → 128 (ReLU) → 10 logits.
func (m MNISTConfig) Classifier() gan.Net {
	return gan.Net{Sizes: []int{mnistPixels, 128, data.MNISTClasses}, Hidden: gan.ReLU}
}

const mnistPixels = data.MNISTHeight * data.MNISTWidth

// Seed streams of the MNIST study (beside the ring's 1–6).
const (
	streamMGInit = 7  // generator initial weights
	streamMDInit = 8  // discriminator initial weights
	streamMTrain = 9  // minibatches (image indices and noise)
	streamMEval  = 10 // the two fixed evaluation sets
	streamMValid = 11 // the validation noise of the learning-rate selection
	streamMClf   = 12 // the classifier's initial weights and minibatches
)

// The quality of generated digits (our construction, fixed before the run):
// a sample is confident when the classifier's largest softmax probability is
// ≥ 0.9; a digit is covered when ≥ 2% of the samples are confidently that
// digit; a run succeeds with ≥ 9 of 10 digits covered and ≥ 50% confident.
const (
	digitConfident  = 0.9
	digitCoverShare = 0.02
	mnistCovered    = 9
	mnistConfident  = 0.5
)

// DigitQuality scores a set of generated images by the classifier's softmax outputs.
type DigitQuality struct {
	Confident float64 `json:"confident"` // share of samples with max probability ≥ 0.9
	Covered   int     `json:"covered"`   // digits with ≥ 2% of the samples confidently classified as them
	Entropy   float64 `json:"entropy"`   // entropy (nats) of the histogram of predicted digits; ln 10 = 2.30 is uniform
}

// digitQuality scores probabilities probs [n, 10] (row-major).
func digitQuality(probs []float64) DigitQuality {
	K := data.MNISTClasses
	n := len(probs) / K
	if n == 0 {
		return DigitQuality{Confident: math.NaN(), Entropy: math.NaN()}
	}
	conf := make([]int, K)
	pred := make([]int, K)
	confident := 0
	for i := range n {
		row := probs[i*K : (i+1)*K]
		best := 0
		for k, p := range row {
			if p > row[best] {
				best = k
			}
		}
		if math.IsNaN(row[best]) {
			return DigitQuality{Confident: math.NaN(), Entropy: math.NaN()}
		}
		pred[best]++
		if row[best] >= digitConfident {
			confident++
			conf[best]++
		}
	}
	q := DigitQuality{Confident: float64(confident) / float64(n)}
	for k := range K {
		if float64(conf[k]) >= digitCoverShare*float64(n) {
			q.Covered++
		}
		// H = −Σₖ pₖ log pₖ of the predicted-digit histogram
		if p := float64(pred[k]) / float64(n); p > 0 {
			q.Entropy -= p * math.Log(p)
		}
	}
	return q
}

func mnistSuccess(covered int, confident float64) bool {
	return covered >= mnistCovered && confident >= mnistConfident
}

// MNISTResults is what the MNIST study measures.
type MNISTResults struct {
	ClfAccuracy float64       `json:"clf_accuracy"` // the classifier's accuracy on the first mnist.eval test images
	RealQuality DigitQuality  `json:"real_quality"` // the quality measure on those real test images (its ceiling)
	Pilot       []PilotResult `json:"pilot"`
	AdamLR      float64       `json:"adam_lr"`
	GDALR       float64       `json:"gda_lr"`
	GAN         []GANRun      `json:"gan"` // Good: confident share; Cover: digits covered; Samples: 16 images at 4 checkpoints (first seed)
	Seconds     float64       `json:"seconds"`
}

// mnistSet is the study's data: the real images scaled to [−1, 1] and the classifier.
type mnistSet struct {
	cfg    MNISTConfig
	beta1  float64
	seeds  []int
	pixels []float32 // [Images, 784], x = 2p − 1
	clf    []*tensors.Tensor
}

func (s *mnistSet) seedList() []int { return s.seeds }

// runMNIST runs the MNIST study: the classifier, the learning-rate
// selection, Adam (with the null) and GDA at their chosen rates.
func runMNIST(be compute.Backend, cfg Config, tk *ticker) (*MNISTResults, error) {
	m := *cfg.MNIST
	set := &mnistSet{cfg: m, beta1: cfg.Beta1}
	for s := range m.Seeds {
		set.seeds = append(set.seeds, cfg.Seed+s)
	}
	im, err := data.LoadMNIST("train", m.Images)
	if err != nil {
		return nil, err
	}
	set.pixels = make([]float32, len(im.Pixels))
	for i, p := range im.Pixels {
		set.pixels[i] = 2*p - 1 // [0, 1] → [−1, 1]
	}
	res := &MNISTResults{}
	if err := set.trainClassifier(be, im.Labels, uint64(cfg.Seed)); err != nil {
		return nil, err
	}
	clfExec, err := NewExec(be, func(in []*Node) *Node { return set.classify(in[:len(in)-1], in[len(in)-1]) })
	if err != nil {
		return nil, err
	}
	defer clfExec.Finalize()
	test, err := data.LoadMNIST("test", m.Eval)
	if err != nil {
		return nil, err
	}
	tp := make([]float32, len(test.Pixels))
	for i, p := range test.Pixels {
		tp[i] = 2*p - 1
	}
	probs, err := callProbs(clfExec, set.clf, tensors.FromFlatDataAndDimensions(tp, 1, test.N, mnistPixels))
	if err != nil {
		return nil, err
	}
	res.RealQuality = digitQuality(probs[0])
	correct := 0
	for i, label := range test.Labels {
		row := probs[0][i*10 : (i+1)*10]
		best := 0
		for k, p := range row {
			if p > row[best] {
				best = k
			}
		}
		if best == label {
			correct++
		}
	}
	res.ClfAccuracy = float64(correct) / float64(test.N)

	gNet, _ := m.Nets()
	// generator followed by the classifier: (gp…, clf…, noise) → probabilities [R, N, 10]
	nG, nC := 2*(len(gNet.Sizes)-1), len(set.clf)
	genClf, err := NewExec(be, func(in []*Node) *Node {
		return set.classify(in[nG:nG+nC], gNet.Forward(in[:nG], in[nG+nC]))
	})
	if err != nil {
		return nil, err
	}
	defer genClf.Finalize()
	train := func(method string, lr float64, null bool, iters int, measure bool) ([]GANRun, float64, error) {
		return set.train(be, genClf, method, lr, null, iters, measure, tk)
	}
	if res.Pilot, res.AdamLR, res.GDALR, res.GAN, err = selectAndTrain(train, m.LRGrid, m.Pilot, m.Iters, "mnist ", "mnist.lr_grid"); err != nil {
		return nil, err
	}
	return res, nil
}

// classify maps images x [R, N, 784] to softmax probabilities [R, N, 10]
// with the classifier's parameters cp (one run, [1, …]).
func (s *mnistSet) classify(cp []*Node, x *Node) *Node {
	R, N := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	logits := s.cfg.Classifier().Forward(cp, Reshape(x, 1, R*N, mnistPixels)) // [1, R·N, 10]
	return Softmax(Reshape(logits, R, N, data.MNISTClasses), -1)
}

// callProbs runs a classifier exec and splits its probabilities per run.
func callProbs(exec *Exec, ps []*tensors.Tensor, extra ...*tensors.Tensor) ([][]float64, error) {
	args := make([]any, 0, len(ps)+len(extra))
	for _, p := range ps {
		args = append(args, p)
	}
	for _, e := range extra {
		args = append(args, e)
	}
	outs, err := exec.Call(args...)
	if err != nil {
		return nil, err
	}
	return perRun(outs[0], outs[0].Shape().Dimensions[0])
}

// trainClassifier trains the quality classifier once (Adam, lr 1e-3, batch
// 128, ClfSteps steps, cross-entropy) on the study's training images.
func (s *mnistSet) trainClassifier(be compute.Backend, labels []int, seed uint64) error {
	net := s.cfg.Classifier()
	init, err := net.InitParams([]uint64{seed*16 + streamMClf}, dtypes.Float32)
	if err != nil {
		return err
	}
	mb, err := train.NewMinibatch(be, params("c", init), optimizer.Adam().LearningRate(1e-3).Done(),
		func(p []*Node, b []*Node) *Node { return train.SoftmaxCrossEntropy(net.Forward(p, b[0]), b[1]) })
	if err != nil {
		return err
	}
	defer mb.Finalize()
	batch := min(128, s.cfg.Images)
	batcher, err := train.NewBatcher(s.cfg.Images, batch, []uint64{seed*16 + streamMClf})
	if err != nil {
		return err
	}
	onehot := make([]float32, len(labels)*data.MNISTClasses)
	for i, l := range labels {
		onehot[i*data.MNISTClasses+l] = 1
	}
	for range s.cfg.ClfSteps {
		idx := batcher.Next()
		if _, err := mb.Step(train.GatherRows(s.pixels, mnistPixels, idx), train.GatherRows(onehot, data.MNISTClasses, idx)); err != nil {
			return fmt.Errorf("onesided: mnist classifier: %w", err)
		}
	}
	s.clf, err = mb.Params()
	return err
}

// gather builds [R, n, 784] from image indices idx[r][i].
func (s *mnistSet) gather(idx [][]int) *tensors.Tensor {
	return train.GatherRows(s.pixels, mnistPixels, idx)
}

// draw returns, for every run, n real images, n noise vectors and n more
// real images (the null's "generated" ones), in that order per run.
func (s *mnistSet) draw(rs []*rand.Rand, n int) (real, noise, real2 *tensors.Tensor) {
	R := len(rs)
	idx, idx2 := make([][]int, R), make([][]int, R)
	z := make([]float32, 0, R*n*s.cfg.Noise)
	for r, rng := range rs {
		for range n {
			idx[r] = append(idx[r], rng.IntN(s.cfg.Images))
		}
		for range n * s.cfg.Noise {
			z = append(z, float32(rng.NormFloat64()))
		}
		for range n {
			idx2[r] = append(idx2[r], rng.IntN(s.cfg.Images))
		}
	}
	return s.gather(idx), tensors.FromFlatDataAndDimensions(z, R, n, s.cfg.Noise), s.gather(idx2)
}

// train is the MNIST twin of trainGAN: one GAN per seed (and with null one
// perfect-generator null per seed) in one batched graph; with measure it
// records the checkpoints. It returns the validation score: the mean over
// seeds of confident share × covered/10 on fresh noise (NaN: diverged).
func (s *mnistSet) train(be compute.Backend, genClf *Exec, method string, lr float64, null bool, iters int, measure bool, tk *ticker) ([]GANRun, float64, error) {
	tk.phase(fmt.Sprintf("MNIST: %s at lr %g, %d iterations", method, lr, iters))
	m := s.cfg
	runList := gameRuns(s.seedList(), method, lr, null)
	R := len(runList)
	gNet, dNet := m.Nets()
	trainer, maskT, fake, err := batchedGame(be, gNet, dNet, runList, streamMGInit, streamMDInit, method, lr, s.beta1)
	if err != nil {
		return nil, 0, err
	}
	defer trainer.Finalize()
	rngs := make([]*rand.Rand, R)
	for r, run := range runList {
		rngs[r] = rand.New(rand.NewPCG(uint64(run.Seed), streamMTrain))
	}
	var meas *mnistMeasurer
	var check func(t int, gp, dp []*tensors.Tensor) error
	if measure {
		if meas, err = s.newMeasurer(be, gNet, dNet, runList, maskT, fake, iters); err != nil {
			return nil, 0, err
		}
		defer meas.exec.Finalize()
		check = meas.checkpoint
	}
	diverged, err := alternate(trainer, R, iters, m.Every,
		func() (real, noise, real2 *tensors.Tensor) { return s.draw(rngs, m.Batch) }, maskT, check, tk)
	if err != nil {
		return nil, 0, err
	}
	gp, _, err := trainer.Params()
	if err != nil {
		return nil, 0, err
	}
	vr := make([]*rand.Rand, R)
	for r, run := range runList {
		vr[r] = rand.New(rand.NewPCG(uint64(run.Seed), streamMValid))
	}
	_, vNoise, _ := s.draw(vr, m.Eval)
	probs, err := callProbs(genClf, append(append([]*tensors.Tensor{}, gp...), s.clf...), vNoise)
	if err != nil {
		return nil, 0, err
	}
	score, n := 0.0, 0
	for r, run := range runList {
		if run.Null {
			continue
		}
		q := digitQuality(probs[r])
		v := q.Confident * float64(q.Covered) / float64(data.MNISTClasses)
		if diverged[r] || math.IsNaN(q.Confident) {
			v = math.NaN()
		}
		score += v
		n++
	}
	score /= float64(n)
	if meas != nil {
		meas.finish(diverged)
		runList = meas.runList
	}
	return runList, score, nil
}

// mnistMeasurer is the MNIST twin of measurer: large-batch gradients of both
// players on two fixed evaluation sets, the classifier's quality of the
// generated images of set 1, and (for the non-null runs) the parameters and
// gradients of every checkpoint in float32 for the MVI check.
type mnistMeasurer struct {
	set          *mnistSet
	iters        int
	exec         *Exec
	runList      []GANRun
	sets         [2][3]*tensors.Tensor
	mask         *tensors.Tensor
	nG, nD       int
	gradG, gradD [][][]float32 // [checkpoint][run] gradient on set 1 (nil for a null)
	parG, parD   [][][]float32
}

// mnistSnapshot is the number of images a run keeps at each of its four snapshots.
const mnistSnapshot = 16

func (s *mnistSet) newMeasurer(be compute.Backend, gNet, dNet gan.Net, runList []GANRun, mask *tensors.Tensor,
	fake func(gp []*Node, noise, real2, m *Node) *Node, iters int) (*mnistMeasurer, error) {
	mm := &mnistMeasurer{set: s, iters: iters, runList: runList, mask: mask, nG: 2 * (len(gNet.Sizes) - 1), nD: 2 * (len(dNet.Sizes) - 1)}
	for set := range 2 {
		rs := make([]*rand.Rand, len(runList))
		for r, run := range runList {
			rs[r] = rand.New(rand.NewPCG(uint64(run.Seed), streamMEval*16+uint64(set)))
		}
		real, noise, real2 := s.draw(rs, s.cfg.Eval)
		mm.sets[set] = [3]*tensors.Tensor{real, noise, real2}
	}
	flat := func(grads []*Node) *Node {
		parts := make([]*Node, len(grads))
		for i, g := range grads {
			parts[i] = Reshape(g, g.Shape().Dimensions[0], -1) // [R, size]
		}
		return Concatenate(parts, 1)
	}
	nC := len(s.clf)
	var err error
	mm.exec, err = NewExec(be, func(in []*Node) []*Node {
		gp, dp, cp, b := in[:mm.nG], in[mm.nG:mm.nG+mm.nD], in[mm.nG+mm.nD:mm.nG+mm.nD+nC], in[mm.nG+mm.nD+nC:]
		x := fake(gp, b[1], b[2], b[3]) // [R, N, 784]
		lD := gan.DiscriminatorLoss(dNet.Forward(dp, b[0]), dNet.Forward(dp, x))
		lG := gan.GeneratorLoss(dNet.Forward(dp, x))
		return []*Node{flat(Gradient(ReduceAllSum(lG), gp...)), flat(Gradient(ReduceAllSum(lD), dp...)),
			s.classify(cp, x), Slice(x, AxisRange(), AxisRange(0, mnistSnapshot))}
	})
	return mm, err
}

func toF32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, v := range xs {
		out[i] = float32(v)
	}
	return out
}

func toF64(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}

func (mm *mnistMeasurer) checkpoint(t int, gp, dp []*tensors.Tensor) error {
	cfg := mm.set.cfg
	R := len(mm.runList)
	var gG, gD [2][][]float64
	var probs, snaps [][]float64
	for set := range 2 {
		args := make([]any, 0, mm.nG+mm.nD+len(mm.set.clf)+4)
		for _, p := range append(append(append([]*tensors.Tensor{}, gp...), dp...), mm.set.clf...) {
			args = append(args, p)
		}
		args = append(args, mm.sets[set][0], mm.sets[set][1], mm.sets[set][2], mm.mask)
		outs, err := mm.exec.Call(args...)
		if err != nil {
			return err
		}
		if gG[set], err = perRun(outs[0], R); err != nil {
			return err
		}
		if gD[set], err = perRun(outs[1], R); err != nil {
			return err
		}
		if set == 0 {
			if probs, err = perRun(outs[2], R); err != nil {
				return err
			}
			if snaps, err = perRun(outs[3], R); err != nil {
				return err
			}
		}
	}
	pG, err := flatPerRun(gp, R)
	if err != nil {
		return err
	}
	pD, err := flatPerRun(dp, R)
	if err != nil {
		return err
	}
	keep := func(xs [][]float64) [][]float32 {
		out := make([][]float32, R)
		for r, run := range mm.runList {
			if !run.Null {
				out[r] = toF32(xs[r])
			}
		}
		return out
	}
	mm.gradG, mm.gradD = append(mm.gradG, keep(gG[0])), append(mm.gradD, keep(gD[0]))
	mm.parG, mm.parD = append(mm.parG, keep(pG)), append(mm.parD, keep(pD))
	ratio := float64(cfg.Eval) / float64(cfg.Batch)
	for r := range mm.runList {
		run := &mm.runList[r]
		run.Iter = append(run.Iter, t)
		sg, ng, nn, mb := gradStats(gG[0][r], gG[1][r], ratio)
		run.SigG, run.NoiseG, run.NormG, run.MiniG = append(run.SigG, sg), append(run.NoiseG, ng), append(run.NormG, nn), append(run.MiniG, mb)
		sg, ng, nn, mb = gradStats(gD[0][r], gD[1][r], ratio)
		run.SigD, run.NoiseD, run.NormD, run.MiniD = append(run.SigD, sg), append(run.NoiseD, ng), append(run.NormD, nn), append(run.MiniD, mb)
		q := digitQuality(probs[r])
		run.Good, run.Cover = append(run.Good, q.Confident), append(run.Cover, q.Covered)
		if t == mm.iters {
			run.FinalGood, run.FinalCover, run.Success = q.Confident, q.Covered, !run.Null && mnistSuccess(q.Covered, q.Confident)
		}
		if run.Seed != mm.runList[0].Seed {
			continue // images are kept for the first seed only
		}
		for _, frac := range []int{10, 30, 60, 100} {
			if t == mm.iters*frac/100/cfg.Every*cfg.Every {
				img := make(runs.Series, len(snaps[r]))
				for i, v := range snaps[r] {
					img[i] = math.Round(v*1000) / 1000 // three decimals keep results.json small
				}
				run.SampleIter = append(run.SampleIter, t)
				run.Samples = append(run.Samples, img)
			}
		}
	}
	return nil
}

func (mm *mnistMeasurer) finish(diverged []bool) {
	last := len(mm.parG) - 1
	for r := range mm.runList {
		run := &mm.runList[r]
		run.Diverged = diverged[r]
		for k := range mm.parG {
			if run.Null {
				run.MVIG, run.MVID = append(run.MVIG, math.NaN()), append(run.MVID, math.NaN())
				continue
			}
			run.MVIG = append(run.MVIG, mviValue(toF64(mm.gradG[k][r]), toF64(mm.parG[k][r]), toF64(mm.parG[last][r])))
			run.MVID = append(run.MVID, mviValue(toF64(mm.gradD[k][r]), toF64(mm.parD[k][r]), toF64(mm.parD[last][r])))
		}
	}
}
