package tensor_test

import (
	"fmt"

	"gotensor/tensor"
)

// The seed notebook's first cell: a tensor from nested Go slices prints like PyTorch's.
func ExampleNew() {
	x := tensor.New([][]int{{1, 2}, {3, 4}})
	fmt.Printf("Tensor from list:\n%v\n", x)
	fmt.Println(x.Shape(), x.DType(), x.Device())
	fmt.Println(tensor.New(5.0), tensor.New([]float64{1, 2, 3}))
	fmt.Println(tensor.New([][]float64{{1, 2}, {3, 4}}, tensor.Float64))
	// Output:
	// Tensor from list:
	// tensor([[1, 2],
	//         [3, 4]])
	// torch.Size([2, 2]) torch.int64 cpu
	// tensor(5.) tensor([1., 2., 3.])
	// tensor([[1., 2.],
	//         [3., 4.]], dtype=torch.float64)
}

// The seed's autograd trick: y = x³ + 5, dy/dx = 3x² = 12 at x = 2.
func ExampleTensor_Backward() {
	x := tensor.New(2.0, tensor.RequiresGrad())
	y := x.Pow(3).Add(5)
	fmt.Println(x)
	fmt.Println(y)
	fmt.Println(y.GradFn().Name(), x.IsLeaf(), y.IsLeaf())
	y.Backward()
	fmt.Println(x.Grad(), x.Grad().Item() == 12)
	// Output:
	// tensor(2., requires_grad=True)
	// tensor(13., grad_fn=<AddBackward0>)
	// AddBackward0 true false
	// tensor(12.) true
}

// Go numbers work wherever a tensor does, with broadcasting.
func ExampleTensor_Add() {
	a := tensor.New([][]float64{{1, 2}, {3, 4}})
	b := tensor.New([]float64{10, 20})
	fmt.Println(a.Add(b))
	fmt.Println(a.Mul(b).Sub(1).Div(2))
	// Output:
	// tensor([[11., 22.],
	//         [13., 24.]])
	// tensor([[ 4.5000, 19.5000],
	//         [14.5000, 39.5000]])
}

// Shape mismatches panic with PyTorch's message; Maybe turns the panic into an error.
func ExampleMaybe() {
	err := tensor.Maybe(func() {
		tensor.Ones(2, 3).Add(tensor.Ones(2, 4))
	})
	fmt.Println(err)
	// Output:
	// The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1
}

func ExampleZeros() {
	fmt.Println(tensor.Zeros(2, 3))
	fmt.Println(tensor.Ones(2, tensor.Int32))
	fmt.Println(tensor.Arange(5))
	// Output:
	// tensor([[0., 0., 0.],
	//         [0., 0., 0.]])
	// tensor([1, 1], dtype=torch.int32)
	// tensor([0, 1, 2, 3, 4])
}
