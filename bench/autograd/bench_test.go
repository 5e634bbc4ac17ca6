package autogradbench

import (
	"math"
	"testing"

	"gotensor/autograd"
	"gotensor/autograd/nn"
	"gotensor/autograd/optim"
	"gotensor/blas"
	"gotensor/tensor"
)

// Sizes of the MLP step, as in the issue: 784-256-10, batch 256.
const (
	batch, inputs, hidden, classes = 256, 784, 256, 10
	chainOps                       = 1000
)

// mlp is one training setup: model, optimizer and a fixed batch.
type mlp struct {
	model *nn.Sequential
	opt   *optim.SGD
	x, y  *tensor.Tensor
}

func newMLP() *mlp {
	tensor.Seed(1)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(inputs, hidden), nn.ReLU{}, nn.NewLinear(hidden, classes)})
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = (i * 7) % classes
	}
	return &mlp{
		model: model,
		opt:   optim.NewSGD(model.Parameters(), optim.SGDOptions{LR: 0.01}),
		x:     tensor.Randn(batch, inputs),
		y:     tensor.FromSlice(labels, batch),
	}
}

// step is one training step: zero the gradients, forward, loss, backward, SGD update.
func (m *mlp) step() *tensor.Tensor {
	m.opt.ZeroGrad()
	loss := nn.CrossEntropyLoss(m.model.Forward(m.x), m.y)
	loss.Backward()
	m.opt.Step()
	return loss
}

// BenchmarkMLPStep times one training step of the 784-256-10 MLP on a float32 batch of 256.
func BenchmarkMLPStep(b *testing.B) {
	b.Logf("blas: %s", blas.Backend())
	m := newMLP()
	first := m.step().Item()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.step()
	}
	b.StopTimer()
	if last := m.step().Item(); !(last < first) || math.IsNaN(last) {
		b.Fatalf("loss went from %v to %v over %d steps; want it to fall", first, last, b.N+1)
	}
}

// chain applies chainOps elementwise ops to x, alternating Mul and Add with Go numbers.
func chain(x *tensor.Tensor) *tensor.Tensor {
	y := x
	for i := 0; i < chainOps/2; i++ {
		y = y.Mul(1.0001).Add(0.0001)
	}
	return y
}

// BenchmarkChain times 1,000 ops on a 1-element tensor that requires grad, then backward; the
// ns/op metric divides by the 1,000 ops.
func BenchmarkChain(b *testing.B) {
	x := tensor.New([]float64{0.5}, tensor.RequiresGrad())
	for i := 0; i < b.N; i++ {
		chain(x).Backward()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/chainOps, "ns/graph-op")
	if g := x.Grad(); g == nil || g.Item() <= 0 {
		b.Fatalf("x.Grad() = %v after the chain, want a positive gradient", g)
	}
}

// BenchmarkChainForward times only the recording forward pass of the same chain.
func BenchmarkChainForward(b *testing.B) {
	x := tensor.New([]float64{0.5}, tensor.RequiresGrad())
	for i := 0; i < b.N; i++ {
		chain(x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/chainOps, "ns/graph-op")
}

// BenchmarkChainNoGrad times the same chain without recording, the ops' own cost.
func BenchmarkChainNoGrad(b *testing.B) {
	x := tensor.New([]float64{0.5}, tensor.RequiresGrad())
	autograd.NoGrad(func() {
		for i := 0; i < b.N; i++ {
			chain(x)
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/chainOps, "ns/graph-op")
}

// TestChainGradient checks the benchmarked chain's gradient against the closed form, so the
// benchmark measures correct work: d/dx of the affine chain is 1.0001^500.
func TestChainGradient(t *testing.T) {
	x := tensor.New([]float64{0.5}, tensor.Float64, tensor.RequiresGrad())
	chain(x).Backward()
	if got, want := x.Grad().Item(), math.Pow(1.0001, chainOps/2); math.Abs(got-want) > 1e-12 {
		t.Errorf("d chain/dx = %v, want %v", got, want)
	}
	m := newMLP()
	first := m.step().Item()
	if want := math.Log(classes); math.Abs(first-want) > 0.5 {
		t.Errorf("first MLP loss = %v, want near log(10) = %v", first, want)
	}
	for i := 0; i < 5; i++ {
		m.step()
	}
	if last := m.step().Item(); !(last < first) {
		t.Errorf("MLP loss after 6 steps = %v, want below the first %v", last, first)
	}
}

// BenchmarkMLPPhases splits the training step: the recording forward pass with the loss, the
// forward pass plus backward, and the optimizer's ZeroGrad and Step alone.
func BenchmarkMLPPhases(b *testing.B) {
	m := newMLP()
	m.step()
	b.Run("forward", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			nn.CrossEntropyLoss(m.model.Forward(m.x), m.y)
		}
	})
	b.Run("forward_backward", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			nn.CrossEntropyLoss(m.model.Forward(m.x), m.y).Backward()
		}
	})
	b.Run("zero_grad_step", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			m.opt.ZeroGrad()
			m.opt.Step()
		}
	})
	b.Run("matmuls_only", func(b *testing.B) {
		// The GEMMs a step needs (forward x·W1ᵀ, h·W2ᵀ; backward g2·W2, g2ᵀ·h, g1ᵀ·x), without autograd.
		var w1, w2 = m.model.Layers[0].(*nn.Linear).Weight.Detach(), m.model.Layers[2].(*nn.Linear).Weight.Detach()
		h := tensor.Randn(batch, hidden)
		g2 := tensor.Randn(batch, classes)
		g1 := tensor.Randn(batch, hidden)
		for i := 0; i < b.N; i++ {
			m.x.Matmul(w1.T())
			h.Matmul(w2.T())
			g2.Matmul(w2)
			g2.T().Matmul(h)
			g1.T().Matmul(m.x)
		}
	})
}
