//go:build !amd64

package blas

// coreType returns "": outside x86-64, OpenBLAS's own detection is trusted.
func coreType() string { return "" }
