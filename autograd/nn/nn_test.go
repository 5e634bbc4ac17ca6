package nn_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gotensor/autograd"
	"gotensor/autograd/nn"
	"gotensor/autograd/optim"
	"gotensor/tensor"
)

func TestLinear(t *testing.T) {
	tensor.Seed(1)
	l := nn.NewLinear(50, 4)
	if got := l.Weight.Shape(); len(got) != 2 || got[0] != 4 || got[1] != 50 {
		t.Errorf("NewLinear(50, 4).Weight.Shape() = %v, want [4 50]", got)
	}
	if l.Weight.DType() != tensor.Float32 || !l.Weight.RequiresGrad() || !l.Bias.RequiresGrad() {
		t.Errorf("NewLinear parameters: dtype %v, requires grad %v/%v; want float32 leaves requiring grad", l.Weight.DType(), l.Weight.RequiresGrad(), l.Bias.RequiresGrad())
	}
	// Kaiming-uniform as PyTorch: U(-1/√50, 1/√50), spread over the whole range.
	bound := 1 / math.Sqrt(50)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range append(l.Weight.Float64s(), l.Bias.Float64s()...) {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo < -bound || hi > bound || lo > -0.8*bound || hi < 0.8*bound {
		t.Errorf("NewLinear(50, 4) values span [%.4f, %.4f], want within and across ±%.4f", lo, hi, bound)
	}
	tensor.Seed(1)
	again := nn.NewLinear(50, 4)
	if !again.Weight.Equal(l.Weight) || !again.Bias.Equal(l.Bias) {
		t.Errorf("NewLinear after the same tensor.Seed gave different weights")
	}
	// Forward is x·Wᵀ + b, on batches of any rank.
	x := tensor.Randn(3, 7, 50)
	y := l.Forward(x)
	want := x.Matmul(l.Weight.Detach().T()).Add(l.Bias.Detach())
	if got := y.Shape(); len(got) != 3 || got[2] != 4 || !y.AllClose(want, 1e-5, 1e-6) {
		t.Errorf("Linear.Forward(%v) = shape %v, want x·Wᵀ + b of shape [3 7 4]", x.Shape(), y.Shape())
	}
	if got := l.String(); got != "Linear(in_features=50, out_features=4, bias=True)" {
		t.Errorf("Linear.String() = %q", got)
	}
	err := tensor.Maybe(func() { l.Forward(tensor.Zeros(2, 3)) })
	if err == nil || !strings.Contains(err.Error(), "must end in 50 features") {
		t.Errorf("Linear.Forward(wrong width) error = %v, want a shape error", err)
	}
	l.Bias = nil
	if got := len(l.Parameters()); got != 1 || l.String() != "Linear(in_features=50, out_features=4, bias=False)" {
		t.Errorf("Linear without bias: %d parameters, %q", got, l.String())
	}
}

func TestSequential(t *testing.T) {
	tensor.Seed(2)
	l1, l2 := nn.NewLinear(3, 5), nn.NewLinear(5, 2)
	m := nn.NewSequential([]nn.Module{l1, nn.Tanh{}, l2, nn.Sigmoid{}})
	m.Append(nn.ReLU{})
	ps := m.Parameters()
	if len(ps) != 4 || ps[0] != l1.Weight || ps[1] != l1.Bias || ps[2] != l2.Weight || ps[3] != l2.Bias {
		t.Errorf("Sequential.Parameters() = %d tensors, want l1.Weight, l1.Bias, l2.Weight, l2.Bias", len(ps))
	}
	if got := nn.NumParameters(m); got != 3*5+5+5*2+2 {
		t.Errorf("NumParameters = %d, want 32", got)
	}
	x := tensor.Randn(4, 3)
	want := l2.Forward(l1.Forward(x).Tanh()).Sigmoid().ReLU()
	if got := m.Forward(x); !got.AllClose(want, 0, 0) {
		t.Errorf("Sequential.Forward = %v, want %v", got, want)
	}
	wantStr := "Sequential(\n  (0): Linear(in_features=3, out_features=5, bias=True)\n  (1): Tanh()\n  (2): Linear(in_features=5, out_features=2, bias=True)\n  (3): Sigmoid()\n  (4): ReLU()\n)"
	if got := m.String(); got != wantStr {
		t.Errorf("Sequential.String() =\n%s\nwant\n%s", got, wantStr)
	}
	m.Forward(x).Sum().Backward()
	nn.ZeroGrad(m)
	for i, p := range ps {
		if g := p.Grad(); g == nil || g.Abs().Sum().Item() != 0 {
			t.Errorf("after ZeroGrad parameter %d grad = %v, want zeros", i, g)
		}
	}
}

func TestLosses(t *testing.T) {
	logits := tensor.New([][]float64{{1, 2, 3}, {0.5, -1, 2}}, tensor.RequiresGrad())
	target := tensor.New([]int{2, 0})
	loss := nn.CrossEntropyLoss(logits, target)
	loss.Backward()
	// Reference values from PyTorch 1.13: loss 1.0744586, grad softmax - onehot over N.
	if got := loss.Item(); math.Abs(got-1.0744586) > 1e-6 {
		t.Errorf("CrossEntropyLoss = %.7f, want 1.0744586 (torch)", got)
	}
	wantGrad := tensor.New([][]float64{{0.0450, 0.1224, -0.1674}, {-0.4124, 0.0196, 0.3928}})
	if !logits.Grad().AllClose(wantGrad, 0, 1e-4) {
		t.Errorf("CrossEntropyLoss gradient = %v, want %v (torch)", logits.Grad(), wantGrad)
	}
	if got := nn.CrossEntropyLoss(tensor.New([]float64{1, 2, 3}), tensor.New(1)).Item(); math.Abs(got-1.4076059) > 1e-6 {
		t.Errorf("CrossEntropyLoss(unbatched) = %.7f, want 1.4076059 (torch)", got)
	}
	probs := tensor.New([][]float64{{0, 0, 1}, {1, 0, 0}})
	if got := nn.CrossEntropyLoss(logits.Detach(), probs).Item(); math.Abs(got-1.0744586) > 1e-6 {
		t.Errorf("CrossEntropyLoss(one-hot probabilities) = %.7f, want 1.0744586", got)
	}
	pred := tensor.New([][]float64{{1, 2}, {3, 4}})
	if got := nn.MSELoss(pred, tensor.New([][]float64{{0, 2}, {5, 1}})).Item(); got != 3.5 {
		t.Errorf("MSELoss = %v, want 3.5", got)
	}
	// Gradients of both losses against finite differences, with non-contiguous logits.
	ce := func(x []*tensor.Tensor) *tensor.Tensor { return nn.CrossEntropyLoss(x[0], x[1]) }
	lg := tensor.New([][]float64{{0.3, -1, 2, 0.1}, {1, 1.5, -0.5, 0}, {2, 0, 1, -1}}, tensor.Float64).T().SetRequiresGrad(true)
	if err := autograd.GradCheck(ce, []*tensor.Tensor{lg, tensor.New([]int{2, 0, 1, 2})}, autograd.GradCheckOptions{}); err != nil {
		t.Errorf("GradCheck(CrossEntropyLoss) = %v", err)
	}
	mse := func(x []*tensor.Tensor) *tensor.Tensor { return nn.MSELoss(x[0], x[1]) }
	a := tensor.Randn(3, 2, tensor.Float64).SetRequiresGrad(true)
	b := tensor.Randn(2, 3, tensor.Float64).T().SetRequiresGrad(true)
	if err := autograd.GradCheck(mse, []*tensor.Tensor{a, b}, autograd.GradCheckOptions{}); err != nil {
		t.Errorf("GradCheck(MSELoss) = %v", err)
	}
}

func TestLossErrors(t *testing.T) {
	logits := tensor.Zeros(2, 3)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"ce_out_of_bounds", func() { nn.CrossEntropyLoss(logits, tensor.New([]int{1, 3})) }, "Target 3 is out of bounds."},
		{"ce_negative", func() { nn.CrossEntropyLoss(logits, tensor.New([]int{-1, 0})) }, "Target -1 is out of bounds."},
		{"ce_batch", func() { nn.CrossEntropyLoss(logits, tensor.New([]int{1, 0, 2})) }, "Expected input batch_size (2) to match target batch_size (3)."},
		{"ce_bool_target", func() { nn.CrossEntropyLoss(logits, tensor.New([]bool{true, false})) }, "integer dtype"},
		{"ce_3d", func() { nn.CrossEntropyLoss(tensor.Zeros(2, 3, 4), tensor.New([]int{0, 1})) }, "must have shape (N, C)"},
		{"ce_probs_shape", func() { nn.CrossEntropyLoss(logits, tensor.Zeros(2, 4)) }, "must match logits"},
		{"mse_shape", func() { nn.MSELoss(logits, tensor.Zeros(3)) }, "must be the same as input size"},
		{"sequential_nil", func() { nn.NewSequential([]nn.Module{nil}) }, "layer 0 is nil"},
		{"linear_size", func() { nn.NewLinear(0, 3) }, "sizes must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tensor.Maybe(tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
			}
		})
	}
}

// twoSpirals returns n points per class on two interleaved spirals (1.5 turns each), with
// a little noise, as float32 features (2n, 2) and int64 labels (2n).
func twoSpirals(n int, seed uint64) (*tensor.Tensor, *tensor.Tensor) {
	r := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float32, 0, 4*n)
	ys := make([]int, 0, 2*n)
	for c := 0; c < 2; c++ {
		for i := 0; i < n; i++ {
			s := 0.15 + 0.85*float64(i)/float64(n) // radius grows along the arm
			angle := 3*math.Pi*s + math.Pi*float64(c)
			xs = append(xs, float32(s*math.Cos(angle)+0.02*r.NormFloat64()), float32(s*math.Sin(angle)+0.02*r.NormFloat64()))
			ys = append(ys, c)
		}
	}
	return tensor.FromSlice(xs, 2*n, 2), tensor.FromSlice(ys, 2*n)
}

func accuracy(logits, labels *tensor.Tensor) float64 {
	return logits.ArgMaxDim(1, false).Eq(labels).ToDType(tensor.Float64).Mean().Item()
}

// TestTrainTwoSpirals trains a 2-layer MLP with Adam on two spirals to ≥ 95 % accuracy, the same
// every run (seeded data and weights), and checks SGD with momentum learns them too.
func TestTrainTwoSpirals(t *testing.T) {
	x, y := twoSpirals(100, 7)
	xTest, yTest := twoSpirals(100, 8)
	train := func(newOpt func([]*tensor.Tensor) optim.Optimizer, steps int) (float64, float64, float64) {
		tensor.Seed(42)
		model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 64), nn.Tanh{}, nn.NewLinear(64, 2)})
		opt := newOpt(model.Parameters())
		var loss *tensor.Tensor
		for step := 0; step < steps; step++ {
			opt.ZeroGrad()
			loss = nn.CrossEntropyLoss(model.Forward(x), y)
			loss.Backward()
			opt.Step()
		}
		var trainAcc, testAcc float64
		autograd.NoGrad(func() {
			trainAcc = accuracy(model.Forward(x), y)
			testAcc = accuracy(model.Forward(xTest), yTest)
		})
		return loss.Item(), trainAcc, testAcc
	}
	adam := func(p []*tensor.Tensor) optim.Optimizer { return optim.NewAdam(p, optim.AdamOptions{LR: 0.02}) }
	loss, trainAcc, testAcc := train(adam, 300)
	t.Logf("Adam: loss %.4f, train accuracy %.3f, test accuracy %.3f", loss, trainAcc, testAcc)
	if trainAcc < 0.95 || testAcc < 0.95 {
		t.Errorf("MLP on two spirals with Adam: train accuracy %.3f, test %.3f, want ≥ 0.95", trainAcc, testAcc)
	}
	loss2, _, _ := train(adam, 300)
	if loss2 != loss {
		t.Errorf("training twice with the same seeds gave losses %v and %v, want identical", loss, loss2)
	}
	sgd := func(p []*tensor.Tensor) optim.Optimizer {
		return optim.NewSGD(p, optim.SGDOptions{LR: 0.1, Momentum: 0.9})
	}
	_, sgdTrain, sgdTest := train(sgd, 1000)
	t.Logf("SGD momentum: train accuracy %.3f, test accuracy %.3f", sgdTrain, sgdTest)
	if sgdTrain < 0.95 {
		t.Errorf("MLP on two spirals with SGD+momentum: train accuracy %.3f, want ≥ 0.95", sgdTrain)
	}
}

// scale is a Module without a String method, as a user might write.
type scale struct{ w *tensor.Tensor }

func (s scale) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Mul(s.w) }
func (s scale) Parameters() []*tensor.Tensor            { return []*tensor.Tensor{s.w} }

func TestSequentialCustomModule(t *testing.T) {
	m := nn.NewSequential([]nn.Module{scale{tensor.Ones(3, tensor.RequiresGrad())}, nn.ReLU{}})
	if got, want := m.String(), "Sequential(\n  (0): scale(parameters=3)\n  (1): ReLU()\n)"; got != want {
		t.Errorf("Sequential with a custom module prints\n%s\nwant\n%s", got, want)
	}
	m.Forward(tensor.New([]float64{-1, 2, 3})).Sum().Backward()
	if got := m.Parameters()[0].Grad().Float64s(); got[0] != 0 || got[1] != 2 || got[2] != 3 {
		t.Errorf("custom module parameter grad = %v, want [0 2 3]", got)
	}
}
