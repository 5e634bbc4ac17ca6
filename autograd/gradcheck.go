package autograd

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gotensor/tensor"
)

// GradCheckOptions configures GradCheck. The zero value uses PyTorch's defaults.
type GradCheckOptions struct {
	Eps  float64 // finite-difference step; default 1e-6
	Atol float64 // absolute tolerance; default 1e-5
	Rtol float64 // relative tolerance (of the numerical value); default 1e-3
}

func (o GradCheckOptions) withDefaults() GradCheckOptions {
	if o.Eps == 0 {
		o.Eps = 1e-6
	}
	if o.Atol == 0 {
		o.Atol = 1e-5
	}
	if o.Rtol == 0 {
		o.Rtol = 1e-3
	}
	return o
}

// GradCheckError is the error GradCheck returns when backward and finite differences disagree:
// it names the input, the element of that input, and the element of the output.
type GradCheckError struct {
	Input       int     // which input (its position in the inputs slice)
	Index       []int   // the element of that input, as a multi-index
	OutputIndex []int   // the element of f's output
	Numerical   float64 // d output / d input by central differences
	Analytical  float64 // the same entry from backward
	Atol, Rtol  float64
}

// Error describes the disagreeing Jacobian entry.
func (e *GradCheckError) Error() string {
	return fmt.Sprintf("gradcheck: Jacobian mismatch for output %v with respect to input %d, element %v: numerical %.10g, analytical %.10g (|diff| %.3g > atol %g + rtol %g * |numerical|)",
		e.OutputIndex, e.Input, e.Index, e.Numerical, e.Analytical, math.Abs(e.Numerical-e.Analytical), e.Atol, e.Rtol)
}

// GradCheck checks the gradients backward computes for f against central finite differences,
// entry by entry of the Jacobian, in float64 (torch.autograd.gradcheck). It returns nil when
// every entry agrees within Atol + Rtol·|numerical|, a *GradCheckError naming the first input
// element that differs, or an error saying why the check could not run.
//
// As in PyTorch, the inputs that require grad are checked (there must be at least one, of a
// floating-point dtype); other inputs, such as int64 class indices, are passed to f unchanged.
// Checked inputs are never modified: f receives float64 copies that require grad and keep a
// transposed or permuted input's memory order, so non-contiguous layouts are exercised.
// Inputs that overlap in memory (an Expand view) are refused, since perturbing one stored
// element would move several. f must be deterministic and return one tensor; it may call Grad
// with CreateGraph on its inputs, which makes GradCheck a check of second derivatives. The
// grad mode is switched on while GradCheck runs.
func GradCheck(f func(inputs []*tensor.Tensor) *tensor.Tensor, inputs []*tensor.Tensor, opts GradCheckOptions) (err error) {
	opts = opts.withDefaults()
	defer tensor.SetGradEnabled(tensor.SetGradEnabled(true))
	xs, checked, err := gradCheckInputs(inputs)
	if err != nil {
		return err
	}
	var y *tensor.Tensor
	if err := tensor.Maybe(func() { y = f(xs) }); err != nil {
		return fmt.Errorf("gradcheck: f: %w", err)
	}
	if y == nil {
		return fmt.Errorf("gradcheck: f returned a nil tensor")
	}
	if !y.DType().IsFloat() {
		return fmt.Errorf("gradcheck: f returned a %v tensor; want a floating-point output", y.DType())
	}
	analytical, err := jacobianByBackward(y, xs, checked)
	if err != nil {
		return err
	}
	for k, i := range checked {
		if err := checkInput(f, xs, i, y.Shape(), analytical[k], opts); err != nil {
			return err
		}
	}
	return nil
}

// gradCheckInputs returns the tensors f will see and the positions of the checked ones.
func gradCheckInputs(inputs []*tensor.Tensor) ([]*tensor.Tensor, []int, error) {
	xs := make([]*tensor.Tensor, len(inputs))
	var checked []int
	for i, x := range inputs {
		if x == nil {
			return nil, nil, fmt.Errorf("gradcheck: input %d is nil", i)
		}
		xs[i] = x
		if !x.RequiresGrad() {
			continue
		}
		shape, strides := x.Shape(), x.Strides()
		for d := range shape {
			if strides[d] == 0 && shape[d] > 1 {
				return nil, nil, fmt.Errorf("gradcheck: input %d overlaps itself in memory (stride 0 in dim %d, as after Expand); pass a Contiguous copy", i, d)
			}
		}
		var c *tensor.Tensor
		if err := tensor.Maybe(func() { c = layoutCopy(x.Detach().CPU()).SetRequiresGrad(true) }); err != nil {
			return nil, nil, fmt.Errorf("gradcheck: input %d: %w", i, err)
		}
		xs[i] = c
		checked = append(checked, i)
	}
	if len(checked) == 0 {
		return nil, nil, fmt.Errorf("gradcheck: no input requires grad; call SetRequiresGrad(true) on the inputs to check")
	}
	return xs, checked, nil
}

// layoutCopy returns a float64 copy of x (which needs no grad) in fresh storage whose memory
// order of dims matches x's: a transposed x gives a transposed copy.
func layoutCopy(x *tensor.Tensor) *tensor.Tensor {
	n := x.Dim()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	strides := x.Strides()
	sort.SliceStable(perm, func(a, b int) bool { return strides[perm[a]] > strides[perm[b]] })
	inv := make([]int, n)
	for i, p := range perm {
		inv[p] = i
	}
	c := x.Permute(perm...).ToDType(tensor.Float64).Contiguous()
	if c.SharesStorage(x) {
		c = c.Clone()
	}
	return c.Permute(inv...)
}

// jacobianByBackward returns, per checked input, the Jacobian of y by backward passes: row k
// is the gradient of y's element k, flattened in the input's logical order.
func jacobianByBackward(y *tensor.Tensor, xs []*tensor.Tensor, checked []int) ([][][]float64, error) {
	targets := make([]*tensor.Tensor, len(checked))
	for k, i := range checked {
		targets[k] = xs[i]
	}
	m := y.Numel()
	jac := make([][][]float64, len(checked))
	for k := range jac {
		jac[k] = make([][]float64, m)
	}
	if !y.RequiresGrad() {
		// f's output does not depend on any checked input: its Jacobian is zero.
		for k, i := range checked {
			for r := range jac[k] {
				jac[k][r] = make([]float64, xs[i].Numel())
			}
		}
		return jac, nil
	}
	for r := 0; r < m; r++ {
		u := make([]float64, m)
		u[r] = 1
		var grads []*tensor.Tensor
		err := tensor.Maybe(func() {
			ut := tensor.FromSlice(u, y.Shape()...).ToDType(y.DType())
			grads = tensor.Grad([]*tensor.Tensor{y}, targets, tensor.Gradient(ut), tensor.RetainGraph())
		})
		if err != nil {
			return nil, fmt.Errorf("gradcheck: backward of output element %v: %w", unravel(r, y.Shape()), err)
		}
		for k, i := range checked {
			g := grads[k]
			switch {
			case g == nil:
				jac[k][r] = make([]float64, xs[i].Numel())
			case !slices.Equal(g.Shape(), xs[i].Shape()):
				return nil, fmt.Errorf("gradcheck: backward gave input %d a gradient of shape %v; want the input's shape %v", i, g.Shape(), xs[i].Shape())
			default:
				jac[k][r] = g.Detach().Float64s()
			}
		}
	}
	return jac, nil
}

// checkInput perturbs each element of input i by ±eps and compares the central difference of
// every output element with the analytical Jacobian jac (rows: output elements).
func checkInput(f func([]*tensor.Tensor) *tensor.Tensor, xs []*tensor.Tensor, i int, yShape []int, jac [][]float64, o GradCheckOptions) error {
	x := xs[i]
	shape := x.Shape()
	eval := func() ([]float64, error) {
		var out []float64
		err := tensor.Maybe(func() {
			y := f(xs)
			if !slices.Equal(y.Shape(), yShape) {
				panic(&tensor.Error{Kind: tensor.ErrShape, Op: "gradcheck", Msg: fmt.Sprintf("f's output changed shape from %v to %v", yShape, y.Shape())})
			}
			out = y.Detach().Float64s()
		})
		return out, err
	}
	for j := 0; j < x.Numel(); j++ {
		idx := unravel(j, shape)
		elem := x.Detach().Index(idx...) // a 0-dim view into the copy, outside the graph
		old := elem.Item()
		elem.Fill_(old + o.Eps)
		plus, err := eval()
		elem.Fill_(old - o.Eps)
		var minus []float64
		if err == nil {
			minus, err = eval()
		}
		elem.Fill_(old)
		if err != nil {
			return fmt.Errorf("gradcheck: f at input %d element %v perturbed: %w", i, idx, err)
		}
		for r := range plus {
			num := (plus[r] - minus[r]) / (2 * o.Eps)
			an := jac[r][j]
			if math.IsNaN(num) != math.IsNaN(an) || math.Abs(num-an) > o.Atol+o.Rtol*math.Abs(num) {
				return &GradCheckError{Input: i, Index: idx, OutputIndex: unravel(r, yShape),
					Numerical: num, Analytical: an, Atol: o.Atol, Rtol: o.Rtol}
			}
		}
	}
	return nil
}

// unravel turns a row-major flat index into a multi-index of shape.
func unravel(flat int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = flat % shape[d]
		flat /= shape[d]
	}
	return idx
}
