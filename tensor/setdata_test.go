package tensor_test

import (
	"strings"
	"testing"

	"gotensor/tensor"
)

// TestSetData checks PyTorch's x.data = u: t keeps its identity and autograd state, takes u's
// values, and a graph that saved t's old data refuses to backward.
func TestSetData(t *testing.T) {
	w := tensor.New([]float64{1, 2}, tensor.RequiresGrad()).SetName("w")
	w.Mul(3).Sum().Backward()
	u := tensor.New([][]float64{{5, 6, 7}}, tensor.Float64)
	if got := w.SetData(u); got != w {
		t.Fatalf("SetData returned another tensor")
	}
	if !w.Equal(u) || w.DType() != tensor.Float64 || !w.SharesStorage(u) {
		t.Errorf("after SetData w = %v (%v), want %v sharing its storage", w, w.DType(), u)
	}
	if !w.IsLeaf() || !w.RequiresGrad() || w.Name() != "w" || w.Grad() == nil {
		t.Errorf("after SetData: leaf %v, requires grad %v, name %q, grad %v; want a named leaf requiring grad with its grad", w.IsLeaf(), w.RequiresGrad(), w.Name(), w.Grad())
	}
	y := w.Mul(w).Sum()
	w.SetData(tensor.New([][]float64{{1, 1, 1}}))
	err := tensor.Maybe(func() { y.Backward() })
	if err == nil || !strings.Contains(err.Error(), "modified by an inplace operation") {
		t.Errorf("Backward after SetData of a saved tensor = %v, want the in-place error", err)
	}
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"non-leaf", "only supported on leaf tensors", func() { w.Mul(2).SetData(tensor.Ones(3)) }},
		{"integer data for a tensor requiring grad", "floating point", func() { w.SetData(tensor.New([]int{1})) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tensor.Maybe(tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SetData error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
