// Package blas multiplies dense row-major matrices with the fastest BLAS this host offers.
//
// At first use it picks a backend, in order: OpenBLAS loaded at run time without cgo (Debian's
// libopenblas0-pthread, opened with github.com/ebitengine/purego); gotensor's own GEMM ("native":
// packing and blocking in Go around AVX-512 microkernels in Go assembly, on CPUs that have
// AVX-512); gonum's pure-Go BLAS. Backend names the one in use and why the others were skipped.
// Products smaller than 32768 multiply-adds (such as 32×32·32×32) always run on gonum, whose
// call costs nothing extra. The environment variable GOTENSOR_BLAS forces a choice: "native" or "gonum" start the chain
// there, "openblas", "" or "auto" try it all.
// GOTENSOR_OPENBLAS names another library file to open instead of libopenblas.so.0.
//
// Debian's OpenBLAS mis-detects some CPUs (an AVX-512 AMD EPYC here runs as "Prescott", about
// 7× slower), so before the library loads, OPENBLAS_CORETYPE is set from the CPU's real features
// unless the user set it already. OPENBLAS_NUM_THREADS, when set, is also left alone; otherwise
// OpenBLAS runs GOMAXPROCS threads.
//
// All matrices are row-major; lda, ldb and ldc are row strides in elements, at least the row
// length. Inputs are never modified; c is written as c = alpha·op(a)·op(b) + beta·c. Arguments that
// do not describe valid matrices (short slices, small strides, negative sizes) panic with a
// "blas: ..." message before any foreign code runs, as gonum's BLAS does.
//
// The functions are safe for concurrent use. Calls into OpenBLAS are serialized: the library
// already spreads one multiplication over every core, and Debian's 0.3.21 build is not reliably
// safe for concurrent callers.
package blas
