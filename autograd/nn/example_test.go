package nn_test

import (
	"fmt"

	"gotensor/autograd/nn"
	"gotensor/autograd/optim"
	"gotensor/gpu"
	"gotensor/tensor"
)

func ExampleNewSequential() {
	tensor.Seed(0)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 16), nn.ReLU{}, nn.NewLinear(16, 3)})
	fmt.Println(model)
	fmt.Println("parameters:", nn.NumParameters(model))
	fmt.Println("output shape:", model.Forward(tensor.Randn(5, 2)).Shape())
	// Output:
	// Sequential(
	//   (0): Linear(in_features=2, out_features=16, bias=True)
	//   (1): ReLU()
	//   (2): Linear(in_features=16, out_features=3, bias=True)
	// )
	// parameters: 99
	// output shape: torch.Size([5, 3])
}

func ExampleCrossEntropyLoss() {
	logits := tensor.New([][]float64{{1, 2, 3}, {0.5, -1, 2}}, tensor.RequiresGrad())
	classes := tensor.New([]int{2, 0})
	loss := nn.CrossEntropyLoss(logits, classes)
	loss.Backward()
	fmt.Printf("loss %.4f\n", loss.Item())
	fmt.Println(logits.Grad())
	// Output:
	// loss 1.0745
	// tensor([[ 0.0450,  0.1224, -0.1674],
	//         [-0.4124,  0.0196,  0.3928]])
}

func ExampleMSELoss() {
	pred := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	loss := nn.MSELoss(pred, tensor.New([]float64{1, 0, 5}))
	loss.Backward()
	fmt.Println(loss.Item(), pred.Grad())
	// Output:
	// 2.6666667461395264 tensor([ 0.0000,  1.3333, -1.3333])
}

// A full training loop: fit y = 2x - 1 with one Linear layer and SGD.
func ExampleLinear() {
	tensor.Seed(0)
	x := tensor.Linspace(-1, 1, 20).Reshape(20, 1)
	y := x.Mul(2).Sub(1)
	model := nn.NewLinear(1, 1)
	opt := optim.NewSGD(model.Parameters(), optim.SGDOptions{LR: 0.1, Momentum: 0.9})
	for step := 0; step < 200; step++ {
		opt.ZeroGrad()
		loss := nn.MSELoss(model.Forward(x), y)
		loss.Backward()
		opt.Step()
	}
	fmt.Printf("weight %.3f, bias %.3f\n", model.Weight.Item(), model.Bias.Item())
	// Output:
	// weight 2.000, bias -1.000
}

// Moving a model to the default device, "cuda" when a GPU is usable, else "cpu" (PyTorch's
// model.to(device)): the parameters stay leaves that require grad.
func ExampleSequential_To() {
	tensor.Seed(0)
	device := gpu.Default()
	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 4), nn.ReLU{}, nn.NewLinear(4, 1)}).To(device)
	for _, p := range model.Parameters() {
		fmt.Println(p.Name(), p.Shape(), p.Device().Type == device, p.IsLeaf(), p.RequiresGrad())
	}
	// Output:
	// weight torch.Size([4, 2]) true true true
	// bias torch.Size([4]) true true true
	// weight torch.Size([1, 4]) true true true
	// bias torch.Size([1]) true true true
}
