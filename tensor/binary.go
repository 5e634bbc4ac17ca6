package tensor

import (
	"math"
	"runtime"
)

type binOp int8

const (
	opAdd binOp = iota
	opSub
	opMul
	opDiv
	opPow
	opMaximum
	opMinimum
)

var binNames = [...]string{"add", "sub", "mul", "div", "pow", "maximum", "minimum"}

// binary computes a op b with broadcasting and type promotion, without autograd.
func binary(op binOp, a, b *Tensor) *Tensor {
	name := binNames[op]
	notNil(name, "self", a)
	sameDevice(name, a, b)
	dt := resultType(a, b)
	if op == opDiv && !dt.IsFloat() {
		dt = DefaultFloat // true division, like PyTorch's a / b
	}
	if op == opSub && dt == Bool {
		fail(ErrDType, name, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
	}
	if op == opPow && dt.IsInt() && b.castTo(Int64).cpuView().minInt() < 0 {
		fail(ErrValue, name, "Integers to negative integer powers are not allowed.")
	}
	compute := dt
	if dt == Bool {
		compute = Int32
	}
	shape := broadcastShapes(name, a.shape, b.shape)
	if d, ok := cudaDevice(a, b); ok {
		return cudaBinary(op, d, a, b, dt, compute, shape)
	}
	ac, bc := a.castTo(compute), b.castTo(compute)
	out := empty(compute, shape, false)
	switch compute {
	case Float32:
		binaryRun[float32](op, out, ac, bc)
	case Float64:
		binaryRun[float64](op, out, ac, bc)
	case Int64:
		binaryRun[int64](op, out, ac, bc)
	case Int32:
		binaryRun[int32](op, out, ac, bc)
	}
	runtime.KeepAlive(ac)
	runtime.KeepAlive(bc)
	if dt == Bool {
		return out.castTo(Bool)
	}
	return out
}

func (t *Tensor) minInt() int64 {
	m := int64(0)
	for _, v := range flat[int64](t) {
		m = min(m, v)
	}
	return m
}

// flatOperand reports whether t can be read as a flat run over shape: contiguous with that
// shape (stride 1) or a single element (stride 0).
func flatOperand(t *Tensor, shape []int) (stride int, ok bool) {
	if t.Numel() == 1 {
		return 0, true
	}
	if sameShape(t.shape, shape) && t.IsContiguous() {
		return 1, true
	}
	return 0, false
}

func binaryRun[T number](op binOp, out, a, b *Tensor) {
	dst := cpuData[T](out)
	A, B := cpuData[T](a), cpuData[T](b)
	sa, okA := flatOperand(a, out.shape)
	sb, okB := flatOperand(b, out.shape)
	if okA && okB {
		parallelFor(len(dst), func(lo, hi int) {
			binaryRow(op, dst[lo:hi], A, a.offset+lo*sa, sa, B, b.offset+lo*sb, sb)
		})
		return
	}
	stA, stB := broadcastStrides(a, out.shape), broadcastStrides(b, out.shape)
	last := len(out.shape) - 1
	ia, ib := stA[last], stB[last]
	// Split the outermost dim across cores; each part walks its rows.
	rows := out.shape[0]
	inner := len(dst) / max(rows, 1)
	parallelRows(rows, inner, func(lo, hi int) {
		sub := append([]int{hi - lo}, out.shape[1:]...)
		i := lo * inner
		walk(sub, [][]int{stA, stB}, []int{a.offset + lo*stA[0], b.offset + lo*stB[0]}, func(o []int, n int) {
			binaryRow(op, dst[i:i+n], A, o[0], ia, B, o[1], ib)
			i += n
		})
	})
}

// binaryRow computes dst[i] = A[oa+i*sa] op B[ob+i*sb]; strides are 0 or 1 on the fast paths.
// binaryRow computes one row of a binary op: dst[i] = A[oa+i·sa] op B[ob+i·sb]. Contiguous and
// scalar-broadcast rows of the four arithmetic ops take tight loops the compiler can bounds-check
// once; everything else takes the general strided loop.
func binaryRow[T number](op binOp, dst, A []T, oa, sa int, B []T, ob, sb int) {
	switch {
	case sa == 1 && sb == 1 && rowVV(op, dst, A, oa, B, ob):
		return
	case sa == 1 && sb == 0 && rowVS(op, dst, A, oa, B, ob):
		return
	case sa == 0 && sb == 1 && rowSV(op, dst, A, oa, B, ob):
		return
	}
	for i := range dst {
		x, y := A[oa+i*sa], B[ob+i*sb]
		var r T
		switch op {
		case opAdd:
			r = x + y
		case opSub:
			r = x - y
		case opMul:
			r = x * y
		case opDiv:
			r = x / y
		case opPow:
			r = pow(x, y)
		case opMaximum:
			r = maxNaN(x, y)
		case opMinimum:
			r = minNaN(x, y)
		}
		dst[i] = r
	}
}

// rowVV is binaryRow for two contiguous rows; it reports whether op had a fast loop.
func rowVV[T number](op binOp, dst, A []T, oa int, B []T, ob int) bool {
	n := len(dst)
	a, b := A[oa:oa+n], B[ob:ob+n]
	a, b = a[:len(dst)], b[:len(dst)] // lets the compiler drop bounds checks below
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
		return true
	case opSub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
		return true
	case opMul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
		return true
	case opDiv:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
		return true
	}
	return false
}

// rowVS is binaryRow for a contiguous row and a broadcast scalar on the right.
func rowVS[T number](op binOp, dst, A []T, oa int, B []T, ob int) bool {
	n := len(dst)
	a, s := A[oa:oa+n], B[ob]
	a = a[:len(dst)]
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = a[i] + s
		}
		return true
	case opSub:
		for i := range dst {
			dst[i] = a[i] - s
		}
		return true
	case opMul:
		for i := range dst {
			dst[i] = a[i] * s
		}
		return true
	case opDiv:
		for i := range dst {
			dst[i] = a[i] / s
		}
		return true
	case opPow:
		powScalar(dst, a, s)
		return true
	}
	return false
}

// rowSV is binaryRow for a broadcast scalar on the left and a contiguous row.
func rowSV[T number](op binOp, dst, A []T, oa int, B []T, ob int) bool {
	n := len(dst)
	s, b := A[oa], B[ob:ob+n]
	b = b[:len(dst)]
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = s + b[i]
		}
		return true
	case opSub:
		for i := range dst {
			dst[i] = s - b[i]
		}
		return true
	case opMul:
		for i := range dst {
			dst[i] = s * b[i]
		}
		return true
	case opDiv:
		for i := range dst {
			dst[i] = s / b[i]
		}
		return true
	}
	return false
}

func powScalar[T number](dst, a []T, s T) {
	switch float64(s) {
	case 2:
		for i, v := range a {
			dst[i] = v * v
		}
	case 3:
		for i, v := range a {
			dst[i] = v * v * v
		}
	default:
		for i, v := range a {
			dst[i] = pow(v, s)
		}
	}
}

func pow[T number](x, y T) T {
	var zero T
	if isFloat(zero) {
		return T(math.Pow(float64(x), float64(y)))
	}
	r, b, e := T(1), x, int64(y)
	for e > 0 {
		if e&1 == 1 {
			r *= b
		}
		b *= b
		e >>= 1
	}
	return r
}

func isFloat[T number](v T) bool {
	switch any(v).(type) {
	case float32, float64:
		return true
	}
	return false
}

// maxNaN and minNaN propagate NaN like torch.maximum and torch.minimum.
func maxNaN[T number](x, y T) T {
	if x != x || x > y {
		return x
	}
	return y
}

func minNaN[T number](x, y T) T {
	if x != x || x < y {
		return x
	}
	return y
}

// Add returns t + other with broadcasting; other is a *Tensor or a Go number.
func (t *Tensor) Add(other any) *Tensor {
	b := asTensor("add", other)
	out := binary(opAdd, t, b)
	if needsGrad(t, b) {
		sa, da, sb, db := t.shape, t.dtype(), b.shape, b.dtype()
		record("AddBackward0", out, []*Tensor{t, b}, nil, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = gradFor(g, sa, da)
			}
			if c.needs(1) {
				gb = gradFor(g, sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Sub returns t - other with broadcasting.
func (t *Tensor) Sub(other any) *Tensor {
	b := asTensor("sub", other)
	out := binary(opSub, t, b)
	if needsGrad(t, b) {
		sa, da, sb, db := t.shape, t.dtype(), b.shape, b.dtype()
		record("SubBackward0", out, []*Tensor{t, b}, nil, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = gradFor(g, sa, da)
			}
			if c.needs(1) {
				gb = gradFor(g.Neg(), sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Mul returns t * other elementwise with broadcasting.
func (t *Tensor) Mul(other any) *Tensor {
	b := asTensor("mul", other)
	out := binary(opMul, t, b)
	if needsGrad(t, b) {
		sa, da, sb, db := t.shape, t.dtype(), b.shape, b.dtype()
		// As PyTorch: self is saved only for other's gradient, other only for self's, so the
		// graph shows (and the version check guards) just what the backward reads.
		slots, self, oth := mulSlots(t, b)
		record("MulBackward0", out, []*Tensor{t, b}, slots, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = gradFor(g.Mul(c.saved(oth)), sa, da)
			}
			if c.needs(1) {
				gb = gradFor(g.Mul(c.saved(self)), sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// mulSlots lists the tensors MulBackward0 saves and their indices (-1 when not saved): self
// when other requires grad, other when self does.
func mulSlots(t, b *Tensor) (slots []slot, self, other int) {
	self, other = -1, -1
	if b.grad.requiresGrad {
		self = len(slots)
		slots = append(slots, slot{"self", t})
	}
	if t.grad.requiresGrad {
		other = len(slots)
		slots = append(slots, slot{"other", b})
	}
	return slots, self, other
}

// Div returns t / other elementwise with broadcasting; integer inputs divide as floats.
func (t *Tensor) Div(other any) *Tensor {
	b := asTensor("div", other)
	out := binary(opDiv, t, b)
	if needsGrad(t, b) {
		sa, da, sb, db := t.shape, t.dtype(), b.shape, b.dtype()
		record("DivBackward0", out, []*Tensor{t, b}, []slot{{"self", t}, {"other", b}}, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			y := c.saved(1)
			if c.needs(0) {
				ga = gradFor(g.Div(y), sa, da)
			}
			if c.needs(1) {
				gb = gradFor(g.Neg().Mul(c.saved(0)).Div(y.Mul(y)), sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Pow returns t raised to exponent elementwise (t ** exponent); exponent is a Go number or a
// tensor broadcast against t.
func (t *Tensor) Pow(exponent any) *Tensor {
	e := asArg("pow", "exponent", exponent)
	out := binary(opPow, t, e)
	if !needsGrad(t, e) {
		return out
	}
	sa, da := t.shape, t.dtype()
	if e.wrapped {
		p := e.Item()
		record("PowBackward0", out, []*Tensor{t}, []slot{{"self", t}}, func(c *bctx, g *Tensor) []*Tensor {
			if p == 0 {
				return []*Tensor{ZerosLike(g)}
			}
			return []*Tensor{gradFor(g.Mul(c.saved(0).Pow(p-1).Mul(p)), sa, da)}
		})
		return out
	}
	sb, db := e.shape, e.dtype()
	record("PowBackward1", out, []*Tensor{t, e}, []slot{{"self", t}, {"exponent", e}, {"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
		var ga, gb *Tensor
		x, y := c.saved(0), c.saved(1)
		if c.needs(0) {
			// y·x^(y-1) is 0·0^-1 = NaN at x = 0, y = 0; PyTorch masks the exponent's zeros to 0.
			ga = gradFor(Where(y.Eq(0), 0.0, g.Mul(y).Mul(x.Pow(y.Sub(1)))), sa, da)
		}
		if c.needs(1) {
			// d/dy x^y = x^y·log x, taken as 0 where x is 0 and y ≥ 0 (PyTorch's choice).
			lg := Where(x.Eq(0).LogicalAnd(y.Ge(0)), 0.0, c.saved(2).Mul(x.Log()))
			gb = gradFor(g.Mul(lg), sb, db)
		}
		return []*Tensor{ga, gb}
	})
	return out
}

// Maximum returns the elementwise maximum of t and other (NaN propagates).
func (t *Tensor) Maximum(other any) *Tensor { return t.minmax(opMaximum, other) }

// Minimum returns the elementwise minimum of t and other (NaN propagates).
func (t *Tensor) Minimum(other any) *Tensor { return t.minmax(opMinimum, other) }

func (t *Tensor) minmax(op binOp, other any) *Tensor {
	b := asTensor(binNames[op], other)
	out := binary(op, t, b)
	if needsGrad(t, b) {
		sa, da, sb, db := t.shape, t.dtype(), b.shape, b.dtype()
		name := "MaximumBackward0"
		if op == opMinimum {
			name = "MinimumBackward0"
		}
		record(name, out, []*Tensor{t, b}, []slot{{"self", t}, {"other", b}}, func(c *bctx, g *Tensor) []*Tensor {
			x, y := c.saved(0), c.saved(1)
			// Ties split the gradient in half, like PyTorch.
			wa := Where(x.Eq(y), 0.5, x.Gt(y).ToDType(g.dtype()))
			if op == opMinimum {
				wa = Where(x.Eq(y), 0.5, x.Lt(y).ToDType(g.dtype()))
			}
			var ga, gb *Tensor
			if c.needs(0) {
				ga = gradFor(g.Mul(wa), sa, da)
			}
			if c.needs(1) {
				gb = gradFor(g.Mul(wa.Neg().Add(1)), sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// gradFor reduces a broadcast gradient to an input's shape and dtype.
func gradFor(g *Tensor, shape []int, dt DType) *Tensor {
	g = sumTo(g, shape)
	if g.dtype() != dt && dt.IsFloat() {
		g = g.ToDType(dt)
	}
	return g
}

// Add returns a + b (tensor.Add(a, b) is a.Add(b)).
func Add(a *Tensor, b any) *Tensor { return a.Add(b) }

// Sub returns a - b.
func Sub(a *Tensor, b any) *Tensor { return a.Sub(b) }

// Mul returns a * b elementwise.
func Mul(a *Tensor, b any) *Tensor { return a.Mul(b) }

// Div returns a / b elementwise.
func Div(a *Tensor, b any) *Tensor { return a.Div(b) }

// Pow returns a ** b elementwise.
func Pow(a *Tensor, b any) *Tensor { return a.Pow(b) }
