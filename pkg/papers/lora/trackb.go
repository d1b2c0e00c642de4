package lora

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/transformer"
	"theorylab/pkg/runs"
	"theorylab/pkg/seqtasks"
	"theorylab/pkg/train"
)

// TrackB configures the full preset's second track (our construction): a
// tiny decoder-only Transformer pretrained on "copy" and "sort ascending"
// sequences (pkg/seqtasks), then adapted to "sort descending" by full
// fine-tuning, LoRA on {W_q, W_v} at several ranks, and LoRA on all four
// attention matrices at the same budget as {W_q, W_v} at twice the rank;
// the frozen pretrained model is the baseline. Embeddings, LayerNorms, MLPs
// and the output layer stay frozen under LoRA. As in Track A, every
// adaptation (full FT and each LoRA variant) trains at every learning rate of
// LRGrid on the same AdaptSeqs sequences and keeps the rate with the best
// median validation answer-token accuracy over seeds on ValSeqs further
// sort-descending sequences (their own stream, apart from the training and
// test sequences).
type TrackB struct {
	Values int `json:"values"` // content tokens (16 → vocabulary 20)
	Length int `json:"length"` // list length (7 → 16 positions)
	DModel int `json:"d_model"`
	Heads  int `json:"heads"`
	MLP    int `json:"mlp"`
	Layers int `json:"layers"`

	PretrainSeqs int       `json:"pretrain_seqs"` // copy + sort-ascending sequences, seen once
	AdaptSeqs    int       `json:"adapt_seqs"`    // sort-descending sequences, seen once by every run
	ValSeqs      int       `json:"val_seqs"`      // sort-descending validation sequences (choose the learning rate)
	TestSeqs     int       `json:"test_seqs"`     // held-out sequences per task
	Batch        int       `json:"batch"`
	PretrainLR   float64   `json:"pretrain_lr"`
	LRGrid       []float64 `json:"lr_grid"` // adaptation learning rates, increasing; every variant runs them all
	Alpha        float64   `json:"alpha"`
	QVRanks      []int     `json:"qv_ranks"` // ranks of LoRA on {W_q, W_v}
	AllRank      int       `json:"all_rank"` // rank of LoRA on {W_q, W_k, W_v, W_o} (same budget as {W_q, W_v} at 2·AllRank)
}

// FullTrackB is the spec's Track B: 2 layers, d_model 64, 4 heads, MLP 256,
// vocabulary 20, 16 positions; pretraining on 32,000 sequences (500 steps,
// enough for ≥ 99% of answer tokens right on both pretraining tasks in a
// trial run), adaptation on 20,000 (the spec's "about 20k sequences per run")
// at every rate of {3e-4, 1e-3, 3e-3} — a grid that spans the earlier fixed
// rates (full FT 3e-4, LoRA 2e-3) — chosen on 1,000 validation sequences.
func FullTrackB() *TrackB {
	return &TrackB{Values: 16, Length: 7, DModel: 64, Heads: 4, MLP: 256, Layers: 2,
		PretrainSeqs: 32000, AdaptSeqs: 20000, ValSeqs: 1000, TestSeqs: 2000, Batch: 64,
		PretrainLR: 1e-3, LRGrid: []float64{3e-4, 1e-3, 3e-3}, Alpha: 8, QVRanks: []int{1, 4, 8}, AllRank: 4}
}

func (b *TrackB) format() seqtasks.Format { return seqtasks.Format{Values: b.Values, Length: b.Length} }

// Model is Track B's network.
func (b *TrackB) Model() transformer.Config {
	f := b.format()
	return transformer.Config{Vocab: f.Vocab(), SeqLen: f.SeqLen(), DModel: b.DModel, Heads: b.Heads, MLP: b.MLP, Layers: b.Layers}
}

func (b *TrackB) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("lora: transformer."+format, args...))
	}
	if err := b.format().Validate(); err != nil {
		bad("values/length: %v", err)
	}
	if err := b.Model().Validate(); err != nil {
		bad("model: %v", err)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"pretrain_seqs", b.PretrainSeqs}, {"adapt_seqs", b.AdaptSeqs}, {"val_seqs", b.ValSeqs}, {"test_seqs", b.TestSeqs}} {
		if f.v < b.Batch {
			bad("%s (%d) must be at least one batch (%d)", f.name, f.v, b.Batch)
		}
	}
	if b.Batch < 1 {
		bad("batch must be ≥ 1, got %d", b.Batch)
	}
	for _, lr := range []struct {
		name string
		v    float64
	}{{"pretrain_lr", b.PretrainLR}, {"alpha", b.Alpha}} {
		if !(lr.v > 0) || math.IsInf(lr.v, 0) {
			bad("%s must be positive and finite, got %v", lr.name, lr.v)
		}
	}
	for _, p := range lrGridProblems(b.LRGrid) {
		bad("%s", p)
	}
	if len(b.QVRanks) == 0 {
		bad("qv_ranks is empty")
	}
	for _, r := range append(slices.Clone(b.QVRanks), b.AllRank) {
		if r < 1 || r > b.DModel {
			bad("ranks must lie in [1, d_model = %d], got %d", b.DModel, r)
		}
	}
	return errors.Join(errs...)
}

// SeqVariant is one adaptation of Track B on every seed, at the learning
// rate chosen on the validation sequences.
type SeqVariant struct {
	Name      string      `json:"name"`
	Matrices  []string    `json:"matrices,omitempty"`
	Rank      int         `json:"rank,omitempty"`
	Trainable int         `json:"trainable"`
	LR        float64     `json:"lr,omitempty"`        // the chosen rate (0: the frozen model)
	GridVal   []float64   `json:"grid_val,omitempty"`  // median validation answer-token accuracy over seeds per LRGrid entry
	GridTest  []float64   `json:"grid_test,omitempty"` // median test answer-token accuracy per LRGrid entry (reported, never used to choose)
	TokenAcc  runs.Series `json:"token_acc"`           // sort-descending answer tokens right, per seed
	SeqAcc    runs.Series `json:"seq_acc"`             // whole answers right, per seed
	Loss      runs.Series `json:"loss"`                // training loss of the first seed at the chosen rate, every 10th step
	Seconds   float64     `json:"seconds"`
}

// TrackBResults is what Track B measures.
type TrackBResults struct {
	Params       int         `json:"params"`
	PretrainLoss runs.Series `json:"pretrain_loss"` // every 10th step
	CopyAcc      [2]float64  `json:"copy_acc"`      // token, sequence accuracy after pretraining
	AscAcc       [2]float64  `json:"asc_acc"`
	LRGrid       []float64   `json:"lr_grid"` // the adaptation grid every variant ran
	// ValOverlap is the number of validation sequences whose input list also
	// occurs among the adaptation or the sort-descending test sequences (the
	// sets are drawn independently; with 16⁷ possible lists this is ≈ 0).
	ValOverlap int          `json:"val_overlap"`
	Variants   []SeqVariant `json:"variants"`
	Seconds    float64      `json:"seconds"`
}

// runTrackB pretrains the Transformer and adapts it with every variant on
// every seed and every rate of the grid at once (run q = s·G + g is seed s
// at LRGrid[g], with the per-run rate of Track A's adapt: θ = c_q·φ, Adam at
// the grid's smallest rate). All rates of one seed share the adapter draw
// and the batch order.
func (e *experiment) runTrackB() (*TrackBResults, error) {
	b := e.cfg.Transformer
	start := time.Now()
	if err := b.validate(); err != nil {
		return nil, err
	}
	f, m := b.format(), b.Model()
	res := &TrackBResults{Params: m.NumParams(), LRGrid: slices.Clone(b.LRGrid)}
	pre, err := seqtasks.Generate(f, []seqtasks.Task{seqtasks.Copy, seqtasks.SortAsc}, b.PretrainSeqs, stream(e.cfg.Seed, streamSeqData))
	if err != nil {
		return nil, err
	}
	ada, err := seqtasks.Generate(f, []seqtasks.Task{seqtasks.SortDesc}, b.AdaptSeqs, stream(e.cfg.Seed, streamSeqData)+1)
	if err != nil {
		return nil, err
	}
	tests := map[seqtasks.Task]*seqtasks.Set{}
	for i, t := range seqtasks.AllTasks {
		if tests[t], err = seqtasks.Generate(f, []seqtasks.Task{t}, b.TestSeqs, stream(e.cfg.Seed, streamSeqData)+2+uint64(i)); err != nil {
			return nil, err
		}
	}
	val, err := seqtasks.Generate(f, []seqtasks.Task{seqtasks.SortDesc}, b.ValSeqs, stream(e.cfg.Seed, streamSeqVal))
	if err != nil {
		return nil, err
	}
	res.ValOverlap = overlap(val, ada, tests[seqtasks.SortDesc])
	names := m.ParamNames()
	init, err := m.InitParams([]uint64{uint64(e.cfg.Seed)}, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	var params []train.Param
	for i, p := range init {
		params = append(params, train.Param{Name: names[i], Value: p, Trainable: true})
	}
	np := len(names)
	pretrained, losses, err := e.trainSeq(params, b.PretrainLR, nil, transformer.Adapters{}, pre, []uint64{stream(e.cfg.Seed, streamPretrainOrder)})
	if err != nil {
		return nil, fmt.Errorf("lora: Track B pretraining: %w", err)
	}
	res.PretrainLoss = losses[0]
	plain, err := e.seqEvaluator(m, transformer.Adapters{})
	if err != nil {
		return nil, err
	}
	defer plain.Finalize()
	for _, t := range []seqtasks.Task{seqtasks.Copy, seqtasks.SortAsc} {
		tok, seq, err := plain.score(pretrained, tests[t])
		if err != nil {
			return nil, err
		}
		if t == seqtasks.Copy {
			res.CopyAcc = [2]float64{tok[0], seq[0]}
		} else {
			res.AscAcc = [2]float64{tok[0], seq[0]}
		}
	}
	// The frozen pretrained model on the new task.
	tok, seq, err := plain.score(pretrained, tests[seqtasks.SortDesc])
	if err != nil {
		return nil, err
	}
	res.Variants = append(res.Variants, SeqVariant{Name: "frozen", TokenAcc: tok, SeqAcc: seq})

	seeds := e.seeds()
	S, G := len(seeds), len(b.LRGrid)
	R := S * G
	orderSeeds, adapterSeeds := make([]uint64, R), make([]uint64, R)
	scale := make([]float64, R) // c_q = LRGrid[g]/LRGrid[0]
	for q := range R {
		orderSeeds[q] = stream(seeds[q/G], streamAdaptOrder)
		adapterSeeds[q] = stream(seeds[q/G], streamAdapter)
		scale[q] = b.LRGrid[q%G] / b.LRGrid[0]
	}
	type spec struct {
		name string
		ad   transformer.Adapters
	}
	specs := []spec{{name: "full FT"}}
	for _, r := range b.QVRanks {
		specs = append(specs, spec{fmt.Sprintf("LoRA {q,v} r=%d", r), transformer.Adapters{Matrices: []string{"q", "v"}, Rank: r, Alpha: b.Alpha}})
	}
	specs = append(specs, spec{fmt.Sprintf("LoRA {q,k,v,o} r=%d", b.AllRank), transformer.Adapters{Matrices: []string{"q", "k", "v", "o"}, Rank: b.AllRank, Alpha: b.Alpha}})
	for _, sp := range specs {
		vstart := time.Now()
		v := SeqVariant{Name: sp.name, Matrices: sp.ad.Matrices, Rank: sp.ad.Rank}
		full := len(sp.ad.Matrices) == 0
		var ps []train.Param
		for i, p := range pretrained[:np] {
			ps = append(ps, train.Param{Name: names[i], Value: replicate(p, R), Trainable: full})
		}
		if !full {
			ads, err := sp.ad.Init(m, adapterSeeds, dtypes.Float32)
			if err != nil {
				return nil, err
			}
			for i, a := range ads {
				ps = append(ps, train.Param{Name: fmt.Sprintf("adapter%d", i), Value: a, Trainable: true})
			}
		}
		for i := range ps {
			if ps[i].Trainable {
				size := 1
				for _, d := range ps[i].Value.Shape().Dimensions[1:] {
					size *= d
				}
				v.Trainable += size
				ps[i].Value = scaleRuns(ps[i].Value, scale, true) // φ = θ/c
			}
		}
		final, losses, err := e.trainSeq(ps, b.LRGrid[0], scale, sp.ad, ada, orderSeeds)
		if err != nil {
			var d *train.DivergedError
			if errors.As(err, &d) {
				return nil, fmt.Errorf("lora: Track B %s seed %d at lr %g diverged: %w", v.Name, seeds[d.Run/G], b.LRGrid[d.Run%G], err)
			}
			return nil, fmt.Errorf("lora: Track B %s: %w", v.Name, err)
		}
		for i := range final {
			if ps[i].Trainable {
				final[i] = scaleRuns(final[i], scale, false) // θ = c·φ
			}
		}
		ev := plain
		if !full {
			if ev, err = e.seqEvaluator(m, sp.ad); err != nil {
				return nil, err
			}
		}
		valTok, _, err := ev.score(final, val)
		if err != nil {
			return nil, err
		}
		testTok, testSeq, err := ev.score(final, tests[seqtasks.SortDesc])
		if err != nil {
			return nil, err
		}
		if ev != plain {
			ev.Finalize()
		}
		// The learning rate: best median validation answer-token accuracy over seeds.
		var best int
		v.GridVal, v.GridTest, best = chooseLR(valTok, testTok, G)
		v.LR = b.LRGrid[best]
		for si := range S {
			v.TokenAcc = append(v.TokenAcc, testTok[si*G+best])
			v.SeqAcc = append(v.SeqAcc, testSeq[si*G+best])
		}
		v.Loss = losses[best] // the first seed's runs are q = 0 … G−1
		v.Seconds = time.Since(vstart).Seconds()
		res.Variants = append(res.Variants, v)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// Track B's seed streams: the sequence sets (streamSeqData + 0 … 4:
// pretraining, adaptation, the three test sets) and the validation set.
const (
	streamSeqData = 6
	streamSeqVal  = 11
)

// overlap counts the sequences of val whose input also occurs in one of others.
func overlap(val *seqtasks.Set, others ...*seqtasks.Set) int {
	T := val.Format.SeqLen()
	key := func(s *seqtasks.Set, i int) string { return fmt.Sprint(s.Tokens[i*T : (i+1)*T]) }
	seen := map[string]bool{}
	for _, o := range others {
		for i := range o.N {
			seen[key(o, i)] = true
		}
	}
	n := 0
	for i := range val.N {
		if seen[key(val, i)] {
			n++
		}
	}
	return n
}

// trainSeq trains params (with adapters ad, when any) on one pass over set,
// R runs with their own orders, and returns the final parameters and each
// run's loss every 10th step. With scale (one factor c_q per run), every
// trainable parameter enters the model as c_q·φ (see scaleParams): Adam at
// rate lr then trains run q as at rate c_q·lr.
func (e *experiment) trainSeq(params []train.Param, lr float64, scale []float64, ad transformer.Adapters, set *seqtasks.Set, orderSeeds []uint64) ([]*tensors.Tensor, []runs.Series, error) {
	b := e.cfg.Transformer
	m := b.Model()
	np := len(m.ParamNames())
	trainable := func(i int) bool { return params[i].Trainable }
	loss := func(ps, batch []*Node) *Node {
		if scale != nil {
			ps = scaleParams(ps, scale, trainable)
		}
		logits := m.Forward(ps[:np], ps[np:], ad, batch[0]) // [R, B, T, V]
		return train.MaskedSoftmaxCrossEntropy(logits, batch[1], batch[2])
	}
	mb, err := train.NewMinibatch(e.be, params, e.adam(lr), loss)
	if err != nil {
		return nil, nil, err
	}
	defer mb.Finalize()
	batches, err := train.NewBatcher(set.N, b.Batch, orderSeeds)
	if err != nil {
		return nil, nil, err
	}
	T, V := m.SeqLen, m.Vocab
	R := len(orderSeeds)
	curves := make([]runs.Series, R)
	for step := range batches.StepsPerEpoch() {
		idx := batches.Next()
		var x, y, mask []float32
		for _, run := range idx {
			x = append(x, set.OneHot(run, false)...)
			y = append(y, set.OneHot(run, true)...)
			mask = append(mask, set.Masks(run)...)
		}
		losses, err := mb.Step(tensors.FromFlatDataAndDimensions(x, R, b.Batch, T, V),
			tensors.FromFlatDataAndDimensions(y, R, b.Batch, T, V), tensors.FromFlatDataAndDimensions(mask, R, b.Batch, T))
		if err != nil {
			return nil, nil, fmt.Errorf("step %d: %w", step, err)
		}
		if step%10 == 0 {
			for r := range R {
				curves[r] = append(curves[r], losses[r])
			}
		}
		e.tick(fmt.Sprintf("Track B loss %.3f", losses[0]))
	}
	final, err := mb.Params()
	return final, curves, err
}

// seqEvaluator scores a Transformer on a sequence set.
type seqEvaluator struct {
	*train.Evaluator
	np int
}

func (e *experiment) seqEvaluator(m transformer.Config, ad transformer.Adapters) (*seqEvaluator, error) {
	np := len(m.ParamNames())
	f, err := train.NewEvaluator(e.be, 500, []int{m.SeqLen, m.Vocab}, func(ps []*Node, x *Node) *Node {
		return ConvertDType(ArgMax(m.Forward(ps[:np], ps[np:], ad, x), -1), dtypes.Float32) // [R, B, T] predicted tokens
	})
	if err != nil {
		return nil, err
	}
	return &seqEvaluator{Evaluator: f, np: np}, nil
}

// score returns token and sequence accuracy per run.
func (s *seqEvaluator) score(params []*tensors.Tensor, set *seqtasks.Set) (tok, seq runs.Series, err error) {
	all := make([]int, set.N)
	for i := range all {
		all[i] = i
	}
	pred, err := s.Outputs(params, set.OneHot(all, false), set.N)
	if err != nil {
		return nil, nil, err
	}
	R := params[0].Shape().Dimensions[0]
	per := len(pred) / R
	for r := range R {
		p := make([]int, per)
		for i, v := range pred[r*per : (r+1)*per] {
			p[i] = int(v)
		}
		t, q, err := set.Score(p)
		if err != nil {
			return nil, nil, err
		}
		tok, seq = append(tok, t), append(seq, q)
	}
	return tok, seq, nil
}
