package tensor

import (
	"math"
	"runtime"
)

type unOp int8

const (
	uNeg unOp = iota
	uAbs
	uRelu
	uSign
	uClamp
	uExp
	uLog
	uSqrt
	uSin
	uCos
	uTanh
	uSigmoid
)

var unNames = [...]string{"neg", "abs", "relu", "sign", "clamp", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"}

// unary applies op elementwise without autograd. Ops from uExp on are floating: integer input
// becomes the default float dtype, like PyTorch.
func unary(op unOp, t *Tensor, lo, hi float64) *Tensor {
	dt := t.dtype()
	if op >= uExp && !dt.IsFloat() {
		dt = DefaultFloat
	}
	if dt == Bool && op != uAbs && op != uRelu {
		if op == uNeg {
			fail(ErrDType, "neg", "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
		}
		dt = Int64
	}
	src := t.castTo(dt).Contiguous()
	if dt == Bool {
		return src.copyLayout()
	}
	if src.st.dev.Type == "cuda" {
		return cudaUnary(op, src, dt, lo, hi)
	}
	out := empty(dt, t.shape, false)
	switch dt {
	case Float32:
		unaryRun[float32](op, out, src, lo, hi)
	case Float64:
		unaryRun[float64](op, out, src, lo, hi)
	case Int64:
		unaryRun[int64](op, out, src, lo, hi)
	case Int32:
		unaryRun[int32](op, out, src, lo, hi)
	}
	runtime.KeepAlive(src)
	return out
}

func unaryRun[T number](op unOp, out, src *Tensor, lo, hi float64) {
	dst := cpuData[T](out)
	s := flat[T](src)
	parallelFor(len(dst), func(a, b int) { unaryRow(op, dst[a:b], s[a:b], lo, hi) })
}

func unaryRow[T number](op unOp, dst, src []T, lo, hi float64) {
	if d, ok := any(dst).([]float32); ok {
		switch op {
		case uExp:
			expRowF32(d, any(src).([]float32))
			return
		case uSigmoid:
			sigmoidRowF32(d, any(src).([]float32))
			return
		case uTanh:
			tanhRowF32(d, any(src).([]float32))
			return
		}
	}
	switch op {
	case uNeg:
		for i, v := range src {
			dst[i] = -v
		}
	case uAbs:
		for i, v := range src {
			if v < 0 {
				v = -v
			}
			dst[i] = v
		}
	case uRelu:
		for i, v := range src {
			if v < 0 {
				v = 0
			}
			dst[i] = v
		}
	case uSign:
		for i, v := range src {
			switch {
			case v > 0:
				dst[i] = 1
			case v < 0:
				dst[i] = 0 - 1
			default:
				dst[i] = v * 0 // keeps NaN
			}
		}
	case uClamp:
		for i, v := range src {
			f := float64(v)
			if f < lo {
				v = T(lo)
			}
			if f > hi {
				v = T(hi)
			}
			dst[i] = v
		}
	case uExp:
		for i, v := range src {
			dst[i] = T(math.Exp(float64(v)))
		}
	case uLog:
		for i, v := range src {
			dst[i] = T(math.Log(float64(v)))
		}
	case uSqrt:
		for i, v := range src {
			dst[i] = T(math.Sqrt(float64(v)))
		}
	case uSin:
		for i, v := range src {
			dst[i] = T(math.Sin(float64(v)))
		}
	case uCos:
		for i, v := range src {
			dst[i] = T(math.Cos(float64(v)))
		}
	case uTanh:
		for i, v := range src {
			dst[i] = T(math.Tanh(float64(v)))
		}
	case uSigmoid:
		for i, v := range src {
			dst[i] = T(1 / (1 + math.Exp(-float64(v))))
		}
	}
}

// unaryGrad records the backward rule of a unary op; rule gets the saved input and output.
func unaryGrad(name string, out, t *Tensor, rule func(g, x, y *Tensor) *Tensor) *Tensor {
	if needsGrad(t) {
		record(name, out, []*Tensor{t}, []slot{{"self", t}, {"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{rule(g, c.saved(0), c.saved(1))}
		})
	}
	return out
}

// Neg returns -t.
func (t *Tensor) Neg() *Tensor {
	out := unary(uNeg, t, 0, 0)
	if needsGrad(t) {
		record("NegBackward0", out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{g.Neg()}
		})
	}
	return out
}

// Abs returns |t|; its gradient at 0 is 0, like PyTorch's.
func (t *Tensor) Abs() *Tensor {
	return unaryGrad("AbsBackward0", unary(uAbs, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(x.Sign())
	})
}

// Sign returns -1, 0 or 1 by the sign of each element.
func (t *Tensor) Sign() *Tensor {
	out := unary(uSign, t, 0, 0)
	if needsGrad(t) {
		record("SignBackward0", out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{ZerosLike(g)}
		})
	}
	return out
}

// ReLU returns max(t, 0); its gradient at 0 is 0, like PyTorch's.
func (t *Tensor) ReLU() *Tensor {
	return unaryGrad("ReluBackward0", unary(uRelu, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(y.Gt(0))
	})
}

// Exp returns e^t.
func (t *Tensor) Exp() *Tensor {
	return unaryGrad("ExpBackward0", unary(uExp, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(y)
	})
}

// Log returns the natural logarithm of t.
func (t *Tensor) Log() *Tensor {
	return unaryGrad("LogBackward0", unary(uLog, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Div(x)
	})
}

// Sqrt returns the square root of t.
func (t *Tensor) Sqrt() *Tensor {
	return unaryGrad("SqrtBackward0", unary(uSqrt, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Div(y.Mul(2))
	})
}

// Sin returns the sine of t.
func (t *Tensor) Sin() *Tensor {
	return unaryGrad("SinBackward0", unary(uSin, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(x.Cos())
	})
}

// Cos returns the cosine of t.
func (t *Tensor) Cos() *Tensor {
	return unaryGrad("CosBackward0", unary(uCos, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(x.Sin()).Neg()
	})
}

// Tanh returns the hyperbolic tangent of t.
func (t *Tensor) Tanh() *Tensor {
	return unaryGrad("TanhBackward0", unary(uTanh, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(y.Mul(y).Neg().Add(1))
	})
}

// Sigmoid returns 1 / (1 + e^-t).
func (t *Tensor) Sigmoid() *Tensor {
	return unaryGrad("SigmoidBackward0", unary(uSigmoid, t, 0, 0), t, func(g, x, y *Tensor) *Tensor {
		return g.Mul(y.Mul(y.Neg().Add(1)))
	})
}

// Clamp limits t to [lo, hi]; pass math.Inf(-1) or math.Inf(1) (or NaN) for no bound. The
// gradient flows where lo <= t <= hi, like PyTorch's. An integer or bool tensor keeps its dtype
// under whole-number bounds; a fractional bound makes the result the default float dtype, as a
// Python float bound does in PyTorch (tensor([-5, 3, 7]).clamp(-2.5, 10) is [-2.5, 3., 7.]).
func (t *Tensor) Clamp(lo, hi float64) *Tensor {
	if lo != lo {
		lo = math.Inf(-1)
	}
	if hi != hi {
		hi = math.Inf(1)
	}
	if lo > hi {
		// PyTorch sets every element to max when min > max.
		lo = hi
	}
	src := t
	if !t.dtype().IsFloat() && (fractional(lo) || fractional(hi)) {
		src = t.castTo(DefaultFloat) // no autograd to lose: such tensors cannot require grad
	}
	out := unary(uClamp, src, lo, hi)
	if needsGrad(t) {
		record("ClampBackward1", out, []*Tensor{t}, []slot{{"self", t}}, func(c *bctx, g *Tensor) []*Tensor {
			x := c.saved(0)
			return []*Tensor{g.Mul(x.Ge(lo).LogicalAnd(x.Le(hi)))}
		})
	}
	return out
}

// fractional reports whether v is finite and not a whole number.
func fractional(v float64) bool { return !math.IsInf(v, 0) && v != math.Trunc(v) }

// ClampMin limits t from below (PyTorch's clamp(min=lo)).
func (t *Tensor) ClampMin(lo float64) *Tensor { return t.Clamp(lo, math.Inf(1)) }

// ClampMax limits t from above (PyTorch's clamp(max=hi)).
func (t *Tensor) ClampMax(hi float64) *Tensor { return t.Clamp(math.Inf(-1), hi) }

// Square returns t * t.
func (t *Tensor) Square() *Tensor { return t.Pow(2) }
