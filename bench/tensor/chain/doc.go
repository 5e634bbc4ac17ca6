// Command chain times gotensor's elementwise chain a.Mul(b).Add(c) on float32 tensors for
// bench/tensor/compare.py, which runs the same work in PyTorch and prints the comparison.
//
// It prints one JSON object: {"op", "dtype", "n", "times_ms"}. Each timing is one evaluation of
// the chain, including the allocation of its intermediate and result, as a notebook cell would
// pay; warm-up evaluations are not printed. Elements of the last result are checked against
// float32 arithmetic done here.
//
// It lives apart from bench/tensor/matmul so that matmul can still be measured while tensor/ is
// being changed and does not build.
package main
