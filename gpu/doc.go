// Package gpu finds NVIDIA GPUs and runs work on them through the CUDA driver, loaded at run time
// without cgo, so that one gotensor binary runs unchanged on hosts with and without a GPU.
//
// At first use the package opens libcuda.so.1 with github.com/ebitengine/purego (decision D1 in
// DESIGN.md: no cgo, no CUDA toolkit at build time), binds the driver functions it needs and
// initializes the driver. Available reports whether that worked and found a device; Err says why
// not, as in "CUDA is not available: libcuda.so.1 not found". Default returns "cuda" or "cpu" for
// the notebook idiom `device := gpu.Default()`. Setting GOTENSOR_CUDA=off hides every GPU;
// GOTENSOR_LIBCUDA names another driver library file.
//
// # Device contract
//
// tensor/ stores CUDA tensors in a *Buffer and needs only five things: Alloc, Release (free),
// CopyIn, CopyOut and Launch of a *Kernel. Embedded PTX kernels (elementwise add and multiply and
// a sum reduction over float32, a one-thread-per-element GEMM, generated from ptx/kernels.ll) are
// reached with AddF32, MulF32, SumF32, and Sgemm/Dgemm, which prefer cuBLAS (libcublas.so.13, .12
// or .11, opened the same way; GOTENSOR_LIBCUBLAS names another file, GOTENSOR_CUBLAS=off skips
// it) and fall back to the PTX GEMM; GemmBackend says which.
//
// # Strided kernels for tensors
//
// Package tensor's CUDA ops run on a second embedded module (ptx/tensor.ptx, generated as LLVM
// IR by ptx/gen_tensor.go): Unary, Binary, Compare and Cast walk up to MaxDims dimensions of
// Operands given by offset and strides (a stride of 0 broadcasts), for F32, F64, I64, I32 and
// Bool; Reduce reduces the rows of a contiguous input (sum, max, min, argmax, argmin). Dims
// contiguous in every operand are merged before launch. Driver failures are returned as errors carrying the driver's own error name and text;
// out-of-memory is an error wrapping ErrOutOfMemory, never a crash.
//
// # Threads
//
// A CUDA context is current per OS thread, so every driver call runs on one goroutine locked to
// its OS thread; the public functions hand work to it and wait. They are safe for concurrent use.
//
// # Memory
//
// GPU memory is invisible to Go's garbage collector. Buffers come from a caching allocator:
// Release returns a buffer's memory to a per-device cache for reuse, a cleanup registered with
// the runtime releases buffers that become unreachable without Release (a backstop, not a
// schedule: release explicitly), and EmptyCache hands cached memory back to the driver. An
// allocation the driver refuses for lack of memory empties the cache and retries once.
package gpu
