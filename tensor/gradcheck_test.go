package tensor_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gotensor/tensor"
)

// Gradients of every differentiable op checked against central finite differences in float64,
// with broadcasting and non-contiguous (transposed) inputs.

type gcInput struct {
	shape     []int
	positive  bool // keep values in [0.5, 2) (log, sqrt, pow with a tensor exponent)
	noncontig bool // build as the transpose of a contiguous tensor
}

func in(shape ...int) gcInput   { return gcInput{shape: shape} }
func pos(shape ...int) gcInput  { return gcInput{shape: shape, positive: true} }
func ncIn(shape ...int) gcInput { return gcInput{shape: shape, noncontig: true} }

func (g gcInput) build(data []float64) *tensor.Tensor {
	if !g.noncontig {
		return tensor.FromSlice(data, g.shape...)
	}
	n := len(g.shape)
	sw := append([]int(nil), g.shape...)
	sw[n-1], sw[n-2] = sw[n-2], sw[n-1]
	// data is in the logical (row-major of shape) order: lay it out transposed.
	moved := tensor.FromSlice(data, g.shape...).Transpose(-1, -2).Contiguous()
	return tensor.FromSlice(moved.Float64s(), sw...).Transpose(-1, -2)
}

func randData(r *rand.Rand, g gcInput) []float64 {
	n := 1
	for _, d := range g.shape {
		n *= d
	}
	out := make([]float64, n)
	for i := range out {
		if g.positive {
			out[i] = 0.5 + 1.5*r.Float64()
		} else {
			// Keep away from kinks at 0 (abs, relu) and ties (max, clamp bounds).
			v := 0.2 + 1.8*r.Float64()
			if r.IntN(2) == 0 {
				v = -v
			}
			out[i] = v
		}
	}
	return out
}

func gradcheck(t *testing.T, f func(x []*tensor.Tensor) *tensor.Tensor, specs ...gcInput) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	data := make([][]float64, len(specs))
	for i, s := range specs {
		data[i] = randData(r, s)
	}
	build := func(grad bool) []*tensor.Tensor {
		xs := make([]*tensor.Tensor, len(specs))
		for i, s := range specs {
			xs[i] = s.build(data[i])
			if grad {
				xs[i] = xs[i].Detach().SetRequiresGrad(true)
			}
		}
		return xs
	}
	xs := build(true)
	out := f(xs)
	gout := tensor.FromSlice(randData(r, in(out.Numel())), out.Shape()...)
	grads := tensor.Grad([]*tensor.Tensor{out}, xs, tensor.Gradient(gout))
	loss := func() float64 { return f(build(false)).Mul(gout).Sum().Item() }
	const eps = 1e-6
	for i := range specs {
		an := make([]float64, len(data[i]))
		if grads[i] != nil {
			an = grads[i].Float64s()
		}
		for j := range data[i] {
			old := data[i][j]
			data[i][j] = old + eps
			lp := loss()
			data[i][j] = old - eps
			lm := loss()
			data[i][j] = old
			num := (lp - lm) / (2 * eps)
			if math.Abs(num-an[j]) > 1e-5+1e-4*math.Abs(num) {
				t.Errorf("d/dx%d[%d] = %.8g (backward), want %.8g (finite differences)", i, j, an[j], num)
				return
			}
		}
	}
}

func TestGradcheck(t *testing.T) {
	one := func(f func(a *tensor.Tensor) *tensor.Tensor) func([]*tensor.Tensor) *tensor.Tensor {
		return func(x []*tensor.Tensor) *tensor.Tensor { return f(x[0]) }
	}
	two := func(f func(a, b *tensor.Tensor) *tensor.Tensor) func([]*tensor.Tensor) *tensor.Tensor {
		return func(x []*tensor.Tensor) *tensor.Tensor { return f(x[0], x[1]) }
	}
	tests := []struct {
		name  string
		f     func([]*tensor.Tensor) *tensor.Tensor
		specs []gcInput
	}{
		{"add_bcast", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Add(b) }), []gcInput{in(2, 3), in(3)}},
		{"sub_bcast", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Sub(b) }), []gcInput{in(2, 1), ncIn(3, 4).withShape(1, 4)}},
		{"mul_nc", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Mul(b) }), []gcInput{ncIn(3, 4), in(4)}},
		{"div", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Div(b) }), []gcInput{in(2, 3), pos(2, 1)}},
		{"pow_scalar", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Pow(3) }), []gcInput{ncIn(2, 3)}},
		{"pow_tensor", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Pow(b) }), []gcInput{pos(2, 3), in(3)}},
		{"maximum", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Maximum(b) }), []gcInput{in(2, 3), in(3)}},
		{"minimum", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Minimum(b) }), []gcInput{in(2, 3), in(2, 1)}},
		{"neg", one((*tensor.Tensor).Neg), []gcInput{ncIn(2, 3)}},
		{"abs", one((*tensor.Tensor).Abs), []gcInput{in(5)}},
		{"exp", one((*tensor.Tensor).Exp), []gcInput{ncIn(3, 2)}},
		{"log", one((*tensor.Tensor).Log), []gcInput{pos(4)}},
		{"sqrt", one((*tensor.Tensor).Sqrt), []gcInput{pos(4)}},
		{"sin", one((*tensor.Tensor).Sin), []gcInput{in(4)}},
		{"cos", one((*tensor.Tensor).Cos), []gcInput{in(4)}},
		{"tanh", one((*tensor.Tensor).Tanh), []gcInput{ncIn(2, 3)}},
		{"sigmoid", one((*tensor.Tensor).Sigmoid), []gcInput{in(4)}},
		{"relu", one((*tensor.Tensor).ReLU), []gcInput{ncIn(3, 3)}},
		{"clamp", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Clamp(-1, 1) }), []gcInput{in(6)}},
		{"where", two(func(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Where(a.Gt(b), a, b.Mul(2)) }), []gcInput{in(2, 3), in(3)}},
		{"sum", one((*tensor.Tensor).Sum), []gcInput{ncIn(2, 3)}},
		{"sum_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.SumDim(0, false) }), []gcInput{ncIn(2, 3)}},
		{"sum_dims_keep", one(func(a *tensor.Tensor) *tensor.Tensor { return a.SumDims([]int{0, 2}, true) }), []gcInput{in(2, 3, 2)}},
		{"mean", one((*tensor.Tensor).Mean), []gcInput{in(2, 3)}},
		{"mean_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.MeanDim(-1, true) }), []gcInput{ncIn(2, 3)}},
		{"max", one((*tensor.Tensor).Max), []gcInput{in(2, 3)}},
		{"min", one((*tensor.Tensor).Min), []gcInput{in(2, 3)}},
		{"max_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.MaxDim(1, false) }), []gcInput{ncIn(3, 4)}},
		{"min_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.MinDim(0, true) }), []gcInput{in(3, 4)}},
		{"var", one((*tensor.Tensor).Var), []gcInput{in(2, 3)}},
		{"var_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.VarDim(1, false) }), []gcInput{ncIn(3, 4)}},
		{"std", one((*tensor.Tensor).Std), []gcInput{in(5)}},
		{"std_dim", one(func(a *tensor.Tensor) *tensor.Tensor { return a.StdDim(0, true) }), []gcInput{in(3, 4)}},
		{"softmax", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Softmax(1) }), []gcInput{ncIn(3, 4)}},
		{"log_softmax", one(func(a *tensor.Tensor) *tensor.Tensor { return a.LogSoftmax(0) }), []gcInput{in(3, 4)}},
		{"mm_nc", two(tensor.Matmul), []gcInput{ncIn(2, 3), ncIn(3, 4)}},
		{"dot", two(tensor.Matmul), []gcInput{in(4), in(4)}},
		{"mv", two(tensor.Matmul), []gcInput{ncIn(3, 4), in(4)}},
		{"vm", two(tensor.Matmul), []gcInput{in(3), in(3, 4)}},
		{"bmm_bcast", two(tensor.Matmul), []gcInput{in(2, 1, 2, 3), ncIn(3, 3, 2)}},
		{"batch_vec", two(tensor.Matmul), []gcInput{in(2, 3, 4), in(4)}},
		{"outer", two(func(a, b *tensor.Tensor) *tensor.Tensor { return a.Outer(b) }), []gcInput{in(3), in(2)}},
		{"reshape_nc", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Reshape(-1).Mul(a.Reshape(-1)) }), []gcInput{ncIn(2, 3)}},
		{"view", one(func(a *tensor.Tensor) *tensor.Tensor { return a.View(3, 2).Exp() }), []gcInput{in(2, 3)}},
		{"transpose", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Transpose(0, 2).Pow(2) }), []gcInput{in(2, 3, 2)}},
		{"permute", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Permute(1, 2, 0).Pow(2) }), []gcInput{in(2, 3, 2)}},
		{"t", one(func(a *tensor.Tensor) *tensor.Tensor { return a.T().Matmul(a) }), []gcInput{in(3, 2)}},
		{"index", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Index(1).Pow(2) }), []gcInput{ncIn(3, 2)}},
		{"slice", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Slice(":, 1").Pow(2) }), []gcInput{in(3, 4)}},
		{"slice_step", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Slice("1:, ::2").Pow(2) }), []gcInput{ncIn(4, 5)}},
		{"narrow", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Narrow(0, 1, 2).Pow(2) }), []gcInput{in(4, 2)}},
		{"expand", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Expand(2, 3, 4).Pow(2) }), []gcInput{in(3, 1)}},
		{"squeeze", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Unsqueeze(0).Squeeze(0).Pow(2) }), []gcInput{in(3, 1)}},
		{"flatten_nc", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Flatten().Pow(2) }), []gcInput{ncIn(3, 2)}},
		{"cat", two(func(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Cat([]*tensor.Tensor{a, b}, 1).Pow(2) }), []gcInput{in(2, 3), ncIn(2, 2)}},
		{"stack", two(func(a, b *tensor.Tensor) *tensor.Tensor { return tensor.Stack([]*tensor.Tensor{a, b}, 0).Pow(2) }), []gcInput{in(2, 3), in(2, 3)}},
		{"clone", one(func(a *tensor.Tensor) *tensor.Tensor { return a.Clone().Contiguous().Pow(2) }), []gcInput{ncIn(2, 3)}},
		{"inplace_nonleaf", one(func(a *tensor.Tensor) *tensor.Tensor { b := a.Mul(2); b.Mul_(a); return b }), []gcInput{in(3)}},
		{"gather", one(func(a *tensor.Tensor) *tensor.Tensor {
			return a.Gather(1, tensor.New([][]int{{0, 2, 2}, {1, 0, 1}})).Pow(2)
		}), []gcInput{ncIn(2, 3)}},
		{"index_select", one(func(a *tensor.Tensor) *tensor.Tensor { return a.IndexSelect(0, tensor.New([]int{2, 0, 2})).Pow(2) }), []gcInput{in(3, 2)}},
		{"mlp", func(x []*tensor.Tensor) *tensor.Tensor {
			h := x[0].Matmul(x[1]).Add(x[2]).Tanh()
			return h.Matmul(x[3]).LogSoftmax(1)
		}, []gcInput{in(4, 3), ncIn(3, 5), in(5), in(5, 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { gradcheck(t, tc.f, tc.specs...) })
	}
}

func (g gcInput) withShape(shape ...int) gcInput { g.shape = shape; return g }

// TestGradGradcheck checks second derivatives (CreateGraph) by finite differences of the
// first derivative, for elementwise ops and matmul.
func TestGradGradcheck(t *testing.T) {
	tests := []struct {
		name string
		f    func(a *tensor.Tensor) *tensor.Tensor
		spec gcInput
	}{
		{"pow3", func(a *tensor.Tensor) *tensor.Tensor { return a.Pow(3) }, in(4)},
		{"exp_mul", func(a *tensor.Tensor) *tensor.Tensor { return a.Exp().Mul(a) }, in(4)},
		{"tanh", (*tensor.Tensor).Tanh, in(4)},
		{"sigmoid", (*tensor.Tensor).Sigmoid, in(3)},
		{"log_div", func(a *tensor.Tensor) *tensor.Tensor { return a.Log().Div(a) }, pos(3)},
		{"sin_cos", func(a *tensor.Tensor) *tensor.Tensor { return a.Sin().Mul(a.Cos()) }, in(3)},
		{"matmul", func(a *tensor.Tensor) *tensor.Tensor { return a.Matmul(a.T()).Pow(2) }, ncIn(2, 3)},
		{"softmax", func(a *tensor.Tensor) *tensor.Tensor { return a.Softmax(1) }, in(2, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// h(x) = Σ ∇(Σ f(x)·u) · v, so ∇h is a Hessian-vector product.
			r := rand.New(rand.NewPCG(3, 4))
			n := 1
			for _, d := range tc.spec.shape {
				n *= d
			}
			probe := tc.f(tensor.Zeros(tc.spec.shape, tensor.Float64))
			u := tensor.FromSlice(randData(r, in(probe.Numel())), probe.Shape()...)
			v := tensor.FromSlice(randData(r, in(n)), tc.spec.shape...)
			first := func(x *tensor.Tensor) *tensor.Tensor {
				y := tc.f(x).Mul(u).Sum()
				return tensor.Grad([]*tensor.Tensor{y}, []*tensor.Tensor{x}, tensor.CreateGraph())[0]
			}
			h := func(x *tensor.Tensor) *tensor.Tensor { return first(x).Mul(v).Sum() }
			gcFirst := func(xs []*tensor.Tensor) *tensor.Tensor { return h(xs[0]) }
			// gradcheck needs a differentiable h even for inputs built without grad.
			gradcheck(t, func(xs []*tensor.Tensor) *tensor.Tensor {
				x := xs[0]
				if !x.RequiresGrad() {
					x = x.Detach().SetRequiresGrad(true)
					return h(x).Detach()
				}
				return gcFirst(xs)
			}, tc.spec)
		})
	}
}

var _ = fmt.Sprint
