package tensor_test

import (
	"reflect"
	"testing"

	"gotensor/tensor"
)

// TestSavedNames checks the slot names of saved tensors (PyTorch's _saved_* attributes) and
// that a Go number saved as an operand is marked as wrapped.
func TestSavedNames(t *testing.T) {
	x := tensor.New([]float64{1, 2}, tensor.RequiresGrad())
	m := tensor.Ones(2, 2, tensor.RequiresGrad())
	cases := []struct {
		name    string
		y       *tensor.Tensor
		want    []string
		wrapped []bool
	}{
		{"Mul by number", x.Mul(2), []string{"other"}, []bool{true}}, // as torch: (x*2).grad_fn._saved_self is None
		{"Mul by a constant tensor", tensor.Ones(2).Mul(x), []string{"self"}, []bool{false}},
		{"Mul", x.Mul(x), []string{"self", "other"}, []bool{false, false}},
		{"Pow by tensor", x.Pow(x), []string{"self", "exponent", "result"}, []bool{false, false, false}},
		{"Pow by number", x.Pow(3), []string{"self"}, []bool{false}},
		{"Exp", x.Exp(), []string{"self", "result"}, []bool{false, false}},
		{"Mm", m.Mm(m), []string{"self", "mat2"}, []bool{false, false}},
		{"Mv", m.Mv(x), []string{"self", "vec"}, []bool{false, false}},
		{"Softmax", x.Softmax(0), []string{"result"}, []bool{false}},
		{"Add", x.Add(1), []string{}, []bool{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.y.GradFn()
			if got := n.SavedNames(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s SavedNames() = %q, want %q", n.Name(), got, tc.want)
			}
			saved := n.Saved()
			wrapped := make([]bool, len(saved))
			for i, s := range saved {
				wrapped[i] = s.IsWrappedNumber()
			}
			if !reflect.DeepEqual(wrapped, tc.wrapped) {
				t.Errorf("%s saved IsWrappedNumber() = %v, want %v", n.Name(), wrapped, tc.wrapped)
			}
		})
	}
	y := x.Mul(2).Sum()
	y.Backward()
	if got := y.GradFn().Next()[0].SavedNames(); len(got) != 0 {
		t.Errorf("SavedNames() after a backward freed the graph = %q, want none", got)
	}
}

// TestRetainsGrad follows PyTorch's retains_grad: true only for a non-leaf after retain_grad().
func TestRetainsGrad(t *testing.T) {
	x := tensor.New(2.0, tensor.RequiresGrad())
	h := x.Mul(3)
	if x.RetainsGrad() || h.RetainsGrad() {
		t.Errorf("RetainsGrad() before RetainGrad = %v (leaf), %v (non-leaf), want false, false", x.RetainsGrad(), h.RetainsGrad())
	}
	x.RetainGrad()
	h.RetainGrad()
	if x.RetainsGrad() {
		t.Error("leaf RetainsGrad() after RetainGrad = true, want false (PyTorch)")
	}
	if !h.RetainsGrad() {
		t.Error("non-leaf RetainsGrad() after RetainGrad = false, want true")
	}
	if tensor.New(1.0).RetainsGrad() {
		t.Error("RetainsGrad() of a plain tensor = true, want false")
	}
}
