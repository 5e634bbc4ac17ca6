package tensor_test

import (
	"errors"
	"fmt"
	"testing"

	"gotensor/tensor"
)

// noCrash runs f and fails unless it returns or panics with a *tensor.Error: every mistake a
// notebook user can make must come back as a readable tensor error, never a runtime panic.
func noCrash(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			var te *tensor.Error
			if e, ok := r.(error); !ok || !errors.As(e, &te) {
				t.Fatalf("%s panicked with %T: %v", what, r, r)
			}
		}
	}()
	f()
}

func FuzzSlice(f *testing.F) {
	for _, s := range []string{":, 1", "1:3", "::2, -1", "...", "None, 0", "5:1", "-9", "1:2:0", ",", "::", "...,...", "0,None,None"} {
		f.Add(s)
	}
	x := tensor.Arange(24).Reshape(2, 3, 4)
	f.Fuzz(func(t *testing.T, spec string) {
		noCrash(t, fmt.Sprintf("Slice(%q)", spec), func() { _ = x.Slice(spec).String() })
	})
}

// FuzzViews feeds arbitrary arguments to the shape-changing ops.
func FuzzViews(f *testing.F) {
	f.Add(uint8(0), int8(1), int8(0), int8(2))
	f.Add(uint8(7), int8(-1), int8(3), int8(-4))
	shapes := [][]int{{}, {3}, {2, 3}, {2, 1, 4}, {0, 2}}
	f.Fuzz(func(t *testing.T, op uint8, a, b, c int8) {
		for _, s := range shapes {
			x := tensor.Zeros(s)
			i, j, k := int(a), int(b), int(c)
			calls := []func(){
				func() { x.Transpose(i, j) }, func() { x.Squeeze(i) }, func() { x.Unsqueeze(i) },
				func() { x.Select(i, j) }, func() { x.Narrow(i, j, k) }, func() { x.SliceDim(i, j, k, 1) },
				func() { x.Reshape(i, j) }, func() { x.View(i) }, func() { x.Expand(i, j, k) },
				func() { x.Permute(i, j) }, func() { x.SumDim(i, j > 0) }, func() { x.MaxDim(i, true) },
				func() { x.Softmax(i) }, func() { x.Index(i, j) }, func() { x.Flatten().Reshape(-1, i) },
				func() { tensor.Zeros(i, j) }, func() { tensor.Arange(i, j, k) }, func() { tensor.Eye(i, j) },
				func() { x.Matmul(tensor.Zeros(i)) }, func() { x.Gather(i, tensor.Zeros(s, tensor.Int64).Add(j)) },
				func() { tensor.Cat([]*tensor.Tensor{x, tensor.Zeros(i, j)}, k) }, func() { tensor.Linspace(0, 1, i) },
			}
			call := calls[int(op)%len(calls)]
			noCrash(t, fmt.Sprintf("op %d (%d, %d, %d) on %v", int(op)%len(calls), i, j, k, s), call)
		}
	})
}
