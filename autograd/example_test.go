package autograd_test

import (
	"fmt"

	"gotensor/autograd"
	"gotensor/tensor"
)

func ExampleNoGrad() {
	x := tensor.New(2.0, tensor.RequiresGrad())
	var y *tensor.Tensor
	autograd.NoGrad(func() {
		y = x.Mul(3)
	})
	fmt.Println(y.RequiresGrad(), y)
	// Output:
	// false tensor(6.)
}

// Second derivative through the functional Grad with CreateGraph: d²/dx² x³ = 6x = 12 at 2.
func ExampleGrad() {
	x := tensor.New(2.0, tensor.RequiresGrad())
	y := x.Pow(3)
	dydx := autograd.Grad([]*tensor.Tensor{y}, []*tensor.Tensor{x}, autograd.CreateGraph())[0]
	d2ydx2 := autograd.Grad([]*tensor.Tensor{dydx}, []*tensor.Tensor{x})[0]
	fmt.Println(dydx)
	fmt.Println(d2ydx2)
	// Output:
	// tensor(12., grad_fn=<MulBackward0>)
	// tensor(12.)
}

func ExampleGradCheck() {
	a := tensor.Randn(3, 4, tensor.Float64).SetRequiresGrad(true)
	b := tensor.Randn(4, tensor.Float64).SetRequiresGrad(true)
	f := func(in []*tensor.Tensor) *tensor.Tensor { return in[0].Mul(in[1]).Tanh().SumDim(1, false) }
	fmt.Println(autograd.GradCheck(f, []*tensor.Tensor{a, b}, autograd.GradCheckOptions{}))

	// A wrong gradient: the detached factor is invisible to backward.
	wrong := func(in []*tensor.Tensor) *tensor.Tensor { return in[0].Mul(in[0].Detach()) }
	x := tensor.New([]float64{1.5, -2}, tensor.Float64, tensor.RequiresGrad())
	fmt.Println(autograd.GradCheck(wrong, []*tensor.Tensor{x}, autograd.GradCheckOptions{}))
	// Output:
	// <nil>
	// gradcheck: Jacobian mismatch for output [0] with respect to input 0, element [0]: numerical 3, analytical 1.5 (|diff| 1.5 > atol 1e-05 + rtol 0.001 * |numerical|)
}
