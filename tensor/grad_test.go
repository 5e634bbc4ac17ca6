package tensor_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gotensor/tensor"
)

func scalarT(v float64) *tensor.Tensor { return tensor.New(v, tensor.RequiresGrad()) }

// mustFail runs f and returns its *tensor.Error message, failing the test when f succeeds.
func mustFail(t *testing.T, f func()) string {
	t.Helper()
	err := tensor.Maybe(f)
	if err == nil {
		t.Fatalf("expected a tensor error, got none")
	}
	return err.Error()
}

func TestSeedLinear(t *testing.T) {
	// y = w*x + b at x = 3: dy/dw = 3, dy/db = 1 (seed 000, section 6).
	w, b := scalarT(2), scalarT(1)
	x := tensor.New(3.0)
	y := w.Mul(x).Add(b)
	y.Backward(tensor.RetainGraph())
	if got := w.Grad().Item(); got != 3 {
		t.Errorf("w.Grad() = %v, want 3", got)
	}
	if got := b.Grad().Item(); got != 1 {
		t.Errorf("b.Grad() = %v, want 1", got)
	}
	// Section 7: a second backward accumulates, so the gradients double.
	y.Backward()
	if got := w.Grad().Item(); got != 6 {
		t.Errorf("after two backward calls w.Grad() = %v, want 6", got)
	}
	w.ZeroGrad()
	if got := w.Grad().Item(); got != 0 {
		t.Errorf("after ZeroGrad w.Grad() = %v, want 0", got)
	}
}

func TestFreedGraph(t *testing.T) {
	x := scalarT(2)
	y := x.Pow(3).Add(5)
	y.Backward()
	msg := mustFail(t, func() { y.Backward() })
	if !strings.HasPrefix(msg, "Trying to backward through the graph a second time") {
		t.Errorf("second Backward() error = %q, want PyTorch's freed-graph message", msg)
	}
	// A graph whose nodes saved nothing can be walked again, as in PyTorch.
	z := x.Add(1).Mul(1.0).Sub(2)
	_ = z
	a := x.Add(1)
	a.Backward()
	a.Backward()
	if got := x.Grad().Item(); got != 12+2 {
		t.Errorf("x.Grad() = %v, want 14", got)
	}
}

func TestBackwardNonScalar(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	y := x.Mul(2)
	if msg := mustFail(t, func() { y.Backward() }); msg != "grad can be implicitly created only for scalar outputs" {
		t.Errorf("Backward() on a vector = %q", msg)
	}
	y.Backward(tensor.Gradient(tensor.New([]float64{1, 0.5, -1})))
	if got, want := fmt.Sprint(x.Grad().Float64s()), "[2 1 -2]"; got != want {
		t.Errorf("x.Grad() = %s, want %s", got, want)
	}
	msg := mustFail(t, func() { tensor.Ones(3).Backward() })
	if msg != "element 0 of tensors does not require grad and does not have a grad_fn" {
		t.Errorf("Backward() without grad = %q", msg)
	}
	msg = mustFail(t, func() { x.Mul(2).Backward(tensor.Gradient(tensor.Ones(2))) })
	if !strings.HasPrefix(msg, "Mismatch in shape: grad_output[0] has a shape of torch.Size([2])") {
		t.Errorf("Backward() with a wrong gradient shape = %q", msg)
	}
}

func TestNonLeafGrad(t *testing.T) {
	var warn bytes.Buffer
	tensor.Warnings = &warn
	defer func() { tensor.Warnings = nil }()
	x := scalarT(3)
	h := x.Mul(x)
	k := x.Mul(2)
	k.RetainGrad()
	y := h.Add(k)
	y.Backward()
	if h.Grad() != nil {
		t.Errorf("non-leaf h.Grad() = %v, want nil", h.Grad())
	}
	if !strings.Contains(warn.String(), "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed") {
		t.Errorf("warning = %q, want PyTorch's non-leaf warning", warn.String())
	}
	if g := k.Grad(); g == nil || g.Item() != 1 {
		t.Errorf("retained k.Grad() = %v, want 1", g)
	}
	if got := x.Grad().Item(); got != 8 {
		t.Errorf("x.Grad() = %v, want 2·3+2 = 8", got)
	}
	if !x.IsLeaf() || h.IsLeaf() || h.GradFn().Name() != "MulBackward0" {
		t.Errorf("IsLeaf/GradFn wrong: x.IsLeaf()=%v h.IsLeaf()=%v h.GradFn()=%v", x.IsLeaf(), h.IsLeaf(), h.GradFn())
	}
}

func TestRequiresGradRules(t *testing.T) {
	msg := mustFail(t, func() { tensor.New([]int{1, 2}).SetRequiresGrad(true) })
	if !strings.Contains(msg, "only Tensors of floating point") {
		t.Errorf("int SetRequiresGrad = %q", msg)
	}
	x := tensor.Ones(3).SetRequiresGrad(true)
	msg = mustFail(t, func() { x.Add_(1) })
	if msg != "a leaf Variable that requires grad is being used in an in-place operation." {
		t.Errorf("in-place on leaf = %q", msg)
	}
	// Under no-grad (what an optimizer step does) the update is allowed.
	prev := tensor.SetGradEnabled(false)
	x.Sub_(0.5)
	y := x.Mul(2)
	tensor.SetGradEnabled(prev)
	if y.RequiresGrad() || y.GradFn() != nil {
		t.Errorf("op under SetGradEnabled(false) recorded: requires=%v fn=%v", y.RequiresGrad(), y.GradFn())
	}
	if got := x.Float64s()[0]; got != 0.5 {
		t.Errorf("x after Sub_(0.5) = %v, want 0.5", got)
	}
	if !tensor.IsGradEnabled() {
		t.Errorf("IsGradEnabled() = false after restoring")
	}
}

func TestDetachSharesStorage(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	d := x.Detach()
	if d.RequiresGrad() || !d.SharesStorage(x) {
		t.Fatalf("Detach: requires=%v shares=%v", d.RequiresGrad(), d.SharesStorage(x))
	}
	d.Mul_(10)
	if got := fmt.Sprint(x.Float64s()); got != "[10 20 30]" {
		t.Errorf("x after detached Mul_ = %s, want [10 20 30]", got)
	}
}

func TestVersionCounter(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
	y := x.Exp()
	z := y.Sum()
	d := y.Detach()
	d.Add_(1) // changes the output ExpBackward0 saved
	msg := mustFail(t, func() { z.Backward() })
	want := "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead."
	if !strings.HasPrefix(msg, want) {
		t.Errorf("Backward() after in-place change =\n%q\nwant prefix\n%q", msg, want)
	}
	// An in-place op on a non-leaf is recorded and differentiates correctly.
	a := tensor.New([]float64{1, 2}, tensor.RequiresGrad())
	b := a.Mul(3)
	b.Mul_(a) // b = 3a·a
	b.Sum().Backward()
	if got := fmt.Sprint(a.Grad().Float64s()); got != "[6 12]" {
		t.Errorf("d/da sum(3a²) = %s, want [6 12]", got)
	}
	// In place on a tensor that needs no grad, by one that does (PyTorch allows this too).
	w := tensor.New([]float64{2, 3}, tensor.RequiresGrad())
	acc := tensor.New([]float64{5, 7})
	acc.Mul_(w)
	acc.Sum().Backward()
	if got := fmt.Sprint(w.Grad().Float64s()); got != "[5 7]" {
		t.Errorf("d/dw sum(acc·w) = %s, want [5 7]", got)
	}
	dst := tensor.Zeros(2, 2)
	dst.Copy_(w) // broadcast into each row
	dst.Sum().Backward()
	if got := fmt.Sprint(w.Grad().Float64s()); got != "[7 9]" || dst.GradFn().Name() != "CopyBackwards" {
		t.Errorf("after Copy_ w.Grad() = %s (fn %v), want [7 9] (CopyBackwards)", got, dst.GradFn())
	}
	if b.GradFn().Name() != "MulBackward0" {
		t.Errorf("in-place GradFn = %v, want MulBackward0", b.GradFn())
	}
}

func TestHigherOrder(t *testing.T) {
	x := scalarT(2)
	y := x.Pow(3)
	g := tensor.Grad([]*tensor.Tensor{y}, []*tensor.Tensor{x}, tensor.CreateGraph())[0]
	if g.Item() != 12 {
		t.Errorf("dy/dx of x³ at 2 = %v, want 12", g.Item())
	}
	g2 := tensor.Grad([]*tensor.Tensor{g}, []*tensor.Tensor{x})[0]
	if g2.Item() != 12 {
		t.Errorf("d²y/dx² of x³ at 2 = %v, want 12", g2.Item())
	}
	if x.Grad() != nil {
		t.Errorf("Grad() touched x.Grad() = %v", x.Grad())
	}
	// Through matmul: f = sum((A v)²), ∇f = 2AᵀA v, and the gradient of sum(∇f) is 2AᵀA·1.
	A := tensor.New([][]float64{{1, 2}, {3, 4}})
	v := tensor.New([]float64{1, -1}, tensor.RequiresGrad())
	f := A.Matmul(v).Pow(2).Sum()
	gv := tensor.Grad([]*tensor.Tensor{f}, []*tensor.Tensor{v}, tensor.CreateGraph())[0]
	// AᵀA = [[10, 14], [14, 20]]; 2AᵀA v = [-8, -12]; 2AᵀA·1 = [48, 68].
	if got := fmt.Sprint(gv.Float64s()); got != "[-8 -12]" {
		t.Errorf("∇f = %s, want [-8 -12]", got)
	}
	gv.Sum().Backward()
	if got := fmt.Sprint(v.Grad().Float64s()); got != "[48 68]" {
		t.Errorf("∇ sum(∇f) = %s, want [48 68]", got)
	}
	// Backward with CreateGraph leaves a differentiable gradient in the leaf.
	z := scalarT(3)
	z.Pow(3).Backward(tensor.CreateGraph())
	if gz := z.Grad(); gz.Item() != 27 || gz.GradFn() == nil {
		t.Errorf("z.Grad() = %v, want 27 with a grad_fn", gz)
	}
}

func TestGradIntrospection(t *testing.T) {
	w := scalarT(2).SetName("w")
	x := tensor.New(3.0)
	y := w.Mul(x).Add(1)
	fn := y.GradFn()
	if fn.Name() != "AddBackward0" || len(fn.Next()) != 2 || fn.Next()[1] != nil {
		t.Fatalf("AddBackward0 next = %v", fn.Next())
	}
	mul := fn.Next()[0]
	if mul.Name() != "MulBackward0" || len(mul.Saved()) != 1 { // other (x) only: w*x saves self only for x's gradient, as in torch
		t.Fatalf("MulBackward0 saved = %v", mul.Saved())
	}
	acc := mul.Next()[0]
	if acc.Name() != "AccumulateGrad" || acc.Variable() != w || acc.Variable().Name() != "w" {
		t.Errorf("leaf node = %v variable %v", acc, acc.Variable())
	}
	if mul.Next()[1] != nil {
		t.Errorf("x does not require grad but has node %v", mul.Next()[1])
	}
	y.Backward()
	if len(mul.Saved()) != 0 {
		t.Errorf("saved tensors kept after backward without RetainGraph")
	}
}

func TestGradUnrelatedInput(t *testing.T) {
	a, b := scalarT(1), scalarT(2)
	g := tensor.Grad([]*tensor.Tensor{a.Mul(3)}, []*tensor.Tensor{a, b})
	if g[0].Item() != 3 || g[1] != nil {
		t.Errorf("Grad = %v, want [3 nil]", g)
	}
}

func TestDeepGraph(t *testing.T) {
	// The engine's topological sort is iterative: a 100k-node chain must not overflow the stack.
	x := scalarT(1)
	y := x
	for i := 0; i < 100000; i++ {
		y = y.Add(0)
	}
	y.Backward()
	if x.Grad().Item() != 1 {
		t.Errorf("x.Grad() = %v, want 1", x.Grad().Item())
	}
}

func TestConcurrentBackward(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			x := tensor.New([]float64{1, 2, 3}, tensor.RequiresGrad())
			w := tensor.Full([]int{3}, float64(g), tensor.RequiresGrad())
			for i := 0; i < 50; i++ {
				y := x.Mul(w).Tanh().Sum().Add(w.Pow(2).Mean())
				y.Backward()
			}
			if x.Grad() == nil || w.Grad() == nil {
				errs <- errors.New("missing gradient")
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		kind tensor.Kind
		msg  string
	}{
		{"broadcast", func() { tensor.Ones(2, 3).Add(tensor.Ones(4)) }, tensor.ErrShape,
			"The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"},
		{"mm", func() { tensor.Ones(2, 3).Matmul(tensor.Ones(4, 5)) }, tensor.ErrShape,
			"mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"},
		{"view", func() { tensor.Ones(2, 3).T().View(6) }, tensor.ErrShape,
			"view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."},
		{"index", func() { tensor.Ones(3).Index(3) }, tensor.ErrIndex,
			"index 3 is out of bounds for dimension 0 with size 3"},
		{"ragged", func() { tensor.New([][]float64{{1, 2}, {3}}) }, tensor.ErrValue,
			"expected sequence of length 2 at dim 1 (got 1)"},
		{"dtype", func() { tensor.Ones(2).Matmul(tensor.Ones(2, tensor.Float64)) }, tensor.ErrDType,
			"dot : expected both vectors to have same dtype, but found Float and Double"},
		{"item", func() { tensor.Ones(2).Item() }, tensor.ErrValue,
			"a Tensor with 2 elements cannot be converted to Scalar"},
		{"reshape", func() { tensor.Ones(6).Reshape(4, -1) }, tensor.ErrShape,
			"shape '[4, -1]' is invalid for input of size 6"},
		{"cuda", func() { tensor.Ones(2).To("cuda:9") }, tensor.ErrDevice, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tensor.Maybe(tc.f)
			if err == nil {
				t.Fatalf("%s: no error", tc.name)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("%s: error %q is not %v", tc.name, err, tc.kind)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("%s: error = %q, want %q", tc.name, err, tc.msg)
			}
		})
	}
}

// Pow's gradient at 0^0: y·x^(y-1) is 0·0^-1 = NaN there, and PyTorch masks the exponent's
// zeros to 0 (pow_backward_self). Expected values are PyTorch 1.13's.
func TestPowGradAtZero(t *testing.T) {
	tests := []struct {
		name         string
		base, exp    any // exp is a Go number or a tensor that does not require grad, unless expGrad
		expGrad      bool
		wantP, wantE string
	}{
		{"tensor exponent", []float64{0, 1}, []float64{0, 2}, true, "[0 2]", "[0 0]"},
		{"broadcast", [][]float64{{0}, {1}}, []float64{0, 2}, true, "[0 2]", "[0 0]"},
		{"exponent without grad", []float64{0, 1, 2}, []float64{0, 0, 3}, false, "[0 0 12]", ""},
		{"0-dim tensor exponent", []float64{0, 1}, 0.0, false, "[0 0]", ""},
		{"Go number 0", []float64{0, 1}, nil, false, "[0 0]", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tensor.New(tc.base, tensor.Float64, tensor.RequiresGrad())
			var e any = 0 // a Go number exponent
			var et *tensor.Tensor
			if tc.exp != nil {
				et = tensor.New(tc.exp, tensor.Float64)
				if tc.expGrad {
					et.SetRequiresGrad(true)
				}
				e = et
			}
			p.Pow(e).Sum().Backward()
			if got := fmt.Sprint(p.Grad().Float64s()); got != tc.wantP {
				t.Errorf("Pow(%v, %v): p.Grad() = %s, want %s", tc.base, tc.exp, got, tc.wantP)
			}
			if tc.expGrad {
				if got := fmt.Sprint(et.Grad().Float64s()); got != tc.wantE {
					t.Errorf("Pow(%v, %v): e.Grad() = %s, want %s", tc.base, tc.exp, got, tc.wantE)
				}
			}
		})
	}
}
