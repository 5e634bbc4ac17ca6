package tensor

// Cat joins tensors along an existing dim (torch.cat); all other sizes must match.
func Cat(ts []*Tensor, dim int) *Tensor {
	if len(ts) == 0 {
		fail(ErrValue, "cat", "torch.cat(): expected a non-empty list of Tensors")
	}
	notNilList("cat", ts)
	first := ts[0]
	for i, t := range ts {
		if t.Dim() == 0 {
			fail(ErrShape, "cat", "zero-dimensional tensor (at position %d) cannot be concatenated", i)
		}
	}
	dim = first.normDim("cat", dim)
	dt := resultType(ts...)
	shape := append([]int(nil), first.shape...)
	shape[dim] = 0
	for i, t := range ts {
		sameDevice("cat", first, t)
		if t.Dim() != first.Dim() {
			fail(ErrShape, "cat", "Tensors must have same number of dimensions: got %d and %d", first.Dim(), t.Dim())
		}
		for d := range t.shape {
			if d != dim && t.shape[d] != first.shape[d] {
				fail(ErrShape, "cat", "Sizes of tensors must match except in dimension %d. Expected size %d but got size %d for tensor number %d in the list.", dim, first.shape[d], t.shape[d], i)
			}
		}
		shape[dim] += t.shape[dim]
	}
	out := empty(dt, shape, false)
	at := 0
	sizes := make([]int, len(ts))
	for i, t := range ts {
		n := t.shape[dim]
		copyInto(out.SliceDim(dim, at, at+n, 1), t.Detach())
		sizes[i], at = n, at+n
	}
	if needsGrad(ts...) {
		dts := make([]DType, len(ts))
		for i, t := range ts {
			dts[i] = t.dtype()
		}
		record("CatBackward0", out, ts, nil, func(c *bctx, g *Tensor) []*Tensor {
			gs := make([]*Tensor, len(sizes))
			at := 0
			for i, n := range sizes {
				if c.needs(i) {
					gs[i] = gradFor(g.SliceDim(dim, at, at+n, 1), g.SliceDim(dim, at, at+n, 1).shape, dts[i])
				}
				at += n
			}
			return gs
		})
	}
	return out
}

// Stack joins same-shaped tensors along a new dim (torch.stack).
func Stack(ts []*Tensor, dim int) *Tensor {
	if len(ts) == 0 {
		fail(ErrValue, "stack", "stack expects a non-empty TensorList")
	}
	notNilList("stack", ts)
	dim = normDimN("stack", dim, ts[0].Dim()+1)
	parts := make([]*Tensor, len(ts))
	dts := make([]DType, len(ts))
	for i, t := range ts {
		if !sameShape(t.shape, ts[0].shape) {
			fail(ErrShape, "stack", "stack expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d", shapeStr(ts[0].shape), shapeStr(t.shape), i)
		}
		parts[i], dts[i] = t.Detach().Unsqueeze(dim), t.dtype()
	}
	out := Cat(parts, dim)
	if needsGrad(ts...) {
		record("StackBackward0", out, ts, nil, func(c *bctx, g *Tensor) []*Tensor {
			gs := make([]*Tensor, len(dts))
			for i, dt := range dts {
				if c.needs(i) {
					gs[i] = gradFor(g.Select(dim, i), g.Select(dim, i).shape, dt)
				}
			}
			return gs
		})
	}
	return out
}

// notNilList fails with "op: tensors[i] is nil" for the first nil entry of ts.
func notNilList(op string, ts []*Tensor) {
	for i, t := range ts {
		if t == nil {
			fail(ErrValue, op, "%s: tensors[%d] is nil", op, i)
		}
	}
}
