package tensor_test

import (
	"fmt"
	"math"
	"testing"

	"gotensor/autograd"
	"gotensor/autograd/nn"
	"gotensor/autograd/optim"
	"gotensor/gpu"
	"gotensor/tensor"
)

// needCUDA skips where package gpu finds no usable device (tinygrad's null-backend principle:
// the same test runs unchanged where one is).
func needCUDA(t *testing.T) {
	t.Helper()
	if !gpu.Available() {
		t.Skipf("no CUDA device: %v", gpu.Err())
	}
}

// deviceCase computes tensors on a device from inputs it makes itself (seeded), so the same
// function runs on "cpu" and "cuda" and the results are compared.
type deviceCase struct {
	name string
	tol  float64 // relative and absolute tolerance; float32 exp/log on the GPU are approximate
	f    func(dev string) []*tensor.Tensor
}

// inputs returns a seeded 4×3 float32 tensor x, a 3-vector b, a 5×3 w and an int64 class
// vector of 4, on dev.
func inputs(dev string) (x, b, w, cls *tensor.Tensor) {
	tensor.Seed(7)
	x, b, w = tensor.Randn(4, 3), tensor.Randn(3), tensor.Randn(5, 3)
	cls = tensor.New([]int{2, 0, 1, 2})
	return x.To(dev), b.To(dev), w.To(dev), cls.To(dev)
}

func one(ts ...*tensor.Tensor) []*tensor.Tensor { return ts }

var deviceCases = []deviceCase{
	{"add broadcast", 0, func(d string) []*tensor.Tensor { x, b, _, _ := inputs(d); return one(x.Add(b), b.Add(x)) }},
	{"sub mul div scalar", 0, func(d string) []*tensor.Tensor {
		x, _, _, _ := inputs(d)
		return one(x.Sub(1.5), x.Mul(-2), x.Div(4), tensor.New(1.0).To(d).Sub(x))
	}},
	{"div tensor", 1e-6, func(d string) []*tensor.Tensor { x, b, _, _ := inputs(d); return one(x.Div(b)) }},
	{"transposed and narrowed views", 0, func(d string) []*tensor.Tensor {
		x, _, w, _ := inputs(d)
		return one(x.T().Mul(x.T()), w.Narrow(0, 1, 3).Add(x.Narrow(0, 1, 3)), w.Narrow(1, 1, 2).Contiguous(), x.T().Contiguous())
	}},
	{"maximum minimum", 0, func(d string) []*tensor.Tensor {
		x, b, _, _ := inputs(d)
		return one(x.Maximum(b), x.Minimum(0))
	}},
	{"pow", 1e-6, func(d string) []*tensor.Tensor {
		x, _, _, cls := inputs(d)
		return one(x.Pow(2), x.Pow(1), x.Pow(0), x.Pow(3), x.Pow(-2), x.Abs().Pow(0.5), cls.Pow(3))
	}},
	{"mse backward", 1e-5, func(d string) []*tensor.Tensor {
		x, b, _, _ := inputs(d)
		w := b.Detach().SetRequiresGrad(true)
		loss := x.Mul(w).Sub(1).Pow(2).Mean()
		loss.Backward()
		return one(loss, w.Grad())
	}},
	{"unary exact", 0, func(d string) []*tensor.Tensor {
		x, _, _, _ := inputs(d)
		return one(x.Neg(), x.Abs(), x.ReLU(), x.Clamp(-0.5, 0.5), x.Abs().Sqrt())
	}},
	{"unary approximate", 1e-5, func(d string) []*tensor.Tensor {
		x, _, _, _ := inputs(d)
		return one(x.Exp(), x.Abs().Add(0.1).Log(), x.Tanh(), x.Sigmoid())
	}},
	{"float64", 1e-12, func(d string) []*tensor.Tensor {
		x, b, w, _ := inputs(d)
		x64, b64 := x.ToDType(tensor.Float64), b.ToDType(tensor.Float64)
		return one(x64.Add(b64).Mul(x64), x64.Abs().Sqrt(), x64.Sum(), x64.Matmul(w.ToDType(tensor.Float64).T()))
	}},
	{"int64", 0, func(d string) []*tensor.Tensor {
		_, _, _, cls := inputs(d)
		return one(cls.Add(1).Mul(cls), cls.Sum(), cls.Eq(2), cls.Neg(), cls.Maximum(1))
	}},
	{"compare and cast", 0, func(d string) []*tensor.Tensor {
		x, b, _, cls := inputs(d)
		return one(x.Gt(0), x.Le(b), x.Gt(0).Float(), cls.Float(), x.ToDType(tensor.Int64), x.Gt(0).LogicalNot())
	}},
	{"reductions", 1e-6, func(d string) []*tensor.Tensor {
		x, _, _, _ := inputs(d)
		return one(x.Sum(), x.Mean(), x.SumDim(0, true), x.SumDim(1, false), x.MaxDim(1, false), x.MinDim(0, true),
			x.ArgMaxDim(1, false), x.ArgMax(), x.Max())
	}},
	{"3-D permuted reduction", 1e-6, func(d string) []*tensor.Tensor {
		tensor.Seed(3)
		y := tensor.Randn(2, 3, 4).To(d).Permute(2, 0, 1)
		return one(y.SumDim(1, false), y.MaxDim(2, true), y.Contiguous())
	}},
	{"softmax", 1e-5, func(d string) []*tensor.Tensor {
		x, _, _, _ := inputs(d)
		return one(x.Softmax(1), x.LogSoftmax(1), x.LogSoftmax(0))
	}},
	{"matmul", 1e-5, func(d string) []*tensor.Tensor {
		x, b, w, _ := inputs(d)
		return one(x.Matmul(w.T()), w.Matmul(x.T()), x.Matmul(b), b.Matmul(b), x.T().Contiguous().T().Matmul(w.Narrow(0, 1, 3)))
	}},
	{"batched matmul", 1e-5, func(d string) []*tensor.Tensor {
		tensor.Seed(5)
		p, q, r := tensor.Randn(2, 3, 4).To(d), tensor.Randn(2, 4, 5).To(d), tensor.Randn(4, 5).To(d)
		return one(p.Matmul(q), p.Matmul(r), p.Bmm(q.Transpose(1, 2).Contiguous().Transpose(1, 2)))
	}},
	{"in place", 1e-6, func(d string) []*tensor.Tensor {
		x, b, _, _ := inputs(d)
		y := x.Clone()
		y.Mul_(0.5).AddScaled_(b, -2).Add_(1)
		z := x.Clone().Fill_(3)
		u := x.Clone().Zero_()
		v := x.Clone()
		v.Copy_(b)
		return one(y, z, u, v)
	}},
	{"mlp backward", 1e-5, mlpGrads},
	// Adam moves each weight by about LR·sign(grad) at first, so a gradient component near 0
	// may flip sign between devices: compare to 1e-3, not to float precision.
	{"adam steps", 1e-3, adamSteps},
}

// mlp is the notebook's model in miniature: Linear, ReLU, Linear, cross-entropy through
// log-softmax and a one-hot mask built on the logits' device.
func mlp(x, cls, w1, b1, w2, b2 *tensor.Tensor) *tensor.Tensor {
	logits := x.Matmul(w1.T()).Add(b1).ReLU().Matmul(w2.T()).Add(b2)
	n, c := logits.Shape()[0], logits.Shape()[1]
	onehot := cls.Unsqueeze(1).Eq(tensor.Arange(c, tensor.WithDevice(logits.Device().String()))).ToDType(logits.DType())
	return logits.LogSoftmax(1).Mul(onehot).Sum().Div(float64(n)).Neg()
}

func mlpParams(d string) (w1, b1, w2, b2 *tensor.Tensor) {
	tensor.Seed(11)
	w1, b1 = tensor.Randn(5, 3).To(d).SetRequiresGrad(true), tensor.Randn(5).To(d).SetRequiresGrad(true)
	w2, b2 = tensor.Randn(3, 5).To(d).SetRequiresGrad(true), tensor.Randn(3).To(d).SetRequiresGrad(true)
	return
}

func mlpGrads(d string) []*tensor.Tensor {
	x, _, _, cls := inputs(d)
	w1, b1, w2, b2 := mlpParams(d)
	loss := mlp(x, cls, w1, b1, w2, b2)
	loss.Backward()
	return one(loss, w1.Grad(), b1.Grad(), w2.Grad(), b2.Grad())
}

func adamSteps(d string) []*tensor.Tensor {
	x, _, _, cls := inputs(d)
	w1, b1, w2, b2 := mlpParams(d)
	opt := optim.NewAdam([]*tensor.Tensor{w1, b1, w2, b2}, optim.AdamOptions{LR: 0.01})
	var losses []float64
	for range 5 {
		opt.ZeroGrad()
		loss := mlp(x, cls, w1, b1, w2, b2)
		loss.Backward()
		opt.Step()
		losses = append(losses, loss.Item())
	}
	return one(w1, b1, w2, b2, tensor.New(losses).To(d))
}

// TestCUDAMatchesCPU runs each case on the CPU and on CUDA and compares shapes, dtypes,
// devices and values.
func TestCUDAMatchesCPU(t *testing.T) {
	needCUDA(t)
	compareDeviceCases(t)
}

// TestCUDAEmulatedMatchesCPU runs the same cases through the host emulator of package gpu
// (cuda_emu_test.go): every CUDA path of package tensor, on any machine.
func TestCUDAEmulatedMatchesCPU(t *testing.T) {
	defer tensor.UseCUDAEmulator()()
	compareDeviceCases(t)
	t.Run("gradients stay on the device", func(t *testing.T) {
		x, _, _, cls := inputs("cuda")
		w1, b1, w2, b2 := mlpParams("cuda")
		mlp(x, cls, w1, b1, w2, b2).Backward()
		for i, p := range []*tensor.Tensor{w1, b1, w2, b2} {
			if g := p.Grad(); g == nil || g.Device().Type != "cuda" {
				t.Errorf("parameter %d: grad %v, want a CUDA tensor", i, g)
			}
		}
	})
	t.Run("notebook loop", func(t *testing.T) {
		want, wantAcc := notebookLoop("cpu")
		var got []float64
		var gotAcc float64
		if err := tensor.Maybe(func() { got, gotAcc = notebookLoop("cuda") }); err != nil {
			t.Fatalf("training on emulated cuda: %v", err)
		}
		if !closeValues(got, want, 1e-5) || gotAcc != wantAcc {
			t.Errorf("losses on emulated cuda = %v, accuracy %v; want %v, %v (cpu)", got, gotAcc, want, wantAcc)
		}
	})
}

func compareDeviceCases(t *testing.T) {
	for _, c := range deviceCases {
		t.Run(c.name, func(t *testing.T) {
			want := c.f("cpu")
			var got []*tensor.Tensor
			if err := tensor.Maybe(func() { got = c.f("cuda") }); err != nil {
				t.Fatalf("on cuda: %v", err)
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.Device().Type != "cuda" {
					t.Errorf("result %d is on %v, want cuda", i, g.Device())
				}
				h := g.CPU()
				if !equalShape(h.Shape(), w.Shape()) || h.DType() != w.DType() {
					t.Errorf("result %d: shape %v dtype %v, want %v %v", i, h.Shape(), h.DType(), w.Shape(), w.DType())
					continue
				}
				if !closeValues(h.Float64s(), w.Float64s(), c.tol) {
					t.Errorf("result %d on cuda = %v, want %v (cpu)", i, h.Detach(), w.Detach())
				}
			}
		})
	}
}

// TestCUDAGradientsStayOnDevice checks that a backward pass over CUDA tensors leaves CUDA
// gradients.
func TestCUDAGradientsStayOnDevice(t *testing.T) {
	needCUDA(t)
	x, _, _, cls := inputs("cuda")
	w1, b1, w2, b2 := mlpParams("cuda")
	mlp(x, cls, w1, b1, w2, b2).Backward()
	for i, p := range []*tensor.Tensor{w1, b1, w2, b2} {
		if g := p.Grad(); g == nil || g.Device().Type != "cuda" {
			t.Errorf("parameter %d: grad %v, want a CUDA tensor", i, g)
		}
	}
}

func equalShape(a, b []int) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func closeValues(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.IsNaN(got[i]) && math.IsNaN(want[i]) {
			continue
		}
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			return false
		}
	}
	return true
}

// TestCUDACasesRunOnCPU runs every device case on the CPU alone, so a broken case shows up on
// machines without a GPU too.
func TestCUDACasesRunOnCPU(t *testing.T) {
	for _, c := range deviceCases {
		t.Run(c.name, func(t *testing.T) {
			if err := tensor.Maybe(func() { c.f("cpu") }); err != nil {
				t.Errorf("on cpu: %v", err)
			}
		})
	}
}

// notebookLoop is notebooks/04-gpu.ipynb's training loop, shortened: an MLP from package nn
// trained with nn.CrossEntropyLoss and Adam on device; it returns the losses and the accuracy.
func notebookLoop(device string) (losses []float64, acc float64) {
	tensor.Seed(1)
	points := tensor.Randn(64, 2).To(device)
	classes := points.Select(1, 0).Gt(0).ToDType(tensor.Int64)
	tensor.Seed(0)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 16), nn.ReLU{}, nn.NewLinear(16, 2)}).To(device)
	opt := optim.NewAdam(model.Parameters(), optim.AdamOptions{LR: 0.01})
	for range 20 {
		opt.ZeroGrad()
		loss := nn.CrossEntropyLoss(model.Forward(points), classes)
		loss.Backward()
		opt.Step()
		losses = append(losses, loss.Item())
	}
	autograd.NoGrad(func() {
		acc = model.Forward(points).ArgMaxDim(1, false).Eq(classes).Float().Mean().Item()
	})
	return losses, acc
}

// TestNotebookLoopOnCPU checks the loop itself where no GPU is: the loss falls.
func TestNotebookLoopOnCPU(t *testing.T) {
	losses, acc := notebookLoop("cpu")
	if !(losses[len(losses)-1] < losses[0]) || acc < 0.5 {
		t.Errorf("notebookLoop(cpu) losses %v, accuracy %v; want a falling loss", losses, acc)
	}
}

// TestCUDANotebookTrainingLoop runs notebookLoop on CUDA and compares it with the CPU run.
func TestCUDANotebookTrainingLoop(t *testing.T) {
	needCUDA(t)
	want, wantAcc := notebookLoop("cpu")
	var got []float64
	var gotAcc float64
	if err := tensor.Maybe(func() { got, gotAcc = notebookLoop("cuda") }); err != nil {
		t.Fatalf("training on cuda: %v", err)
	}
	if !closeValues(got, want, 1e-4) || math.Abs(gotAcc-wantAcc) > 1.0/64+1e-9 {
		t.Errorf("losses on cuda = %v, accuracy %v; want %v, %v (cpu)", got, gotAcc, want, wantAcc)
	}
}
