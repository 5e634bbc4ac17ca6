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

// Views share storage; Slice takes NumPy's basic index syntax.
func ExampleTensor_Slice() {
	x := tensor.Arange(12).Reshape(3, 4)
	fmt.Println(x.Index(0))
	fmt.Println(x.Slice(":, 1"))
	fmt.Println(x.Slice("1:3"))
	fmt.Println(x.T().Shape(), x.T().SharesStorage(x))
	// Output:
	// tensor([0, 1, 2, 3])
	// tensor([1, 5, 9])
	// tensor([[ 4,  5,  6,  7],
	//         [ 8,  9, 10, 11]])
	// torch.Size([4, 3]) true
}

func ExampleMatmul() {
	A := tensor.New([][]float64{{1, 2}, {3, 4}})
	B := tensor.New([][]float64{{5, 6}, {7, 8}})
	fmt.Println(tensor.Matmul(A, B))
	fmt.Println(A.Matmul(tensor.New([]float64{1, 1})))
	// Output:
	// tensor([[19., 22.],
	//         [43., 50.]])
	// tensor([3., 7.])
}

func ExampleTensor_SumDim() {
	x := tensor.New([][]float64{{1, 2, 3}, {4, 5, 6}})
	fmt.Println(x.Sum(), x.Mean())
	fmt.Println(x.SumDim(1, true))
	fmt.Println(x.MaxDim(0, false), x.ArgMax())
	fmt.Println(x.Softmax(1))
	// Output:
	// tensor(21.) tensor(3.5000)
	// tensor([[ 6.],
	//         [15.]])
	// tensor([4., 5., 6.]) tensor(5)
	// tensor([[0.0900, 0.2447, 0.6652],
	//         [0.0900, 0.2447, 0.6652]])
}

// Leaf and non-leaf tensors (seed 000, section 8): only leaves keep gradients unless
// RetainGrad asks for one.
func ExampleTensor_RetainGrad() {
	x := tensor.New(3.0, tensor.RequiresGrad())
	h := x.Mul(x)
	h.RetainGrad()
	y := h.Add(x)
	y.Backward()
	fmt.Println(x.IsLeaf(), h.IsLeaf(), h.GradFn().Name())
	fmt.Println(x.Grad(), h.Grad())
	x.ZeroGrad()
	fmt.Println(x.Grad())
	// Output:
	// true false MulBackward0
	// tensor(7.) tensor(1.)
	// tensor(0.)
}

// Backward on a non-scalar needs the gradient of the output; a second pass through the same
// graph needs RetainGraph, and gradients accumulate.
func ExampleGradient() {
	x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	y := x.Pow(2)
	y.Backward(tensor.Gradient(tensor.Ones(3)), tensor.RetainGraph())
	y.Backward(tensor.Gradient(tensor.Ones(3)))
	fmt.Println(x.Grad())
	fmt.Println(tensor.Maybe(func() { y.Backward(tensor.Gradient(tensor.Ones(3))) }) != nil)
	// Output:
	// tensor([ 4.,  8., 12.])
	// true
}

// Second derivatives through CreateGraph: d²/dx² x³ at 2 is 12.
func ExampleGrad() {
	x := tensor.New(2.0, tensor.RequiresGrad())
	dy := tensor.Grad([]*tensor.Tensor{x.Pow(3)}, []*tensor.Tensor{x}, tensor.CreateGraph())[0]
	d2y := tensor.Grad([]*tensor.Tensor{dy}, []*tensor.Tensor{x})[0]
	fmt.Println(dy, d2y)
	// Output:
	// tensor(12., grad_fn=<MulBackward0>) tensor(12.)
}

// Large tensors print their edges, like PyTorch.
func ExampleTensor_String() {
	fmt.Println(tensor.Arange(2000).Reshape(2, 1000))
	fmt.Println(tensor.New([]float64{1e-5, 1, 1000}))
	// Output:
	// tensor([[   0,    1,    2,  ...,  997,  998,  999],
	//         [1000, 1001, 1002,  ..., 1997, 1998, 1999]])
	// tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])
}
