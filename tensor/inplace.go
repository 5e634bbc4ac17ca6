package tensor

import "runtime"

// In-place operations: a method whose name ends in "_" (PyTorch's convention) overwrites its
// receiver and returns it; it is the only kind of method that modifies a tensor. Each bumps the
// storage's version counter, so a backward that needs the old values fails instead of
// computing a wrong gradient.

// checkInplace panics where PyTorch refuses an in-place op under grad mode.
func (t *Tensor) checkInplace(op string) {
	if !gradEnabled.Load() {
		return
	}
	if t.grad.requiresGrad && t.grad.fn == nil {
		fail(ErrAutograd, op, "a leaf Variable that requires grad is being used in an in-place operation.")
	}
	if b := t.base; b != nil && b.grad.requiresGrad {
		if b.grad.fn == nil {
			fail(ErrAutograd, op, "a view of a leaf Variable that requires grad is being used in an in-place operation.")
		}
		fail(ErrAutograd, op, "gotensor does not support in-place operations on a view of a tensor that requires grad; use an out-of-place op or Clone() first")
	}
}

// inplace overwrites t with compute(t), which must have t's shape and a dtype t can hold. Under
// autograd, compute sees a copy of t so the nodes it records keep the old values.
func (t *Tensor) inplace(op string, compute func(x *Tensor) *Tensor, operands ...any) *Tensor {
	t.checkInplace(op)
	src := t
	others := []*Tensor{t}
	for _, o := range operands {
		if u, ok := o.(*Tensor); ok && u != nil {
			others = append(others, u)
		}
	}
	if needsGrad(others...) {
		src = t.Clone()
	}
	r := compute(src)
	if !sameShape(r.shape, t.shape) {
		fail(ErrShape, op, "output with shape %s doesn't match the broadcast shape %s", shapeStr(t.shape), shapeStr(r.shape))
	}
	if category(r.dtype()) > category(t.dtype()) {
		fail(ErrDType, op, "result type %s can't be cast to the desired output type %s", dtypeShort(r.dtype()), dtypeShort(t.dtype()))
	}
	copyInto(t, r.Detach())
	t.st.version.Add(1)
	if r.grad.requiresGrad && gradEnabled.Load() {
		t.grad.fn, t.grad.requiresGrad = r.grad.fn, true
	}
	return t
}

// Add_ adds other to t in place and returns t.
func (t *Tensor) Add_(other any) *Tensor {
	return t.inplace("add_", func(x *Tensor) *Tensor { return x.Add(other) }, other)
}

// Sub_ subtracts other from t in place and returns t.
func (t *Tensor) Sub_(other any) *Tensor {
	return t.inplace("sub_", func(x *Tensor) *Tensor { return x.Sub(other) }, other)
}

// Mul_ multiplies t by other in place and returns t.
func (t *Tensor) Mul_(other any) *Tensor {
	return t.inplace("mul_", func(x *Tensor) *Tensor { return x.Mul(other) }, other)
}

// Div_ divides t by other in place and returns t.
func (t *Tensor) Div_(other any) *Tensor {
	return t.inplace("div_", func(x *Tensor) *Tensor { return x.Div(other) }, other)
}

// Pow_ raises t to exponent in place and returns t.
func (t *Tensor) Pow_(exponent any) *Tensor {
	return t.inplace("pow_", func(x *Tensor) *Tensor { return x.Pow(exponent) }, exponent)
}

// Neg_ negates t in place and returns t.
func (t *Tensor) Neg_() *Tensor { return t.inplace("neg_", (*Tensor).Neg) }

// Exp_ replaces t by e^t in place and returns t.
func (t *Tensor) Exp_() *Tensor { return t.inplace("exp_", (*Tensor).Exp) }

// ReLU_ replaces t by max(t, 0) in place and returns t.
func (t *Tensor) ReLU_() *Tensor { return t.inplace("relu_", (*Tensor).ReLU) }

// Clamp_ limits t to [lo, hi] in place and returns t.
func (t *Tensor) Clamp_(lo, hi float64) *Tensor {
	return t.inplace("clamp_", func(x *Tensor) *Tensor { return x.Clamp(lo, hi) })
}

// Zero_ fills t with zeros and returns t.
func (t *Tensor) Zero_() *Tensor { return t.Fill_(0) }

// Fill_ fills t with value and returns t.
func (t *Tensor) Fill_(value any) *Tensor {
	v := asTensor("fill_", value)
	return t.inplace("fill_", func(x *Tensor) *Tensor {
		out := v.castTo(t.dtype()).Detach().Expand(t.shape...)
		if needsGrad(x) {
			out = out.Clone()
			record("FillBackward0", out, []*Tensor{x}, nil, func(c *bctx, g *Tensor) []*Tensor {
				return []*Tensor{ZerosLike(g)}
			})
		}
		return out
	})
}

// Copy_ copies src (broadcast to t's shape, converted to t's dtype) into t and returns t.
func (t *Tensor) Copy_(src *Tensor) *Tensor {
	return t.inplace("copy_", func(x *Tensor) *Tensor {
		out := src.Expand(t.shape...).castTo(src.dtype()).Detach().Clone()
		if needsGrad(x, src) {
			ss, sd := src.shape, src.dtype()
			record("CopyBackwards", out, []*Tensor{x, src}, nil, func(c *bctx, g *Tensor) []*Tensor {
				var gx, gs *Tensor
				if c.needs(0) {
					gx = ZerosLike(g)
				}
				if c.needs(1) {
					gs = gradFor(g, ss, sd)
				}
				return []*Tensor{gx, gs}
			})
		}
		return out
	}, src)
}

// addInto adds g into dst's elements without autograd (gradient accumulation).
func addInto(dst, g *Tensor) {
	copyInto(dst, binary(opAdd, dst, g).castTo(dst.dtype()))
	dst.st.version.Add(1)
}

// copyInto writes src, broadcast to dst's shape and converted to its dtype, into dst's
// elements. No autograd, no version bump.
func copyInto(dst, src *Tensor) {
	sameDevice("copy_", dst, src)
	broadcastShapes("copy_", dst.shape, src.shape)
	s := src.castTo(dst.dtype())
	switch dst.dtype() {
	case Float32:
		copyRun[float32](dst, s)
	case Float64:
		copyRun[float64](dst, s)
	case Int64:
		copyRun[int64](dst, s)
	case Int32:
		copyRun[int32](dst, s)
	case Bool:
		copyRun[bool](dst, s)
	}
	runtime.KeepAlive(s)
	runtime.KeepAlive(dst)
}

func copyRun[T element](dst, src *Tensor) {
	D, S := cpuData[T](dst), cpuData[T](src)
	if dst.IsContiguous() && src.IsContiguous() && sameShape(dst.shape, src.shape) {
		d, s := D[dst.offset:dst.offset+dst.Numel()], S[src.offset:src.offset+src.Numel()]
		parallelFor(len(d), func(lo, hi int) { copy(d[lo:hi], s[lo:hi]) })
		return
	}
	ss := broadcastStrides(src, dst.shape)
	last := len(dst.shape) - 1
	walk(dst.shape, [][]int{dst.strides, ss}, []int{dst.offset, src.offset}, func(o []int, n int) {
		if last < 0 {
			D[o[0]] = S[o[1]]
			return
		}
		sd, sss := dst.strides[last], ss[last]
		for j := 0; j < n; j++ {
			D[o[0]+j*sd] = S[o[1]+j*sss]
		}
	})
}
