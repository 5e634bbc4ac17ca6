package blas

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Sgemm computes c = alpha·op(a)·op(b) + beta·c for row-major float32 matrices, where op(a) is
// m×k and op(b) is k×n; transA and transB select the transpose of a and b.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	route(m, n, k).sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm is Sgemm for float64.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	route(m, n, k).dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// smallWork is the product size (m·n·k multiply-adds) below which gonum runs whatever the
// backend: there a call into OpenBLAS costs about 1 µs of overhead and the native kernels pay
// for packing and partial tiles, while gonum multiplies 8×8 matrices in under 100 ns
// (BenchmarkSgemmSmall).
const smallWork = 1 << 15

// route picks the implementation for one product.
func route(m, n, k int) impl {
	if int64(m)*int64(n)*int64(k) < smallWork {
		return gonumImpl{}
	}
	return active()
}

// Backend names the implementation in use for products of 32768 multiply-adds or more
// (smaller ones always run on gonum) and why earlier choices were skipped, such as
// "openblas (libopenblas.so.0, OpenBLAS 0.3.21, OPENBLAS_CORETYPE=Cooperlake from CPU features,
// core Cooperlake, 2 threads)" or "native (Go with AVX-512 microkernels; openblas skipped:
// libopenblas.so.0: cannot open shared object file: No such file or directory)".
func Backend() string {
	active()
	return chosen.desc
}

// EnvBackend is the environment variable that forces a backend: "openblas", "native", "gonum"
// or "auto".
const EnvBackend = "GOTENSOR_BLAS"

// EnvLibrary is the environment variable naming the OpenBLAS library file to open.
const EnvLibrary = "GOTENSOR_OPENBLAS"

// impl is one BLAS backend. Arguments have been checked by checkGemm, and m, n > 0.
type impl interface {
	sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}

var (
	chooseOnce sync.Once
	chosen     struct {
		impl impl
		desc string
	}
)

func active() impl {
	chooseOnce.Do(func() { chosen.impl, chosen.desc = choose(os.Getenv(EnvBackend)) })
	return chosen.impl
}

// choose walks the fallback chain OpenBLAS → native AVX-512/AVX2 kernels → gonum, honouring a forced
// choice, and describes the outcome with the reason each skipped backend gave.
func choose(force string) (impl, string) {
	var skipped []string
	switch f := strings.ToLower(strings.TrimSpace(force)); f {
	case "", "auto", "openblas":
		ob, err := loadOpenBLAS()
		if err == nil {
			return ob, ob.describe()
		}
		skipped = append(skipped, fmt.Sprintf("openblas skipped: %v", err))
		fallthrough
	case "native":
		if f == "native" {
			skipped = append(skipped, fmt.Sprintf("forced by %s=%s", EnvBackend, force))
		}
		ni, err := nativeBest()
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("native kernels skipped: %v", err))
			break
		}
		return ni, "native (Go with " + ni.isa + " microkernels; " + strings.Join(skipped, "; ") + ")"
	case "gonum":
		skipped = append(skipped, fmt.Sprintf("forced by %s=%s", EnvBackend, force))
	default:
		skipped = append(skipped, fmt.Sprintf("%s=%q is not one of auto, openblas, native, gonum", EnvBackend, force))
	}
	return gonumImpl{}, "gonum (pure Go; " + strings.Join(skipped, "; ") + ")"
}

// checkGemm panics, as gonum's BLAS does, when the arguments do not describe valid row-major
// matrices. It runs before any backend so that foreign code never reads out of bounds.
func checkGemm(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if m < 0 {
		panic("blas: m < 0")
	}
	if n < 0 {
		panic("blas: n < 0")
	}
	if k < 0 {
		panic("blas: k < 0")
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	if lda < max(1, colsA) {
		panic("blas: bad leading dimension of A")
	}
	if ldb < max(1, colsB) {
		panic("blas: bad leading dimension of B")
	}
	if ldc < max(1, n) {
		panic("blas: bad leading dimension of C")
	}
	if rowsA > 0 && colsA > 0 && lenA < lda*(rowsA-1)+colsA {
		panic("blas: insufficient length of a")
	}
	if rowsB > 0 && colsB > 0 && lenB < ldb*(rowsB-1)+colsB {
		panic("blas: insufficient length of b")
	}
	if m > 0 && n > 0 && lenC < ldc*(m-1)+n {
		panic("blas: insufficient length of c")
	}
	if m > maxInt32 || n > maxInt32 || k > maxInt32 || lda > maxInt32 || ldb > maxInt32 || ldc > maxInt32 {
		panic("blas: dimension exceeds the 32-bit BLAS integer")
	}
}

const maxInt32 = 1<<31 - 1
