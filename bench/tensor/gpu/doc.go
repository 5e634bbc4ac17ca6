// Command gpu times gotensor's device work for bench/tensor/compare.py: an 8192² float32 GEMM
// (gpu.Sgemm: cuBLAS or the PTX kernel) and out = a + b on 2^26 float32 (gpu.AddF32), each
// call followed by gpu.Synchronize. Where CUDA is not available it prints one JSON object saying
// why and exits 0, so that the comparison still runs and says so.
//
// It prints one JSON object per line: {"op", "dtype", "n", "backend", "times_ms"}, or
// {"op": "unavailable", "reason"}. Results are spot-checked against arithmetic on the host.
package main
