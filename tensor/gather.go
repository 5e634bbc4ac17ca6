package tensor

import "runtime"

// Gather picks values along dim by an Int64 index of the same number of dims
// (torch.gather): out[i][j] = t[index[i][j]][j] for dim 0. The result has index's shape.
// Gradients scatter-add back into t's shape.
func (t *Tensor) Gather(dim int, index *Tensor) *Tensor {
	notNil("gather", "self", t)
	notNil("gather", "index", index)
	if t.Dim() == 0 {
		fail(ErrShape, "gather", "gather(): a 0-dim input is not supported; use Reshape(1) first")
	}
	dim = t.normDim("gather", dim)
	checkGatherIndex("gather", t, dim, index)
	out := empty(t.dtype(), index.shape, false)
	idx := index.castTo(Int64).Contiguous()
	switch t.dtype() {
	case Float32:
		gatherRun[float32](out, t, dim, idx)
	case Float64:
		gatherRun[float64](out, t, dim, idx)
	case Int64:
		gatherRun[int64](out, t, dim, idx)
	case Int32:
		gatherRun[int32](out, t, dim, idx)
	case Bool:
		gatherRun[bool](out, t, dim, idx)
	}
	runtime.KeepAlive(t)
	runtime.KeepAlive(idx)
	if needsGrad(t) {
		shape := t.shape
		record("GatherBackward0", out, []*Tensor{t}, []slot{{"index", idx}}, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{scatterAdd(shape, dim, c.saved(0), g)}
		})
	}
	return out
}

// IndexSelect picks the entries idx (a 1-D integer tensor) along dim (torch.index_select).
func (t *Tensor) IndexSelect(dim int, idx *Tensor) *Tensor {
	notNil("index_select", "self", t)
	notNil("index_select", "index", idx)
	if t.Dim() == 0 {
		fail(ErrShape, "index_select", "index_select(): a 0-dim input is not supported; use Reshape(1) first")
	}
	dim = t.normDim("index_select", dim)
	if idx.Dim() != 1 {
		fail(ErrShape, "index_select", "index_select(): Index is supposed to be a vector")
	}
	view := make([]int, t.Dim())
	for i := range view {
		view[i] = 1
	}
	view[dim] = idx.Numel()
	shape := append([]int(nil), t.shape...)
	shape[dim] = idx.Numel()
	return t.Gather(dim, idx.Reshape(view...).Expand(shape...))
}

func checkGatherIndex(op string, t *Tensor, dim int, index *Tensor) {
	if !index.dtype().IsInt() {
		fail(ErrDType, op, "%s(): Expected dtype int64 for index", op)
	}
	if index.Dim() != t.Dim() {
		fail(ErrShape, op, "Index tensor must have the same number of dimensions as input tensor")
	}
	for d := range index.shape {
		if d != dim && index.shape[d] > t.shape[d] {
			fail(ErrShape, op, "Size does not match at dimension %d expected index %s to be smaller than self %s apart from dimension %d", d, shapeStr(index.shape), shapeStr(t.shape), dim)
		}
	}
	n := t.shape[dim]
	for _, v := range flat[int64](index.castTo(Int64).Contiguous()) {
		if v < -int64(n) || v >= int64(n) {
			fail(ErrIndex, op, "index %d is out of bounds for dimension %d with size %d", v, dim, n)
		}
	}
}

func gatherRun[T element](out, t *Tensor, dim int, idx *Tensor) {
	dst, src, ix := cpuData[T](out), cpuData[T](t), flat[int64](idx)
	n := int64(t.shape[dim])
	forEachIndex(idx.shape, func(i int, c []int) {
		v := ix[i]
		if v < 0 {
			v += n
		}
		off := t.offset
		for d, x := range c {
			if d == dim {
				x = int(v)
			}
			off += x * t.strides[d]
		}
		dst[i] = src[off]
	})
}

// forEachIndex calls fn with each flat row-major position of shape and its coordinates.
func forEachIndex(shape []int, fn func(i int, c []int)) {
	n := numelOf(shape)
	c := make([]int, len(shape))
	for i := 0; i < n; i++ {
		fn(i, c)
		for d := len(shape) - 1; d >= 0; d-- {
			c[d]++
			if c[d] < shape[d] {
				break
			}
			c[d] = 0
		}
	}
}

// scatterAdd returns zeros of shape with g's values added at idx along dim (the backward of
// Gather); its own backward gathers, so second derivatives flow.
func scatterAdd(shape []int, dim int, idx, g *Tensor) *Tensor {
	out := Zeros(shape, g.dtype())
	src := g.Detach().Contiguous()
	switch g.dtype() {
	case Float32:
		scatterRun[float32](out, src, dim, idx)
	case Float64:
		scatterRun[float64](out, src, dim, idx)
	default:
		fail(ErrDType, "scatter_add", "scatter_add of %v gradients is not supported", g.dtype())
	}
	runtime.KeepAlive(src)
	if needsGrad(g) {
		record("ScatterAddBackward0", out, []*Tensor{g}, []slot{{"index", idx}}, func(c *bctx, gg *Tensor) []*Tensor {
			return []*Tensor{gg.Gather(dim, c.saved(0))}
		})
	}
	return out
}

func scatterRun[T number](out, src *Tensor, dim int, idx *Tensor) {
	dst, s, ix := cpuData[T](out), flat[T](src), flat[int64](idx)
	n := int64(out.shape[dim])
	forEachIndex(idx.shape, func(i int, c []int) {
		v := ix[i]
		if v < 0 {
			v += n
		}
		off := 0
		for d, x := range c {
			if d == dim {
				x = int(v)
			}
			off += x * out.strides[d]
		}
		dst[off] += s[i]
	})
}
