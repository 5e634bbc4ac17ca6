package blas_test

import (
	"fmt"

	"gotensor/blas"
)

// Multiply a 2×3 matrix by a 3×2 matrix, both row-major.
func ExampleSgemm() {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := make([]float32, 4)
	blas.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

// Backend says which implementation multiplies, such as
// "openblas (libopenblas.so.0, OpenBLAS 0.3.21, OPENBLAS_CORETYPE=Cooperlake from CPU features,
// core Cooperlake, 2 threads)"; it depends on the host, so this example is not run.
func ExampleBackend() {
	fmt.Println(blas.Backend())
}
