// Package seqtasks generates small synthetic sequence tasks for decoder-only
// models, from seeds, with no files: copy a list of tokens, or sort it in
// ascending or descending order.
//
// A sequence is
//
//	[task, x₁ … x_L, SEP, y₁ … y_L]        (2L + 2 tokens)
//
// where the xᵢ are content tokens drawn uniformly (with repetition) from
// 0 … Values−1, SEP = Values, the task token is Values+1+i for the i-th task
// of AllTasks, and y is x copied or sorted. With Values = 16 and L = 7 the
// vocabulary has 20 tokens and a sequence 16 positions — the spec's tiny
// Transformer task (our construction, not the paper's).
//
// A model reads the whole sequence and predicts every next token; only the
// answer y₁ … y_L is scored: Set.Targets[n, t] is the token at t+1 and
// Set.Mask[n, t] is 1 exactly at the L positions t = L+1 … 2L whose next
// token is part of the answer (the last position has no next token).
package seqtasks
