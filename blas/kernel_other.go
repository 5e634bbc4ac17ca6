//go:build !amd64

package blas

import (
	"fmt"
	"runtime"
)

// Only amd64 has microkernels; elsewhere the native backend is never chosen.
var (
	sgemmKernel kernelFunc[float32]
	dgemmKernel kernelFunc[float64]
)

func nativeAvailable() error {
	return fmt.Errorf("no native kernels for %s", runtime.GOARCH)
}
