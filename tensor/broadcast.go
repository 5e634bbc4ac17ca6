package tensor

// broadcastShapes returns the NumPy broadcast of two shapes, panicking with PyTorch's message
// when a dimension pair is neither equal nor 1.
func broadcastShapes(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if k := len(a) - n + i; k >= 0 {
			da = a[k]
		}
		if k := len(b) - n + i; k >= 0 {
			db = b[k]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			fail(ErrShape, op, "The size of tensor a (%d) must match the size of tensor b (%d) at non-singleton dimension %d", da, db, i)
		}
	}
	return out
}

// broadcastStrides returns t's strides for viewing it as shape (which t broadcasts to): 0 on
// new and expanded dims.
func broadcastStrides(t *Tensor, shape []int) []int {
	st := make([]int, len(shape))
	off := len(shape) - len(t.shape)
	for i := range t.shape {
		if t.shape[i] != 1 || shape[off+i] == 1 {
			st[off+i] = t.strides[i]
		}
	}
	return st
}

// sumTo reduces a broadcast gradient g back to shape by summing the broadcast dims
// (differentiably, so create-graph passes stay correct).
func sumTo(g *Tensor, shape []int) *Tensor {
	if sameShape(g.shape, shape) {
		return g
	}
	lead := len(g.shape) - len(shape)
	var dims []int
	for i := range g.shape {
		if i < lead || (shape[i-lead] == 1 && g.shape[i] != 1) {
			dims = append(dims, i)
		}
	}
	r := g
	if len(dims) > 0 {
		r = g.SumDims(dims, true)
	}
	return r.Reshape(shape...)
}
