// Command matmul times gotensor's square matrix multiplication (blas.Sgemm and blas.Dgemm) for
// bench/tensor/compare.py, which runs the same work in PyTorch and prints the comparison.
//
// It prints one JSON object per line: {"op", "dtype", "n", "backend", "times_ms"}. Each timing is
// one call; warm-up calls are not printed. A few entries of each product are checked against a
// naive sum so that a fast wrong answer cannot pass as a result.
package main
