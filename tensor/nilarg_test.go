package tensor_test

import (
	"errors"
	"testing"

	"gotensor/tensor"
)

// A nil *Tensor argument or receiver fails with an error naming the op and the argument, not
// with a bare nil-pointer dereference.
func TestNilTensorArgument(t *testing.T) {
	var none *tensor.Tensor
	x := tensor.New([]float64{1, 2})
	m := tensor.Ones(2, 2)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Matmul", func() { x.Matmul(nil) }, "matmul: other is nil"},
		{"package Matmul", func() { tensor.Matmul(none, x) }, "matmul: self is nil"},
		{"Mm", func() { m.Mm(nil) }, "mm: other is nil"},
		{"Bmm", func() { tensor.Ones(1, 2, 2).Bmm(nil) }, "bmm: other is nil"},
		{"Mv", func() { m.Mv(nil) }, "mv: vec is nil"},
		{"Dot", func() { x.Dot(nil) }, "dot: other is nil"},
		{"Outer", func() { x.Outer(nil) }, "outer: other is nil"},
		{"Add typed nil", func() { x.Add(none) }, "add: other is nil"},
		{"Add untyped nil", func() { x.Add(nil) }, "add: other is nil"},
		{"Add nil receiver", func() { none.Add(1) }, "add: self is nil"},
		{"package Sub", func() { tensor.Sub(none, x) }, "sub: self is nil"},
		{"Mul", func() { x.Mul(none) }, "mul: other is nil"},
		{"Div", func() { x.Div(none) }, "div: other is nil"},
		{"Pow", func() { x.Pow(none) }, "pow: exponent is nil"},
		{"Maximum", func() { x.Maximum(none) }, "maximum: other is nil"},
		{"Eq", func() { x.Eq(none) }, "eq: other is nil"},
		{"Lt nil receiver", func() { none.Lt(x) }, "lt: self is nil"},
		{"LogicalAnd", func() { x.LogicalAnd(none) }, "logical_and: other is nil"},
		{"Where cond", func() { tensor.Where(none, x, 0.0) }, "where: cond is nil"},
		{"Where y", func() { tensor.Where(x.Gt(1), x, none) }, "where: y is nil"},
		{"Equal", func() { x.Equal(nil) }, "equal: other is nil"},
		{"AllClose", func() { x.AllClose(nil, 1e-5, 1e-8) }, "allclose: other is nil"},
		{"Gather", func() { m.Gather(0, nil) }, "gather: index is nil"},
		{"IndexSelect", func() { m.IndexSelect(0, nil) }, "index_select: index is nil"},
		{"Add_", func() { x.Clone().Add_(none) }, "add_: other is nil"},
		{"Copy_", func() { x.Clone().Copy_(nil) }, "copy_: src is nil"},
		{"Fill_", func() { x.Clone().Fill_(nil) }, "fill_: value is nil"},
		{"Full", func() { tensor.Full([]int{2}, none) }, "full: value is nil"},
		{"ZerosLike", func() { tensor.ZerosLike(nil) }, "like: t is nil"},
		{"ExpandAs", func() { x.ExpandAs(nil) }, "expand_as: other is nil"},
		{"SharesStorage", func() { x.SharesStorage(nil) }, "shares_storage: other is nil"},
		{"SetData", func() { x.Clone().SetData(nil) }, "set_data: data is nil"},
		{"Cat", func() { tensor.Cat([]*tensor.Tensor{x, nil}, 0) }, "cat: tensors[1] is nil"},
		{"Stack", func() { tensor.Stack([]*tensor.Tensor{nil, x}, 0) }, "stack: tensors[0] is nil"},
		{"Backward", func() { none.Backward() }, "backward: self is nil"},
		{"Grad inputs", func() { tensor.Grad([]*tensor.Tensor{x}, []*tensor.Tensor{nil}) }, "grad: inputs[0] is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tensor.Maybe(tc.f)
			if err == nil || err.Error() != tc.want || !errors.Is(err, tensor.ErrValue) {
				t.Errorf("%s = %v, want %q", tc.name, err, tc.want)
			}
		})
	}
}
