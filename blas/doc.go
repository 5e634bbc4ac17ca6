// Package blas multiplies dense row-major matrices with the fastest BLAS this host offers.
//
// At first use it tries, in order, a system BLAS loaded at run time without cgo (OpenBLAS from
// Debian's libopenblas0-pthread, through purego), then gonum's pure-Go BLAS. Backend names the one
// in use. All matrices are row-major; lda, ldb and ldc are row strides in elements. Inputs are never
// modified; c is written as c = alpha·op(a)·op(b) + beta·c.
//
// The functions are safe for concurrent use.
package blas
