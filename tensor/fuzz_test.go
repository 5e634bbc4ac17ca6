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

// TestEveryOpEveryDType runs each op on each dtype (and 0-dim and empty shapes): results or
// tensor errors, never runtime panics.
func TestEveryOpEveryDType(t *testing.T) {
	dts := []tensor.DType{tensor.Float32, tensor.Float64, tensor.Int64, tensor.Int32, tensor.Bool}
	shapes := [][]int{{}, {3}, {2, 3}, {0, 3}}
	ops := map[string]func(a, b *tensor.Tensor){
		"Add": func(a, b *tensor.Tensor) { a.Add(b) }, "Sub": func(a, b *tensor.Tensor) { a.Sub(b) },
		"Mul": func(a, b *tensor.Tensor) { a.Mul(b) }, "Div": func(a, b *tensor.Tensor) { a.Div(b) },
		"Pow": func(a, b *tensor.Tensor) { a.Pow(b) }, "Maximum": func(a, b *tensor.Tensor) { a.Maximum(b) },
		"Eq": func(a, b *tensor.Tensor) { a.Eq(b) }, "Where": func(a, b *tensor.Tensor) { tensor.Where(a.Gt(0), a, b) },
		"Matmul": func(a, b *tensor.Tensor) { a.Matmul(b) }, "Neg": func(a, b *tensor.Tensor) { a.Neg() },
		"Exp": func(a, b *tensor.Tensor) { a.Exp() }, "Abs": func(a, b *tensor.Tensor) { a.Abs() },
		"ReLU": func(a, b *tensor.Tensor) { a.ReLU() }, "Clamp": func(a, b *tensor.Tensor) { a.Clamp(0, 1) },
		"Sum": func(a, b *tensor.Tensor) { a.Sum() }, "Mean": func(a, b *tensor.Tensor) { a.Mean() },
		"Max": func(a, b *tensor.Tensor) { a.Max() }, "ArgMin": func(a, b *tensor.Tensor) { a.ArgMin() },
		"Var": func(a, b *tensor.Tensor) { a.Var() }, "Softmax": func(a, b *tensor.Tensor) { a.Softmax(-1) },
		"SumDim": func(a, b *tensor.Tensor) { a.SumDim(-1, true) }, "StdDim": func(a, b *tensor.Tensor) { a.StdDim(0, false) },
		"MaxDim": func(a, b *tensor.Tensor) { a.MaxDim(-1, false) }, "String": func(a, b *tensor.Tensor) { _ = a.String() },
		"Add_": func(a, b *tensor.Tensor) { a.Clone().Add_(b) }, "Copy_": func(a, b *tensor.Tensor) { a.Clone().Copy_(b) },
		"Backward": func(a, b *tensor.Tensor) { a.SetRequiresGrad(true).Mul(b).Sum().Backward() },
		"Float64s": func(a, b *tensor.Tensor) { a.Float64s(); a.Bools(); a.Int64s() },
		"Cat":      func(a, b *tensor.Tensor) { tensor.Cat([]*tensor.Tensor{a, b}, 0) },
		"Dense":    func(a, b *tensor.Tensor) { a.Dense() },
	}
	for name, op := range ops {
		for _, da := range dts {
			for _, db := range dts {
				for _, sa := range shapes {
					for _, sb := range shapes {
						a, b := tensor.Ones(sa, da), tensor.Ones(sb, db)
						noCrash(t, fmt.Sprintf("%s(%v %v, %v %v)", name, da, sa, db, sb), func() { op(a, b) })
					}
				}
			}
		}
	}
}
