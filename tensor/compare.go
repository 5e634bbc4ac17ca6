package tensor

import "runtime"

type cmpOp int8

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

var cmpNames = [...]string{"eq", "ne", "lt", "le", "gt", "ge"}

// compare returns the Bool tensor of a op b with broadcasting; never differentiable.
func compare(op cmpOp, a, b *Tensor) *Tensor {
	name := cmpNames[op]
	notNil(name, "self", a)
	sameDevice(name, a, b)
	dt := resultType(a, b)
	if dt == Bool {
		dt = Int32
	}
	shape := broadcastShapes(name, a.shape, b.shape)
	ac, bc := a.castTo(dt), b.castTo(dt)
	if d, ok := cudaDevice(ac, bc); ok {
		return cudaCompare(op, d, ac, bc, dt, shape)
	}
	out := empty(Bool, shape, false)
	switch dt {
	case Float32:
		compareRun[float32](op, out, ac, bc)
	case Float64:
		compareRun[float64](op, out, ac, bc)
	case Int64:
		compareRun[int64](op, out, ac, bc)
	case Int32:
		compareRun[int32](op, out, ac, bc)
	}
	runtime.KeepAlive(ac)
	runtime.KeepAlive(bc)
	return out
}

func compareRun[T number](op cmpOp, out, a, b *Tensor) {
	dst := cpuData[bool](out)
	A, B := cpuData[T](a), cpuData[T](b)
	sa, okA := flatOperand(a, out.shape)
	sb, okB := flatOperand(b, out.shape)
	if okA && okB {
		parallelFor(len(dst), func(lo, hi int) {
			compareRow(op, dst[lo:hi], A, a.offset+lo*sa, sa, B, b.offset+lo*sb, sb)
		})
		return
	}
	stA, stB := broadcastStrides(a, out.shape), broadcastStrides(b, out.shape)
	last := len(out.shape) - 1
	i := 0
	walk(out.shape, [][]int{stA, stB}, []int{a.offset, b.offset}, func(o []int, n int) {
		compareRow(op, dst[i:i+n], A, o[0], stA[last], B, o[1], stB[last])
		i += n
	})
}

func compareRow[T number](op cmpOp, dst []bool, A []T, oa, sa int, B []T, ob, sb int) {
	for i := range dst {
		x, y := A[oa+i*sa], B[ob+i*sb]
		var r bool
		switch op {
		case cmpEq:
			r = x == y
		case cmpNe:
			r = x != y
		case cmpLt:
			r = x < y
		case cmpLe:
			r = x <= y
		case cmpGt:
			r = x > y
		case cmpGe:
			r = x >= y
		}
		dst[i] = r
	}
}

// Eq returns the Bool tensor t == other, elementwise with broadcasting.
func (t *Tensor) Eq(other any) *Tensor { return compare(cmpEq, t, asTensor("eq", other)) }

// Ne returns the Bool tensor t != other.
func (t *Tensor) Ne(other any) *Tensor { return compare(cmpNe, t, asTensor("ne", other)) }

// Lt returns the Bool tensor t < other.
func (t *Tensor) Lt(other any) *Tensor { return compare(cmpLt, t, asTensor("lt", other)) }

// Le returns the Bool tensor t <= other.
func (t *Tensor) Le(other any) *Tensor { return compare(cmpLe, t, asTensor("le", other)) }

// Gt returns the Bool tensor t > other.
func (t *Tensor) Gt(other any) *Tensor { return compare(cmpGt, t, asTensor("gt", other)) }

// Ge returns the Bool tensor t >= other.
func (t *Tensor) Ge(other any) *Tensor { return compare(cmpGe, t, asTensor("ge", other)) }

// Equal reports whether t and u have the same shape and elements (torch.equal).
func (t *Tensor) Equal(u *Tensor) bool {
	notNil("equal", "self", t)
	notNil("equal", "other", u)
	if !sameShape(t.shape, u.shape) {
		return false
	}
	for _, v := range t.Eq(u).Bools() {
		if !v {
			return false
		}
	}
	return true
}

// AllClose reports whether |t - u| <= atol + rtol·|u| elementwise (torch.allclose); NaNs differ.
func (t *Tensor) AllClose(u *Tensor, rtol, atol float64) bool {
	notNil("allclose", "self", t)
	notNil("allclose", "other", u)
	a, b := t.Float64s(), u.Broadcast(t.shape...).Float64s()
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		d := a[i] - b[i]
		if d < 0 {
			d = -d
		}
		bb := b[i]
		if bb < 0 {
			bb = -bb
		}
		if !(d <= atol+rtol*bb) && a[i] != b[i] {
			return false
		}
	}
	return true
}

// LogicalAnd returns the Bool tensor t && other (non-zero is true).
func (t *Tensor) LogicalAnd(other any) *Tensor {
	b := asTensor("logical_and", other)
	return binary(opMul, t.castTo(Bool), b.castTo(Bool))
}

// LogicalOr returns the Bool tensor t || other.
func (t *Tensor) LogicalOr(other any) *Tensor {
	b := asTensor("logical_or", other)
	return binary(opAdd, t.castTo(Bool), b.castTo(Bool))
}

// LogicalNot returns the Bool tensor !t.
func (t *Tensor) LogicalNot() *Tensor { return t.Eq(false) }

// Where picks x where cond is true and y elsewhere, with broadcasting of all three (torch.where);
// x and y are tensors or Go numbers. Gradients flow to the picked side only.
func Where(cond *Tensor, x, y any) *Tensor {
	notNil("where", "cond", cond)
	a, b := asArg("where", "x", x), asArg("where", "y", y)
	sameDevice("where", cond, a, b)
	shape := broadcastShapes("where", broadcastShapes("where", cond.shape, a.shape), b.shape)
	dt := resultType(a, b)
	c := cond.castTo(Bool)
	ac, bc := a.castTo(dt), b.castTo(dt)
	out := empty(dt, shape, false)
	switch dt {
	case Float32:
		whereRun[float32](out, c, ac, bc)
	case Float64:
		whereRun[float64](out, c, ac, bc)
	case Int64:
		whereRun[int64](out, c, ac, bc)
	case Int32:
		whereRun[int32](out, c, ac, bc)
	case Bool:
		whereRun[bool](out, c, ac, bc)
	}
	runtime.KeepAlive(ac)
	runtime.KeepAlive(bc)
	runtime.KeepAlive(c)
	if needsGrad(a, b) {
		sa, da, sb, db := a.shape, a.dtype(), b.shape, b.dtype()
		record("WhereBackward0", out, []*Tensor{a, b}, []slot{{"condition", c}}, func(ctx *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			m := ctx.saved(0)
			if ctx.needs(0) {
				ga = gradFor(Where(m, g, 0.0), sa, da)
			}
			if ctx.needs(1) {
				gb = gradFor(Where(m, 0.0, g), sb, db)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

func whereRun[T element](out, c, a, b *Tensor) {
	dst := cpuData[T](out)
	C, A, B := cpuData[bool](c), cpuData[T](a), cpuData[T](b)
	sc, sa, sb := broadcastStrides(c, out.shape), broadcastStrides(a, out.shape), broadcastStrides(b, out.shape)
	last := len(out.shape) - 1
	i := 0
	walk(out.shape, [][]int{sc, sa, sb}, []int{c.offset, a.offset, b.offset}, func(o []int, n int) {
		ic, ia, ib := 0, 0, 0
		if last >= 0 {
			ic, ia, ib = sc[last], sa[last], sb[last]
		}
		for j := 0; j < n; j++ {
			if C[o[0]+j*ic] {
				dst[i] = A[o[1]+j*ia]
			} else {
				dst[i] = B[o[2]+j*ib]
			}
			i++
		}
	})
}
