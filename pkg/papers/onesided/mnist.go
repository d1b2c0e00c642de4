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
	st := set.study(genClf)
	train := func(method string, lr float64, null bool, iters int, measure bool) ([]GANRun, float64, error) {
		return st.train(be, method, lr, null, iters, measure, tk)
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

// mnistStudy is the MNIST GAN (C) as a study: real images from the
// study's training images, scored by the classifier (the confident share ×
// the share of digits covered), with genClf the generator followed by the
// classifier for the validation. The measuring graph also returns the
// classifier's probabilities of the generated images of each evaluation set
// and its first 16 images, which the first seed keeps at the snapshots; a
// null's MVI values are NaN (its parameters and gradients are not kept, to
// save memory).
func (s *mnistSet) study(genClf *Exec) *study {
	m := s.cfg
	gNet, dNet := m.Nets()
	return &study{name: "MNIST", seeds: s.seedList(), gNet: gNet, dNet: dNet, beta1: s.beta1,
		batch: m.Batch, eval: m.Eval, every: m.Every,
		gStream: streamMGInit, dStream: streamMDInit, trainStream: streamMTrain, evalStream: streamMEval, validStream: streamMValid,
		draw: s.draw,
		score: func(gp []*tensors.Tensor, noise *tensors.Tensor) ([]float64, error) {
			probs, err := callProbs(genClf, append(append([]*tensors.Tensor{}, gp...), s.clf...), noise)
			if err != nil {
				return nil, err
			}
			scores := make([]float64, len(probs))
			for r := range probs {
				q := digitQuality(probs[r])
				scores[r] = q.Confident * float64(q.Covered) / float64(data.MNISTClasses)
				if math.IsNaN(q.Confident) {
					scores[r] = math.NaN()
				}
			}
			return scores, nil
		},
		probe: probe{
			consts: s.clf,
			outputs: func(cp []*Node, x *Node) []*Node {
				return []*Node{s.classify(cp, x), Slice(x, AxisRange(), AxisRange(0, mnistSnapshot))}
			},
			quality: func(outs [][][]float64, r int) (float64, int, bool) {
				q := digitQuality(outs[0][r])
				return q.Confident, q.Covered, mnistSuccess(q.Covered, q.Confident)
			},
			snapshot: func(outs [][][]float64, r int, firstSeed bool) runs.Series {
				if !firstSeed {
					return nil // images are kept for the first seed only
				}
				img := make(runs.Series, len(outs[1][r]))
				for i, v := range outs[1][r] {
					img[i] = math.Round(v*1000) / 1000 // three decimals keep results.json small
				}
				return img
			},
		},
	}
}

// mnistSnapshot is the number of images a run keeps at each of its four snapshots.
const mnistSnapshot = 16
