//go:build !amd64

package blas

import (
	"fmt"
	"runtime"
)

// Only amd64 has microkernels; elsewhere the native backend is never chosen.
func nativeVariants() []nativeImpl { return nil }

func nativeBest() (nativeImpl, error) {
	return nativeImpl{}, fmt.Errorf("no native kernels for %s", runtime.GOARCH)
}
