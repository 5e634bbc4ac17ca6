package optim_test

import (
	"fmt"

	"gotensor/autograd/optim"
	"gotensor/tensor"
)

// Minimise (w - 3)² with Adam.
func ExampleAdam() {
	w := tensor.New(0.0, tensor.RequiresGrad())
	opt := optim.NewAdam([]*tensor.Tensor{w}, optim.AdamOptions{LR: 0.1})
	for step := 0; step < 300; step++ {
		opt.ZeroGrad()
		w.Sub(3).Pow(2).Backward()
		opt.Step()
	}
	fmt.Printf("w = %.3f\n", w.Item())
	// Output:
	// w = 3.000
}

// One SGD step by hand: w ← w - lr·grad.
func ExampleSGD() {
	w := tensor.New([]float64{1, 2}, tensor.RequiresGrad())
	opt := optim.NewSGD([]*tensor.Tensor{w}, optim.SGDOptions{LR: 0.1})
	w.Pow(2).Sum().Backward() // grad = 2w = [2, 4]
	opt.Step()
	fmt.Println(w)
	// Output:
	// tensor([0.8000, 1.6000], requires_grad=True)
}
