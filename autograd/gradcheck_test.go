package autograd_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"gotensor/autograd"
	"gotensor/tensor"
)

// spec describes one GradCheck input: its shape, its value range, and its layout.
type spec struct {
	shape    []int
	positive bool // values in [0.5, 2): log, sqrt, division, a tensor exponent
	transp   bool // stored transposed (non-contiguous): built as the transpose of a contiguous tensor
	noGrad   bool // passed through unchecked
}

func in(shape ...int) spec  { return spec{shape: shape} }
func pos(shape ...int) spec { return spec{shape: shape, positive: true} }
func nc(shape ...int) spec  { return spec{shape: shape, transp: true} }

// build returns a float64 tensor with spec's shape and layout, filled from r away from kinks
// (abs, relu at 0) and ties (max, clamp bounds).
func (s spec) build(r *rand.Rand) *tensor.Tensor {
	n := 1
	for _, d := range s.shape {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		if s.positive {
			data[i] = 0.5 + 1.5*r.Float64()
			continue
		}
		v := 0.2 + 1.8*r.Float64()
		if r.IntN(2) == 0 {
			v = -v
		}
		data[i] = v
	}
	var x *tensor.Tensor
	if s.transp {
		k := len(s.shape)
		sw := append([]int(nil), s.shape...)
		sw[k-1], sw[k-2] = sw[k-2], sw[k-1]
		x = tensor.FromSlice(data, sw...).Transpose(-1, -2)
	} else {
		x = tensor.FromSlice(data, s.shape...)
	}
	if !s.noGrad {
		x.SetRequiresGrad(true)
	}
	return x
}

func buildAll(seed uint64, specs []spec) []*tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 7))
	xs := make([]*tensor.Tensor, len(specs))
	for i, s := range specs {
		xs[i] = s.build(r)
	}
	return xs
}

type fn = func([]*tensor.Tensor) *tensor.Tensor

func one(f func(a *tensor.Tensor) *tensor.Tensor) fn {
	return func(x []*tensor.Tensor) *tensor.Tensor { return f(x[0]) }
}

func two(f func(a, b *tensor.Tensor) *tensor.Tensor) fn {
	return func(x []*tensor.Tensor) *tensor.Tensor { return f(x[0], x[1]) }
}

type T = tensor.Tensor

// opCases covers every differentiable op of package tensor through its public API, with
// broadcasting and transposed (non-contiguous) inputs.
var opCases = []struct {
	name  string
	f     fn
	specs []spec
}{
	// Elementwise binary ops, broadcasting both ways.
	{"Add", two(func(a, b *T) *T { return a.Add(b) }), []spec{in(2, 3), in(3)}},
	{"Add_scalar", one(func(a *T) *T { return a.Add(2.5) }), []spec{nc(2, 3)}},
	{"tensor.Add", two(func(a, b *T) *T { return tensor.Add(a, b) }), []spec{in(2, 1), nc(3, 4).with(1, 4)}},
	{"Sub", two(func(a, b *T) *T { return a.Sub(b) }), []spec{in(3, 1), nc(3, 4)}},
	{"tensor.Sub", two(func(a, b *T) *T { return tensor.Sub(a, b) }), []spec{in(3), in(2, 3)}},
	{"Mul", two(func(a, b *T) *T { return a.Mul(b) }), []spec{nc(3, 4), in(4)}},
	{"tensor.Mul", two(func(a, b *T) *T { return tensor.Mul(a, b) }), []spec{in(2, 1, 3), in(4, 1)}},
	{"Div", two(func(a, b *T) *T { return a.Div(b) }), []spec{in(2, 3), pos(2, 1)}},
	{"tensor.Div_scalar_num", one(func(a *T) *T { return tensor.Div(a, 4.0) }), []spec{nc(2, 2)}},
	{"Pow_scalar", one(func(a *T) *T { return a.Pow(3) }), []spec{nc(2, 3)}},
	{"Pow_frac", one(func(a *T) *T { return a.Pow(0.5) }), []spec{pos(4)}},
	{"Pow_tensor", two(func(a, b *T) *T { return a.Pow(b) }), []spec{pos(2, 3), in(3)}},
	{"tensor.Pow", two(func(a, b *T) *T { return tensor.Pow(a, b) }), []spec{pos(3, 1), in(1, 2)}},
	{"Maximum", two(func(a, b *T) *T { return a.Maximum(b) }), []spec{in(2, 3), in(3)}},
	{"Minimum", two(func(a, b *T) *T { return a.Minimum(b) }), []spec{nc(3, 2), in(3, 1)}},
	{"Where", two(func(a, b *T) *T { return tensor.Where(a.Gt(b), a, b.Mul(2)) }), []spec{in(2, 3), in(3)}},
	{"Where_scalar", one(func(a *T) *T { return tensor.Where(a.Gt(0), a, 0.0) }), []spec{nc(3, 2)}},
	// Elementwise unary ops.
	{"Neg", one((*T).Neg), []spec{nc(2, 3)}},
	{"Abs", one((*T).Abs), []spec{in(5)}},
	{"Sign", one(func(a *T) *T { return a.Sign().Add(a) }), []spec{in(4)}},
	{"Exp", one((*T).Exp), []spec{nc(3, 2)}},
	{"Log", one((*T).Log), []spec{pos(4)}},
	{"Sqrt", one((*T).Sqrt), []spec{pos(2, 2)}},
	{"Sin", one((*T).Sin), []spec{in(4)}},
	{"Cos", one((*T).Cos), []spec{nc(2, 2)}},
	{"Tanh", one((*T).Tanh), []spec{nc(2, 3)}},
	{"Sigmoid", one((*T).Sigmoid), []spec{in(4)}},
	{"ReLU", one((*T).ReLU), []spec{nc(3, 3)}},
	{"Square", one((*T).Square), []spec{in(3)}},
	{"Clamp", one(func(a *T) *T { return a.Clamp(-1, 1) }), []spec{in(6)}},
	{"ClampMin", one(func(a *T) *T { return a.ClampMin(0.5) }), []spec{nc(2, 3)}},
	{"ClampMax", one(func(a *T) *T { return a.ClampMax(-0.5) }), []spec{in(6)}},
	// Reductions.
	{"Sum", one((*T).Sum), []spec{nc(2, 3)}},
	{"SumDim", one(func(a *T) *T { return a.SumDim(0, false) }), []spec{nc(2, 3)}},
	{"SumDims_keep", one(func(a *T) *T { return a.SumDims([]int{0, 2}, true) }), []spec{in(2, 3, 2)}},
	{"Mean", one((*T).Mean), []spec{in(2, 3)}},
	{"MeanDim", one(func(a *T) *T { return a.MeanDim(-1, true) }), []spec{nc(2, 3)}},
	{"Max", one((*T).Max), []spec{in(2, 3)}},
	{"Min", one((*T).Min), []spec{nc(2, 3)}},
	{"MaxDim", one(func(a *T) *T { return a.MaxDim(1, false) }), []spec{nc(3, 4)}},
	{"MinDim", one(func(a *T) *T { return a.MinDim(0, true) }), []spec{in(3, 4)}},
	{"Var", one((*T).Var), []spec{in(2, 3)}},
	{"VarDim", one(func(a *T) *T { return a.VarDim(1, false) }), []spec{nc(3, 4)}},
	{"Std", one((*T).Std), []spec{in(5)}},
	{"StdDim", one(func(a *T) *T { return a.StdDim(0, true) }), []spec{in(3, 4)}},
	{"Softmax", one(func(a *T) *T { return a.Softmax(1) }), []spec{nc(3, 4)}},
	{"LogSoftmax", one(func(a *T) *T { return a.LogSoftmax(0) }), []spec{in(3, 4)}},
	{"LogSoftmax_last", one(func(a *T) *T { return a.LogSoftmax(-1) }), []spec{nc(2, 3, 4)}},
	// Matrix products.
	{"Matmul_mm", two(tensor.Matmul), []spec{nc(2, 3), nc(3, 4)}},
	{"Matmul_dot", two(tensor.Matmul), []spec{in(4), in(4)}},
	{"Matmul_mv", two(tensor.Matmul), []spec{nc(3, 4), in(4)}},
	{"Matmul_vm", two(tensor.Matmul), []spec{in(3), nc(3, 4)}},
	{"Matmul_batched_bcast", two(tensor.Matmul), []spec{in(2, 1, 2, 3), nc(3, 3, 2)}},
	{"Matmul_batch_vec", two(tensor.Matmul), []spec{in(2, 3, 4), in(4)}},
	{"Mm", two(func(a, b *T) *T { return a.Mm(b) }), []spec{in(2, 3), nc(3, 2)}},
	{"Mv", two(func(a, b *T) *T { return a.Mv(b) }), []spec{nc(2, 3), in(3)}},
	{"Bmm", two(func(a, b *T) *T { return a.Bmm(b) }), []spec{nc(2, 2, 3), in(2, 3, 2)}},
	{"Dot", two(func(a, b *T) *T { return a.Dot(b) }), []spec{in(5), in(5)}},
	{"Outer", two(func(a, b *T) *T { return a.Outer(b) }), []spec{in(3), in(2)}},
	// Views, slicing and joins.
	{"Reshape_nc", one(func(a *T) *T { return a.Reshape(-1).Mul(a.Reshape(6)) }), []spec{nc(2, 3)}},
	{"View", one(func(a *T) *T { return a.View(3, 2).Exp() }), []spec{in(2, 3)}},
	{"Flatten_nc", one(func(a *T) *T { return a.Flatten().Pow(2) }), []spec{nc(3, 2)}},
	{"T", one(func(a *T) *T { return a.T().Matmul(a) }), []spec{in(3, 2)}},
	{"Transpose", one(func(a *T) *T { return a.Transpose(0, 2).Pow(2) }), []spec{in(2, 3, 2)}},
	{"Permute", one(func(a *T) *T { return a.Permute(1, 2, 0).Pow(2) }), []spec{in(2, 3, 2)}},
	{"Index", one(func(a *T) *T { return a.Index(1).Pow(2) }), []spec{nc(3, 2)}},
	{"Index2", one(func(a *T) *T { return a.Index(1, 0).Pow(2) }), []spec{in(3, 2)}},
	{"Select", one(func(a *T) *T { return a.Select(1, 2).Exp() }), []spec{nc(3, 4)}},
	{"Slice", one(func(a *T) *T { return a.Slice(":, 1").Pow(2) }), []spec{in(3, 4)}},
	{"Slice_step", one(func(a *T) *T { return a.Slice("1:, ::2").Pow(2) }), []spec{nc(4, 5)}},
	{"SliceDim", one(func(a *T) *T { return a.SliceDim(1, 0, 3, 2).Exp() }), []spec{in(2, 4)}},
	{"Narrow", one(func(a *T) *T { return a.Narrow(0, 1, 2).Pow(2) }), []spec{in(4, 2)}},
	{"Expand", one(func(a *T) *T { return a.Expand(2, 3, 4).Pow(2) }), []spec{in(3, 1)}},
	{"ExpandAs", two(func(a, b *T) *T { return a.ExpandAs(b).Mul(b) }), []spec{in(1, 3), nc(2, 3)}},
	{"Broadcast", one(func(a *T) *T { return a.Broadcast(2, 3).Exp() }), []spec{in(3)}},
	{"Squeeze_Unsqueeze", one(func(a *T) *T { return a.Unsqueeze(0).Squeeze(0).Squeeze().Pow(2) }), []spec{in(3, 1)}},
	{"Cat", two(func(a, b *T) *T { return tensor.Cat([]*T{a, b}, 1).Pow(2) }), []spec{in(2, 3), nc(2, 2)}},
	{"Stack", two(func(a, b *T) *T { return tensor.Stack([]*T{a, b}, 0).Pow(2) }), []spec{in(2, 3), nc(2, 3)}},
	{"To_cpu", one(func(a *T) *T { return a.To("cpu").CPU().Exp() }), []spec{nc(2, 2)}},
	{"Clone_Contiguous", one(func(a *T) *T { return a.Clone().Contiguous().Pow(2) }), []spec{nc(2, 3)}},
	// float32 arithmetic inside f needs a larger step and tolerance than float64.
	{"ToDType_float32", one(func(a *T) *T { return a.ToDType(tensor.Float32).Exp().ToDType(tensor.Float64).Mul(a) }), []spec{in(3)}},
	// In-place ops on non-leaf tensors.
	{"Mul_", one(func(a *T) *T { b := a.Mul(2); b.Mul_(a); return b }), []spec{in(3)}},
	{"Add_Sub_Div_", two(func(a, b *T) *T { c := a.Add(1); c.Add_(b); c.Sub_(a.Exp()); c.Div_(b); return c }), []spec{in(3), pos(3)}},
	{"Pow_Neg_Exp_", one(func(a *T) *T { c := a.Mul(0.5); c.Pow_(2); c.Neg_(); c.Exp_(); return c }), []spec{in(4)}},
	{"ReLU_Clamp_", one(func(a *T) *T { c := a.Mul(1.5); c.ReLU_(); c.Clamp_(-1, 2); return c }), []spec{in(6)}},
	{"Copy_", two(func(a, b *T) *T { c := a.Mul(1); c.Copy_(b.Exp()); return c.Add(a) }), []spec{in(2, 3), in(3)}},
	{"Fill_", one(func(a *T) *T { c := a.Add(1); c.Fill_(2.0); return c.Mul(a) }), []spec{in(3)}},
	// A composite: a small network with a loss.
	{"mlp_logsoftmax", func(x []*T) *T {
		h := x[0].Matmul(x[1]).Add(x[2]).Tanh()
		return h.Matmul(x[3]).LogSoftmax(1)
	}, []spec{in(4, 3), nc(3, 5), in(5), in(5, 2)}},
}

// caseOpts holds the cases that need other than GradCheck's default tolerances.
var caseOpts = map[string]autograd.GradCheckOptions{
	"ToDType_float32": {Eps: 1e-3, Atol: 1e-3, Rtol: 1e-2},
}

func (s spec) with(shape ...int) spec { s.shape = shape; return s }

func TestGradCheckOps(t *testing.T) {
	for i, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			xs := buildAll(uint64(i+1), tc.specs)
			if err := autograd.GradCheck(tc.f, xs, caseOpts[tc.name]); err != nil {
				t.Errorf("GradCheck(%s, %v) = %v, want nil", tc.name, shapes(xs), err)
			}
		})
	}
}

func shapes(xs []*tensor.Tensor) []tensor.Shape {
	out := make([]tensor.Shape, len(xs))
	for i, x := range xs {
		out[i] = x.Shape()
	}
	return out
}

// TestGradCheckSecondOrder checks Hessian-vector products: f returns the first derivative
// built with CreateGraph, and GradCheck differentiates it again.
func TestGradCheckSecondOrder(t *testing.T) {
	tests := []struct {
		name string
		f    func(a *T) *T
		spec spec
	}{
		{"Pow3", func(a *T) *T { return a.Pow(3) }, in(4)},
		{"Exp_Mul", func(a *T) *T { return a.Exp().Mul(a) }, nc(2, 2)},
		{"Tanh", (*T).Tanh, in(4)},
		{"Sigmoid", (*T).Sigmoid, in(3)},
		{"Log_Div", func(a *T) *T { return a.Log().Div(a) }, pos(3)},
		{"Sin_Cos", func(a *T) *T { return a.Sin().Mul(a.Cos()) }, in(3)},
		{"Sqrt", (*T).Sqrt, pos(3)},
		{"Matmul", func(a *T) *T { return a.Matmul(a.T()).Pow(2) }, nc(2, 3)},
		{"Softmax", func(a *T) *T { return a.Softmax(1) }, in(2, 3)},
		{"LogSoftmax", func(a *T) *T { return a.LogSoftmax(1) }, in(2, 3)},
		// Views and joins: their backward rules scatter into zeros (SliceScatterBackward0), which
		// must itself be differentiable.
		{"Slice_Select", func(a *T) *T { return a.Slice(":, 1:").Pow(3).Add(a.Select(1, 0).Exp().Unsqueeze(1)) }, nc(3, 3)},
		{"Cat_Expand_Max", func(a *T) *T {
			return tensor.Cat([]*T{a.Pow(3), a.MaxDim(0, true).Expand(2, 3).Pow(2)}, 0)
		}, in(2, 3)},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xs := buildAll(uint64(100+i), []spec{tc.spec})
			u := tensor.RandLike(tc.f(xs[0].Detach()), tensor.Float64)
			first := func(x []*T) *T {
				y := tc.f(x[0]).Mul(u).Sum()
				return autograd.Grad([]*T{y}, x[:1], autograd.CreateGraph())[0]
			}
			if err := autograd.GradCheck(first, xs, autograd.GradCheckOptions{}); err != nil {
				t.Errorf("GradCheck(grad of %s) = %v, want nil", tc.name, err)
			}
		})
	}
}

// TestGradCheckFindsWrongGradients feeds GradCheck functions whose backward is wrong (a
// detached use of the input is invisible to backward) and checks the error names the spot.
func TestGradCheckFindsWrongGradients(t *testing.T) {
	tests := []struct {
		name      string
		f         fn
		specs     []spec
		wantInput int
		wantIndex []int
	}{
		{"detached_square", one(func(a *T) *T { return a.Detach().Mul(a) }), []spec{in(3)}, 0, []int{0}},
		{"second_input", two(func(a, b *T) *T { return a.Add(b.Detach().Mul(b)) }), []spec{in(2), nc(2, 2)}, 1, []int{0, 0}},
		{"one_element", one(func(a *T) *T {
			// Only element [1 2] goes through a detached factor.
			mask := tensor.Arange(6).Reshape(2, 3).Eq(5)
			return a.Mul(tensor.Where(mask, a.Detach(), 1.0))
		}), []spec{nc(2, 3)}, 0, []int{1, 2}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xs := buildAll(uint64(200+i), tc.specs)
			err := autograd.GradCheck(tc.f, xs, autograd.GradCheckOptions{})
			var ge *autograd.GradCheckError
			if !errors.As(err, &ge) {
				t.Fatalf("GradCheck(%s) = %v, want a *GradCheckError", tc.name, err)
			}
			if ge.Input != tc.wantInput || !equalInts(ge.Index, tc.wantIndex) {
				t.Errorf("GradCheck(%s) failed at input %d element %v, want input %d element %v", tc.name, ge.Input, ge.Index, tc.wantInput, tc.wantIndex)
			}
			msg := err.Error()
			for _, want := range []string{"Jacobian mismatch", "input", "numerical", "analytical"} {
				if !strings.Contains(msg, want) {
					t.Errorf("GradCheck(%s) error %q lacks %q", tc.name, msg, want)
				}
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGradCheckErrors(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	tests := []struct {
		name   string
		f      fn
		inputs []*T
		want   string
	}{
		{"no_input_requires_grad", one((*T).Exp), []*T{tensor.New([]float64{1, 2})}, "no input requires grad"},
		{"nil_input", one((*T).Exp), []*T{nil}, "input 0 is nil"},
		{"expanded_input", one((*T).Exp), []*T{tensor.New([]float64{1}, tensor.Float64).Expand(3).SetRequiresGrad(true)}, "overlaps itself"},
		{"f_panics_shape", one(func(a *T) *T { return a.Add(tensor.Zeros(4, tensor.Float64)) }), []*T{x}, "The size of tensor a (3) must match"},
		{"nil_output", one(func(*T) *T { return nil }), []*T{x}, "nil tensor"},
		{"int_output", one(func(a *T) *T { return a.ArgMax() }), []*T{x}, "want a floating-point output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := autograd.GradCheck(tc.f, tc.inputs, autograd.GradCheckOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("GradCheck(%s) = %v, want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
	var te *tensor.Error
	err := autograd.GradCheck(tests[3].f, tests[3].inputs, autograd.GradCheckOptions{})
	if !errors.As(err, &te) || !errors.Is(err, tensor.ErrShape) {
		t.Errorf("GradCheck(f_panics_shape) = %v, want it to wrap a tensor.ErrShape *tensor.Error", err)
	}
}

// TestGradCheckKeepsInputs checks that inputs are not modified, that a transposed input reaches
// f still transposed, and that inputs not requiring grad (class indices) pass through unchanged.
func TestGradCheckKeepsInputs(t *testing.T) {
	x := tensor.FromSlice([]float32{1, -2, 3, 0.5, 1.5, -1}, 3, 2).T().SetRequiresGrad(true)
	before := x.Float64s()
	labels := tensor.New([]int{1, 0})
	sawContiguous, sawLabels := true, false
	f := func(in []*T) *T {
		sawContiguous = in[0].IsContiguous()
		sawLabels = in[1] == labels
		if in[0].DType() != tensor.Float64 {
			t.Errorf("GradCheck passed dtype %v to f, want float64", in[0].DType())
		}
		return in[0].LogSoftmax(1).Mul(in[1].Unsqueeze(1).ToDType(tensor.Float64))
	}
	if err := autograd.GradCheck(f, []*T{x, labels}, autograd.GradCheckOptions{}); err != nil {
		t.Fatalf("GradCheck(transposed float32 input, labels) = %v, want nil", err)
	}
	if sawContiguous {
		t.Errorf("GradCheck gave f a contiguous copy of a transposed input, want the transposed layout kept")
	}
	if !sawLabels {
		t.Errorf("GradCheck did not pass the input that needs no grad through unchanged")
	}
	if after := x.Float64s(); !equalFloats(after, before) {
		t.Errorf("GradCheck modified its input: %v, want %v", after, before)
	}
	if x.Grad() != nil {
		t.Errorf("GradCheck accumulated a gradient into its input: %v", x.Grad())
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
