//go:build !(linux && (amd64 || arm64))

package blas

import (
	"fmt"
	"runtime"
)

// openBLAS is never loaded on this platform; the type exists so the chain compiles.
type openBLAS struct{ gonumImpl }

func (*openBLAS) describe() string { return "openblas" }

func loadOpenBLAS() (*openBLAS, error) {
	return nil, fmt.Errorf("loading OpenBLAS at run time is not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}
