package tensor

import "runtime"

// In-place operations: a method whose name ends in "_" (PyTorch's convention) overwrites its
// receiver and returns it; it is the only kind of method that modifies a tensor. Each bumps the
// storage's version counter, so a backward that needs the old values fails instead of
// computing a wrong gradient. Add_/AddScaled_/Sub_/Mul_/Div_/Zero_/Fill_/Copy_ run a kernel on
// the receiver's own storage when autograd records nothing; otherwise (and for the rest) the
// result is computed out of place and copied back, so the recorded graph keeps the old values.

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
	if r.grad.requiresGrad && gradEnabled.Load() && t.base != nil && !t.base.grad.requiresGrad {
		fail(ErrAutograd, op, "an in-place operation on a view with an operand that requires grad is not supported: PyTorch would make the view's base require grad (CopySlices), gotensor cannot; build the result out of place (tensor.Cat, Stack or Where)")
	}
	copyInto(t, r.Detach())
	t.st.version.Add(1)
	if r.grad.requiresGrad && gradEnabled.Load() {
		t.grad.fn, t.grad.requiresGrad = r.grad.fn, true
	}
	return t
}

// Add_ adds other to t in place and returns t.
func (t *Tensor) Add_(other any) *Tensor { return t.binaryInplace("add_", opAdd, other, 1) }

// AddScaled_ adds alpha·other to t in place and returns t: PyTorch's add_(other, alpha=alpha),
// the fused update of an optimizer step (p.AddScaled_(grad, -lr)) that makes no temporary.
func (t *Tensor) AddScaled_(other any, alpha float64) *Tensor {
	return t.binaryInplace("add_", opAdd, other, alpha)
}

// Sub_ subtracts other from t in place and returns t.
func (t *Tensor) Sub_(other any) *Tensor { return t.binaryInplace("sub_", opSub, other, 1) }

// Mul_ multiplies t by other in place and returns t.
func (t *Tensor) Mul_(other any) *Tensor { return t.binaryInplace("mul_", opMul, other, 1) }

// Div_ divides t by other in place and returns t.
func (t *Tensor) Div_(other any) *Tensor { return t.binaryInplace("div_", opDiv, other, 1) }

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

// Clamp_ limits t to [lo, hi] in place and returns t. A fractional bound on an integer or bool
// tensor fails, as in PyTorch: the float result cannot be written back into t.
func (t *Tensor) Clamp_(lo, hi float64) *Tensor {
	if !t.dtype().IsFloat() && (fractional(lo) || fractional(hi)) {
		fail(ErrDType, "clamp_", "result type Float can't be cast to the desired output type %s", cTypeName(t.dtype()))
	}
	return t.inplace("clamp_", func(x *Tensor) *Tensor { return x.Clamp(lo, hi) })
}

// Zero_ fills t with zeros and returns t.
func (t *Tensor) Zero_() *Tensor { return t.Fill_(0) }

// Fill_ fills t with value and returns t.
func (t *Tensor) Fill_(value any) *Tensor {
	v := asArg("fill_", "value", value)
	if !needsGrad(t) && v.Dim() == 0 && t.st.dev.Type == "cpu" {
		t.checkInplace("fill_")
		fillInto(t, v.castTo(t.dtype()))
		t.st.version.Add(1)
		return t
	}
	if !needsGrad(t) && v.Dim() == 0 && t.st.dev.Type == "cuda" {
		t.checkInplace("fill_")
		cudaFill(t, v.castTo(t.dtype()).Item())
		t.st.version.Add(1)
		return t
	}
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
	notNil("copy_", "self", t)
	notNil("copy_", "src", src)
	if !needsGrad(t, src) {
		t.checkInplace("copy_")
		sameDevice("copy_", t, src)
		if bs := broadcastShapes("copy_", t.shape, src.shape); !sameShape(bs, t.shape) {
			fail(ErrShape, "copy_", "output with shape %s doesn't match the broadcast shape %s", shapeStr(t.shape), shapeStr(bs))
		}
		s := src
		if src.st == t.st {
			s = src.copyLayout() // overlapping views: read everything before writing
		}
		copyInto(t, s)
		t.st.version.Add(1)
		return t
	}
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
	if !dst.addDirect(opAdd, g, 1) {
		copyInto(dst, binary(opAdd, dst, g).castTo(dst.dtype()))
	}
	dst.st.version.Add(1)
}

// copyInto writes src, broadcast to dst's shape and converted to its dtype, into dst's
// elements. No autograd, no version bump.
func copyInto(dst, src *Tensor) {
	sameDevice("copy_", dst, src)
	broadcastShapes("copy_", dst.shape, src.shape)
	if dst.st.dev.Type == "cuda" {
		cudaCopyInto(dst, src)
		return
	}
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

// binaryInplace computes t = t op alpha·other (alpha only with opAdd) in t's own storage. When
// autograd must record the op, or t's layout or dtypes rule out a direct kernel, it goes through
// inplace: an out-of-place result copied back.
func (t *Tensor) binaryInplace(name string, op binOp, other any, alpha float64) *Tensor {
	b := asTensor(name, other)
	t.checkInplace(name)
	if !needsGrad(t, b) && t.addDirect(op, b, alpha) {
		t.st.version.Add(1)
		return t
	}
	if alpha != 1 {
		b = b.Mul(alpha)
	}
	return t.inplace(name, func(x *Tensor) *Tensor {
		switch op {
		case opAdd:
			return x.Add(b)
		case opSub:
			return x.Sub(b)
		case opMul:
			return x.Mul(b)
		}
		return x.Div(b)
	}, b)
}

// addDirect writes t op alpha·b into t's storage and reports whether it could: t contiguous on
// the CPU, b broadcasting to t's shape, and the op's result type being t's own dtype (so nothing
// is computed in a wider type than t). It does not bump the version; callers do.
func (t *Tensor) addDirect(op binOp, b *Tensor, alpha float64) bool {
	dt := t.dtype()
	if t.st.dev.Type != "cpu" || b.st.dev.Type != "cpu" || !t.IsContiguous() || dt == Bool ||
		resultType(t, b) != dt || (op == opDiv && !dt.IsFloat()) || (alpha != 1 && !dt.IsFloat()) {
		return false
	}
	if !sameShape(broadcastShapes(binNames[op], t.shape, b.shape), t.shape) {
		fail(ErrShape, binNames[op]+"_", "output with shape %s doesn't match the broadcast shape %s", shapeStr(t.shape), shapeStr(broadcastShapes(binNames[op], t.shape, b.shape)))
	}
	if b.st == t.st && !(b.offset == t.offset && sameShape(b.shape, t.shape) && b.IsContiguous()) {
		b = b.copyLayout() // b overlaps t differently: read it all before writing
	}
	bc := b.castTo(dt)
	// dst views t's elements as a contiguous tensor at offset 0, the layout binaryRun writes.
	n := t.Numel()
	dst := &Tensor{shape: t.shape, strides: contiguousStrides(t.shape)}
	switch dt {
	case Float32:
		dst.st = storageOf(cpuData[float32](t)[t.offset : t.offset+n])
		inplaceRun[float32](op, dst, t, bc, float32(alpha))
	case Float64:
		dst.st = storageOf(cpuData[float64](t)[t.offset : t.offset+n])
		inplaceRun[float64](op, dst, t, bc, alpha)
	case Int64:
		dst.st = storageOf(cpuData[int64](t)[t.offset : t.offset+n])
		inplaceRun[int64](op, dst, t, bc, 1)
	case Int32:
		dst.st = storageOf(cpuData[int32](t)[t.offset : t.offset+n])
		inplaceRun[int32](op, dst, t, bc, 1)
	}
	runtime.KeepAlive(bc)
	runtime.KeepAlive(t)
	return true
}

// inplaceRun computes dst = a op alpha·b, where dst and a are the same elements: each element
// is read before it is written, so the ordinary kernels are safe in place.
func inplaceRun[T number](op binOp, dst, a, b *Tensor, alpha T) {
	if alpha == 1 {
		binaryRun[T](op, dst, a, b)
		return
	}
	D, B := cpuData[T](dst), cpuData[T](b)
	if sb, ok := flatOperand(b, dst.shape); ok {
		parallelFor(len(D), func(lo, hi int) { axpyRow(D[lo:hi], alpha, B, b.offset+lo*sb, sb) })
		return
	}
	binaryRun[T](op, dst, a, binary(opMul, b, scalarLike(alpha, b.dtype())))
}

// axpyRow adds alpha·B[ob+i*sb] to each dst[i]; sb is 0 or 1.
func axpyRow[T number](dst []T, alpha T, B []T, ob, sb int) {
	if sb == 0 {
		s := alpha * B[ob]
		for i := range dst {
			dst[i] += s
		}
		return
	}
	b := B[ob : ob+len(dst)]
	for i := range dst {
		dst[i] += alpha * b[i]
	}
}

// scalarLike wraps v as a 0-dim tensor of dtype dt.
func scalarLike[T number](v T, dt DType) *Tensor {
	return asTensor("mul", float64(v)).castTo(dt)
}

// fillInto writes the 0-dim v (already of t's dtype) into every element of t.
func fillInto(t, v *Tensor) {
	switch t.dtype() {
	case Float32:
		fillRun(t, flat[float32](v)[0])
	case Float64:
		fillRun(t, flat[float64](v)[0])
	case Int64:
		fillRun(t, flat[int64](v)[0])
	case Int32:
		fillRun(t, flat[int32](v)[0])
	case Bool:
		fillRun(t, flat[bool](v)[0])
	}
	runtime.KeepAlive(t)
}

func fillRun[T element](t *Tensor, v T) {
	D := cpuData[T](t)
	if t.IsContiguous() {
		d := D[t.offset : t.offset+t.Numel()]
		parallelFor(len(d), func(lo, hi int) { fillSlice(d[lo:hi], v) })
		return
	}
	last := len(t.shape) - 1
	walk(t.shape, [][]int{t.strides}, []int{t.offset}, func(o []int, n int) {
		if last < 0 {
			D[o[0]] = v
			return
		}
		s := t.strides[last]
		for j := 0; j < n; j++ {
			D[o[0]+j*s] = v
		}
	})
}
