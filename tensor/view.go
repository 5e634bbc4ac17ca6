package tensor

import (
	"fmt"
	"strconv"
	"strings"
)

// view returns a tensor sharing t's storage with a new layout.
func (t *Tensor) view(shape, strides []int, offset int) *Tensor {
	v := fromStorage(t.st, shape, strides, offset)
	v.base = t
	if t.base != nil {
		v.base = t.base
	}
	return v
}

// viewGrad records a view op whose backward is back(g).
func viewGrad(name string, out, t *Tensor, back func(g *Tensor) *Tensor) *Tensor {
	if needsGrad(t) {
		record(name, out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{back(g)}
		})
		out.grad.viewOf, out.grad.viewHist = t, t.grad.fn
		if t.grad.viewOf != nil { // a view of a view answers to the first base
			out.grad.viewOf, out.grad.viewHist = t.grad.viewOf, t.grad.viewHist
		}
	}
	return out
}

// checkView fails when v is a view whose base an in-place op rewrote after v was taken: the
// op changed the base's history (its grad_fn) while v, sharing the base's storage, shows the
// new values. PyTorch then rebases v's grad_fn; gotensor does not, so using v in an op that
// autograd records (or calling its Backward) fails instead of giving the gradient of the old
// values. A use of v recorded before the in-place op kept the right edge and stays valid.
func checkView(op string, v *Tensor) {
	base := v.grad.viewOf
	if base == nil {
		return
	}
	if now := base.grad.fn; now != v.grad.viewHist && now != nil {
		fail(ErrAutograd, op, "this view (%s) was taken of a tensor that an in-place operation changed afterwards (its grad_fn is now %s): its gradient would be that of the old values, and gotensor cannot rebase a view's history as PyTorch does; take the view after the in-place operation", v.grad.fn.name, now.name)
	}
}

// viewStrides is PyTorch's computeStride: the strides that let a tensor of oldShape/oldStrides
// be seen as newShape without copying, or nil when there are none.
func viewStrides(oldShape, oldStrides, newShape []int) []int {
	ns := make([]int, len(newShape))
	if len(oldShape) == 0 || numelOf(oldShape) == 0 {
		return contiguousStrides(newShape)
	}
	viewD := len(newShape) - 1
	chunkBase := oldStrides[len(oldStrides)-1]
	tensorNumel, viewNumel := 1, 1
	for d := len(oldShape) - 1; d >= 0; d-- {
		tensorNumel *= oldShape[d]
		if d == 0 || (oldShape[d-1] != 1 && oldStrides[d-1] != tensorNumel*chunkBase) {
			for viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
				ns[viewD] = viewNumel * chunkBase
				viewNumel *= newShape[viewD]
				viewD--
			}
			if viewNumel != tensorNumel {
				return nil
			}
			if d > 0 {
				chunkBase = oldStrides[d-1]
				tensorNumel, viewNumel = 1, 1
			}
		}
	}
	if viewD != -1 {
		return nil
	}
	return ns
}

// View returns t with a new shape sharing its storage (one dim may be -1). Like PyTorch it
// panics when t's strides do not allow it; Reshape copies instead.
func (t *Tensor) View(shape ...int) *Tensor {
	shape = inferShape("view", shape, t.Numel())
	st := viewStrides(t.shape, t.strides, shape)
	if st == nil {
		fail(ErrShape, "view", "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
	}
	old := t.shape
	return viewGrad("ViewBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g.Reshape(old...) })
}

// Reshape returns t with a new shape (one dim may be -1): a view when the strides allow, else
// a copy.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = inferShape("reshape", shape, t.Numel())
	if viewStrides(t.shape, t.strides, shape) != nil {
		return t.View(shape...)
	}
	return t.Clone().View(shape...)
}

// Flatten returns t as 1-D (a view when possible), like torch.flatten.
func (t *Tensor) Flatten() *Tensor { return t.Reshape(-1) }

// Transpose swaps dims d0 and d1 (a view).
func (t *Tensor) Transpose(d0, d1 int) *Tensor {
	d0, d1 = t.normDim("transpose", d0), t.normDim("transpose", d1)
	shape, st := append([]int(nil), t.shape...), append([]int(nil), t.strides...)
	if len(shape) == 0 {
		return viewGrad("TransposeBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g })
	}
	shape[d0], shape[d1] = shape[d1], shape[d0]
	st[d0], st[d1] = st[d1], st[d0]
	return viewGrad("TransposeBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g.Transpose(d0, d1) })
}

// T transposes a matrix (a view); 0- and 1-D tensors come back as they are, like PyTorch's t().
func (t *Tensor) T() *Tensor {
	if t.Dim() > 2 {
		fail(ErrShape, "t", "t() expects a tensor with <= 2 dimensions, but self is %dD", t.Dim())
	}
	out := t.view(append([]int(nil), t.shape...), append([]int(nil), t.strides...), t.offset)
	if t.Dim() == 2 {
		out.shape[0], out.shape[1] = t.shape[1], t.shape[0]
		out.strides[0], out.strides[1] = t.strides[1], t.strides[0]
	}
	return viewGrad("TBackward0", out, t, func(g *Tensor) *Tensor { return g.T() })
}

// Permute reorders dims (a view): Permute(2, 0, 1).
func (t *Tensor) Permute(dims ...int) *Tensor {
	if len(dims) != t.Dim() {
		fail(ErrShape, "permute", "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = %d is not equal to len(dims) = %d", t.Dim(), len(dims))
	}
	shape, st := make([]int, len(dims)), make([]int, len(dims))
	inv := make([]int, len(dims))
	seen := make([]bool, len(dims))
	for i, d := range dims {
		d = t.normDim("permute", d)
		if seen[d] {
			fail(ErrShape, "permute", "permute(): duplicate dims are not allowed.")
		}
		seen[d] = true
		shape[i], st[i], inv[d] = t.shape[d], t.strides[d], i
	}
	return viewGrad("PermuteBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g.Permute(inv...) })
}

// Squeeze removes dims of size 1: all of them, or only the given dims.
func (t *Tensor) Squeeze(dims ...int) *Tensor {
	drop := make([]bool, t.Dim())
	if len(dims) == 0 {
		for i, s := range t.shape {
			drop[i] = s == 1
		}
	}
	for _, d := range dims {
		d = t.normDim("squeeze", d)
		if t.Dim() > 0 {
			drop[d] = t.shape[d] == 1
		}
	}
	var shape, st []int
	for i := range t.shape {
		if !drop[i] {
			shape, st = append(shape, t.shape[i]), append(st, t.strides[i])
		}
	}
	old := t.shape
	name := "SqueezeBackward0"
	if len(dims) > 0 {
		name = "SqueezeBackward1"
	}
	return viewGrad(name, t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g.Reshape(old...) })
}

// Unsqueeze inserts a dim of size 1 at dim (a view).
func (t *Tensor) Unsqueeze(dim int) *Tensor {
	dim = normDimN("unsqueeze", dim, t.Dim()+1)
	shape := append(append(append([]int(nil), t.shape[:dim]...), 1), t.shape[dim:]...)
	s := 1
	if dim < t.Dim() {
		s = t.strides[dim] * t.shape[dim]
	}
	st := append(append(append([]int(nil), t.strides[:dim]...), s), t.strides[dim:]...)
	return viewGrad("UnsqueezeBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return g.Squeeze(dim) })
}

// Expand views t with size-1 dims repeated (stride 0) to sizes; -1 keeps a size, and new
// leading dims may be added, like torch.expand.
func (t *Tensor) Expand(sizes ...int) *Tensor {
	if len(sizes) < t.Dim() {
		fail(ErrShape, "expand", "expand(torch.FloatTensor{%v}, size=%v): the number of sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)", shapeStr(t.shape), shapeStr(sizes), len(sizes), t.Dim())
	}
	shape := append([]int(nil), sizes...)
	st := make([]int, len(sizes))
	lead := len(sizes) - t.Dim()
	for i := range sizes {
		if i < lead {
			if sizes[i] < 0 {
				fail(ErrShape, "expand", "The expanded size of the tensor (%d) isn't allowed in a leading, non-existing dimension %d", sizes[i], i)
			}
			continue
		}
		have := t.shape[i-lead]
		switch {
		case sizes[i] == -1 || sizes[i] == have:
			shape[i], st[i] = have, t.strides[i-lead]
		case have == 1:
			st[i] = 0
		default:
			fail(ErrShape, "expand", "The expanded size of the tensor (%d) must match the existing size (%d) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s", sizes[i], have, i, shapeStr(sizes), shapeStr(t.shape))
		}
	}
	numelOf(shape) // fails, like PyTorch's expand, when the sizes' product overflows
	old := t.shape
	return viewGrad("ExpandBackward0", t.view(shape, st, t.offset), t, func(g *Tensor) *Tensor { return sumTo(g, old) })
}

// Broadcast views t expanded to shape (torch.broadcast_to).
func (t *Tensor) Broadcast(shape ...int) *Tensor { return t.Expand(shape...) }

// ExpandAs views t expanded to u's shape.
func (t *Tensor) ExpandAs(u *Tensor) *Tensor {
	notNil("expand_as", "other", u)
	return t.Expand(u.shape...)
}

// Index selects along the leading dims: x.Index(0) is x[0], x.Index(1, 2) is x[1][2]; negative
// indices count from the end. The result is a view.
func (t *Tensor) Index(indices ...int) *Tensor {
	out := t
	for _, i := range indices {
		out = out.Select(0, i)
	}
	return out
}

// Select picks index i of dim, dropping the dim (a view; x.select(dim, i)).
func (t *Tensor) Select(dim, i int) *Tensor {
	if t.Dim() == 0 {
		fail(ErrIndex, "select", "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
	}
	dim = t.normDim("select", dim)
	n := t.shape[dim]
	if i < -n || i >= n {
		fail(ErrIndex, "select", "index %d is out of bounds for dimension %d with size %d", i, dim, n)
	}
	if i < 0 {
		i += n
	}
	shape := append(append([]int(nil), t.shape[:dim]...), t.shape[dim+1:]...)
	st := append(append([]int(nil), t.strides[:dim]...), t.strides[dim+1:]...)
	old := t.shape
	return viewGrad("SelectBackward0", t.view(shape, st, t.offset+i*t.strides[dim]), t, func(g *Tensor) *Tensor {
		return embed(g, old, func(z *Tensor) *Tensor { return z.Select(dim, i) })
	})
}

// SliceDim takes start:end:step along dim (a view), with Python's clamping of out-of-range
// bounds; step must be positive.
func (t *Tensor) SliceDim(dim, start, end, step int) *Tensor {
	if t.Dim() == 0 {
		fail(ErrIndex, "slice", "slice() cannot be applied to a 0-dim tensor.")
	}
	dim = t.normDim("slice", dim)
	if step <= 0 {
		fail(ErrValue, "slice", "slice step must be positive")
	}
	n := t.shape[dim]
	start, end = clampIndex(start, n), clampIndex(end, n)
	length := 0
	if end > start {
		length = (end - start + step - 1) / step
	}
	shape, st := append([]int(nil), t.shape...), append([]int(nil), t.strides...)
	shape[dim], st[dim] = length, t.strides[dim]*step
	old := t.shape
	return viewGrad("SliceBackward0", t.view(shape, st, t.offset+start*t.strides[dim]), t, func(g *Tensor) *Tensor {
		return embed(g, old, func(z *Tensor) *Tensor { return z.SliceDim(dim, start, end, step) })
	})
}

func clampIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	return min(max(i, 0), n)
}

// Narrow returns length elements of dim from start (a view; torch.narrow).
func (t *Tensor) Narrow(dim, start, length int) *Tensor {
	if t.Dim() == 0 {
		fail(ErrIndex, "narrow", "narrow() cannot be applied to a 0-dim tensor.")
	}
	dim = t.normDim("narrow", dim)
	n := t.shape[dim]
	if start < 0 {
		start += n
	}
	if start < 0 || length < 0 || start+length > n {
		fail(ErrIndex, "narrow", "start (%d) + length (%d) exceeds dimension size (%d).", start, length, n)
	}
	return t.SliceDim(dim, start, start+length, 1)
}

// Slice indexes t with NumPy's basic syntax in a string, giving a view: x.Slice(":, 1") is
// x[:, 1], x.Slice("1:3") is x[1:3]; also "::2", "-1", "...", and "None" for a new dim.
func (t *Tensor) Slice(spec string) *Tensor {
	parts := strings.Split(spec, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	consumed := 0
	for _, p := range parts {
		if p != "None" && p != "..." {
			consumed++
		}
	}
	if consumed > t.Dim() {
		fail(ErrIndex, "slice", "too many indices for tensor of dimension %d", t.Dim())
	}
	out, dim := t, 0
	for _, p := range parts {
		switch {
		case p == "...":
			dim += t.Dim() - consumed
		case p == "None":
			out = out.Unsqueeze(dim)
			dim++
		case strings.Contains(p, ":"):
			f := strings.Split(p, ":")
			if len(f) > 3 {
				fail(ErrValue, "slice", "bad slice %q in %q", p, spec)
			}
			start, end, step := 0, out.shape[dim], 1
			start = sliceInt(f[0], start, spec)
			end = sliceInt(f[1], end, spec)
			if len(f) == 3 {
				step = sliceInt(f[2], step, spec)
			}
			out = out.SliceDim(dim, start, end, step)
			dim++
		default:
			out = out.Select(dim, sliceInt(p, 0, spec))
		}
	}
	return out
}

func sliceInt(s string, def int, spec string) int {
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		fail(ErrValue, "slice", "bad index %q in %q: %v", s, spec, fmt.Errorf("want an integer"))
	}
	return v
}

// embed returns zeros of shape with g written into the view of them that at selects; its own
// backward reads the same view of the incoming gradient, so it is differentiable.
func embed(g *Tensor, shape []int, at func(z *Tensor) *Tensor) *Tensor {
	out := Zeros(shape, g.dtype())
	copyInto(at(out), g.Detach())
	if needsGrad(g) {
		record("SliceScatterBackward0", out, []*Tensor{g}, nil, func(c *bctx, gg *Tensor) []*Tensor {
			return []*Tensor{at(gg)}
		})
	}
	return out
}
