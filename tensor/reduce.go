package tensor

import "runtime"

type redOp int8

const (
	rSum redOp = iota
	rMax
	rMin
	rArgMax
	rArgMin
)

// reducePrep lays t out so the reduced dims are the trailing m elements of each of outer rows
// (a contiguous, detached tensor), and returns the result's shape.
func reducePrep(op string, t *Tensor, dims []int, keepdim bool) (src *Tensor, outer, m int, outShape []int, red []bool) {
	red = make([]bool, t.Dim())
	if dims == nil {
		for i := range red {
			red[i] = true
		}
	}
	for _, d := range dims {
		d = t.normDim(op, d)
		if t.Dim() == 0 {
			continue // a 0-dim tensor reduces over dim 0 or -1 to itself, as in PyTorch
		}
		if red[d] {
			fail(ErrValue, op, "dim %d appears multiple times in the list of dims", d)
		}
		red[d] = true
	}
	var perm []int
	m, outer = 1, 1
	for i, r := range red {
		if !r {
			perm = append(perm, i)
			outer *= t.shape[i]
			outShape = append(outShape, t.shape[i])
		} else if keepdim {
			outShape = append(outShape, 1)
		}
	}
	if keepdim {
		outShape = nil
		for i, r := range red {
			if r {
				outShape = append(outShape, 1)
			} else {
				outShape = append(outShape, t.shape[i])
			}
		}
	}
	for i, r := range red {
		if r {
			perm = append(perm, i)
			m *= t.shape[i]
		}
	}
	d := t.Detach()
	if len(perm) > 0 {
		d = d.Permute(perm...)
	}
	return d.Contiguous(), outer, m, outShape, red
}

// reduce computes op over dims (nil: all) without autograd. Sums of integers give Int64,
// arg-reductions Int64, the rest t's dtype.
func reduce(op redOp, name string, t *Tensor, dims []int, keepdim bool) *Tensor {
	if out := sumLeading(op, t, dims, keepdim); out != nil {
		return out
	}
	src, outer, m, shape, _ := reducePrep(name, t, dims, keepdim)
	dt := src.dtype()
	if dt == Bool || dt == Int32 {
		if op == rSum {
			src, dt = src.castTo(Int64), Int64
		} else if dt == Bool {
			src, dt = src.castTo(Int32), Int32
		}
	}
	if m == 0 && op != rSum {
		fail(ErrValue, name, "%s(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.", name)
	}
	outDT := dt
	if op == rArgMax || op == rArgMin {
		outDT = Int64
	}
	if src.st.dev.Type == "cuda" {
		out := cudaReduce(op, name, src, outer, m, outDT, shape)
		if outDT == Int32 && t.dtype() == Bool {
			return out.castTo(Bool)
		}
		return out
	}
	out := empty(outDT, shape, false)
	switch src.dtype() {
	case Float32:
		reduceRun[float32](op, out, src, outer, m)
	case Float64:
		reduceRun[float64](op, out, src, outer, m)
	case Int64:
		reduceRun[int64](op, out, src, outer, m)
	case Int32:
		reduceRun[int32](op, out, src, outer, m)
	}
	runtime.KeepAlive(src)
	if outDT == Int32 && t.dtype() == Bool {
		return out.castTo(Bool)
	}
	return out
}

func reduceRun[T number](op redOp, out, src *Tensor, outer, m int) {
	s := flat[T](src)
	switch op {
	case rArgMax, rArgMin:
		dst := cpuData[int64](out)
		parallelRows(outer, m, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				dst[r] = int64(argExtreme(s[r*m:(r+1)*m], op == rArgMax))
			}
		})
	case rMax, rMin:
		dst := cpuData[T](out)
		parallelRows(outer, m, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row := s[r*m : (r+1)*m]
				dst[r] = row[argExtreme(row, op == rMax)]
			}
		})
	case rSum:
		dst := cpuData[T](out)
		if outer == 1 {
			dst[0] = sumParallel(s)
			return
		}
		parallelRows(outer, m, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				dst[r] = sumRow(s[r*m : (r+1)*m])
			}
		})
	}
}

// sumRow adds in float64 for floats (more accurate than float32 accumulation) and in int64
// for integers.
func sumRow[T number](s []T) T {
	var zero T
	if isFloat(zero) {
		var a0, a1, a2, a3 float64
		i := 0
		for ; i+4 <= len(s); i += 4 {
			a0 += float64(s[i])
			a1 += float64(s[i+1])
			a2 += float64(s[i+2])
			a3 += float64(s[i+3])
		}
		for ; i < len(s); i++ {
			a0 += float64(s[i])
		}
		return T(a0 + a1 + a2 + a3)
	}
	var a int64
	for _, v := range s {
		a += int64(v)
	}
	return T(a)
}

func sumParallel[T number](s []T) T {
	workers := runtime.GOMAXPROCS(0)
	if len(s) < 2*grain || workers < 2 {
		return sumRow(s)
	}
	parts := make([]float64, workers)
	ints := make([]int64, workers)
	chunk := (len(s) + workers - 1) / workers
	parallelRows(workers, chunk, func(lo, hi int) {
		for w := lo; w < hi; w++ {
			a, b := min(w*chunk, len(s)), min((w+1)*chunk, len(s))
			v := sumRow(s[a:b])
			parts[w], ints[w] = float64(v), int64(v)
		}
	})
	var zero T
	if isFloat(zero) {
		t := 0.0
		for _, p := range parts {
			t += p
		}
		return T(t)
	}
	var t int64
	for _, p := range ints {
		t += p
	}
	return T(t)
}

// argExtreme returns the index of the first maximum (or minimum); a NaN wins, like PyTorch.
func argExtreme[T number](row []T, wantMax bool) int {
	best := 0
	for i := 1; i < len(row); i++ {
		v, b := row[i], row[best]
		if b != b {
			return best
		}
		if v != v || (wantMax && v > b) || (!wantMax && v < b) {
			best = i
		}
	}
	return best
}

// expandGrad broadcasts a reduced gradient back over the reduced dims of shape.
func expandGrad(g *Tensor, shape []int, red []bool, keepdim bool) *Tensor {
	if !keepdim {
		for i, r := range red {
			if r {
				g = g.Unsqueeze(i)
			}
		}
	}
	return g.Expand(shape...)
}

func (t *Tensor) sumDims(dims []int, keepdim bool, name string) *Tensor {
	out := reduce(rSum, "sum", t, dims, keepdim)
	if needsGrad(t) {
		red := reducedMask(t, dims)
		shape := t.shape
		record(name, out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{expandGrad(g, shape, red, keepdim)}
		})
	}
	return out
}

func reducedMask(t *Tensor, dims []int) []bool {
	red := make([]bool, t.Dim())
	if dims == nil {
		for i := range red {
			red[i] = true
		}
	}
	for _, d := range dims {
		if d = t.normDim("reduce", d); t.Dim() > 0 {
			red[d] = true
		}
	}
	return red
}

// Sum returns the sum of all elements as a 0-dim tensor (integers sum to Int64).
func (t *Tensor) Sum() *Tensor { return t.sumDims(nil, false, "SumBackward0") }

// SumDim sums over dim, keeping it as size 1 when keepdim (x.sum(dim=1, keepdim=True)).
func (t *Tensor) SumDim(dim int, keepdim bool) *Tensor {
	return t.sumDims([]int{dim}, keepdim, "SumBackward1")
}

// SumDims sums over several dims at once.
func (t *Tensor) SumDims(dims []int, keepdim bool) *Tensor {
	return t.sumDims(dims, keepdim, "SumBackward1")
}

func (t *Tensor) meanDims(dims []int, keepdim bool, name string) *Tensor {
	if !t.dtype().IsFloat() {
		fail(ErrDType, "mean", "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s", dtypeShort(t.dtype()))
	}
	red := reducedMask(t, dims)
	n := 1
	for i, r := range red {
		if r {
			n *= t.shape[i]
		}
	}
	out := reduce(rSum, "mean", t, dims, keepdim)
	out = binary(opDiv, out, asTensor("mean", float64(n)))
	if needsGrad(t) {
		shape := t.shape
		record(name, out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{expandGrad(g.Div(float64(n)), shape, red, keepdim)}
		})
	}
	return out
}

// Mean returns the mean of all elements (floating tensors only, like PyTorch).
func (t *Tensor) Mean() *Tensor { return t.meanDims(nil, false, "MeanBackward0") }

// MeanDim averages over dim, keeping it as size 1 when keepdim.
func (t *Tensor) MeanDim(dim int, keepdim bool) *Tensor {
	return t.meanDims([]int{dim}, keepdim, "MeanBackward1")
}

// Max returns the largest element as a 0-dim tensor; the gradient is shared evenly by ties.
func (t *Tensor) Max() *Tensor { return t.extremeAll(rMax, "max", "MaxBackward1") }

// Min returns the smallest element as a 0-dim tensor.
func (t *Tensor) Min() *Tensor { return t.extremeAll(rMin, "min", "MinBackward1") }

func (t *Tensor) extremeAll(op redOp, name, gname string) *Tensor {
	out := reduce(op, name, t, nil, false)
	if needsGrad(t) {
		record(gname, out, []*Tensor{t}, []slot{{"self", t}, {"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
			mask := c.saved(0).Eq(c.saved(1)).ToDType(g.dtype())
			return []*Tensor{mask.Mul(g.Div(mask.Sum()))}
		})
	}
	return out
}

// MaxDim returns the maxima over dim (the values of PyTorch's x.max(dim)); ArgMaxDim gives the
// indices. The gradient goes to the first maximum.
func (t *Tensor) MaxDim(dim int, keepdim bool) *Tensor {
	return t.extremeDim(rMax, rArgMax, "max", dim, keepdim)
}

// MinDim returns the minima over dim.
func (t *Tensor) MinDim(dim int, keepdim bool) *Tensor {
	return t.extremeDim(rMin, rArgMin, "min", dim, keepdim)
}

func (t *Tensor) extremeDim(op, arg redOp, name string, dim int, keepdim bool) *Tensor {
	out := reduce(op, name, t, []int{dim}, keepdim)
	if needsGrad(t) {
		idx := reduce(arg, name, t, []int{dim}, true)
		d := t.normDim(name, dim)
		shape := t.shape
		gname := "MaxBackward0"
		if op == rMin {
			gname = "MinBackward0"
		}
		record(gname, out, []*Tensor{t}, []slot{{"indices", idx}}, func(c *bctx, g *Tensor) []*Tensor {
			if len(shape) == 0 {
				return []*Tensor{g}
			}
			if !keepdim {
				g = g.Unsqueeze(d)
			}
			return []*Tensor{g.Mul(oneHot(c.saved(0), shape, d))}
		})
	}
	return out
}

// oneHot returns a Bool tensor of shape that is true where the index along dim equals idx
// (idx has size 1 along dim).
func oneHot(idx *Tensor, shape []int, dim int) *Tensor {
	view := make([]int, len(shape))
	for i := range view {
		view[i] = 1
	}
	view[dim] = shape[dim]
	return Arange(shape[dim], WithDevice(idx.st.dev.String())).View(view...).Eq(idx)
}

// ArgMax returns the flat index of the first maximum as a 0-dim Int64 tensor.
func (t *Tensor) ArgMax() *Tensor { return reduce(rArgMax, "argmax", t.Reshape(-1), nil, false) }

// ArgMin returns the flat index of the first minimum as a 0-dim Int64 tensor.
func (t *Tensor) ArgMin() *Tensor { return reduce(rArgMin, "argmin", t.Reshape(-1), nil, false) }

// ArgMaxDim returns the indices of the maxima over dim.
func (t *Tensor) ArgMaxDim(dim int, keepdim bool) *Tensor {
	return reduce(rArgMax, "argmax", t, []int{dim}, keepdim)
}

// ArgMinDim returns the indices of the minima over dim.
func (t *Tensor) ArgMinDim(dim int, keepdim bool) *Tensor {
	return reduce(rArgMin, "argmin", t, []int{dim}, keepdim)
}

// Var returns the unbiased variance of all elements (Bessel's correction, PyTorch's default).
func (t *Tensor) Var() *Tensor { return t.variance(nil, false, false) }

// VarDim returns the unbiased variance over dim.
func (t *Tensor) VarDim(dim int, keepdim bool) *Tensor {
	return t.variance([]int{dim}, keepdim, false)
}

// Std returns the unbiased standard deviation of all elements.
func (t *Tensor) Std() *Tensor { return t.variance(nil, false, true) }

// StdDim returns the unbiased standard deviation over dim.
func (t *Tensor) StdDim(dim int, keepdim bool) *Tensor {
	return t.variance([]int{dim}, keepdim, true)
}

func (t *Tensor) variance(dims []int, keepdim, std bool) *Tensor {
	name := "var"
	if std {
		name = "std"
	}
	if !t.dtype().IsFloat() {
		fail(ErrDType, name, "std and var only support floating point and complex dtypes")
	}
	x := t.Detach()
	red := reducedMask(t, dims)
	n := 1
	for i, r := range red {
		if r {
			n *= t.shape[i]
		}
	}
	dev := x.Sub(x.meanDims(dims, true, ""))
	out := dev.Mul(dev).sumDims(dims, keepdim, "").Div(float64(n - 1))
	if std {
		out = out.Sqrt()
	}
	if needsGrad(t) {
		shape := t.shape
		gname := "VarBackward0"
		if std {
			gname = "StdBackward0"
		}
		record(gname, out, []*Tensor{t}, []slot{{"self", t}, {"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
			xs := c.saved(0)
			d := xs.Sub(xs.meanDims(dims, true, "MeanBackward1"))
			if std {
				g = g.Div(c.saved(1).Mul(float64(n - 1)))
			} else {
				g = g.Mul(2.0 / float64(n-1))
			}
			return []*Tensor{expandGrad(g, shape, red, keepdim).Mul(d)}
		})
	}
	return out
}

// Softmax returns exp(t) normalized to sum 1 along dim.
func (t *Tensor) Softmax(dim int) *Tensor {
	dim = t.normDim("softmax", dim)
	x := t.Detach()
	if !x.dtype().IsFloat() {
		x = x.castTo(DefaultFloat)
	}
	e := x.Sub(x.MaxDim(dim, true)).Exp()
	out := e.Div(e.SumDim(dim, true))
	if needsGrad(t) {
		record("SoftmaxBackward0", out, []*Tensor{t}, []slot{{"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
			y := c.saved(0)
			return []*Tensor{y.Mul(g.Sub(g.Mul(y).SumDim(dim, true)))}
		})
	}
	return out
}

// LogSoftmax returns log(Softmax(dim)), computed stably.
func (t *Tensor) LogSoftmax(dim int) *Tensor {
	dim = t.normDim("log_softmax", dim)
	x := t.Detach()
	if !x.dtype().IsFloat() {
		x = x.castTo(DefaultFloat)
	}
	s := x.Sub(x.MaxDim(dim, true))
	out := s.Sub(s.Exp().SumDim(dim, true).Log())
	if needsGrad(t) {
		record("LogSoftmaxBackward0", out, []*Tensor{t}, []slot{{"result", out}}, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{g.Sub(c.saved(0).Exp().Mul(g.SumDim(dim, true)))}
		})
	}
	return out
}

// sumLeading sums a contiguous float tensor over leading dims (a bias gradient's shape) by
// adding whole rows, avoiding the transposed copy the general path makes. It returns nil when
// the case does not apply.
func sumLeading(op redOp, t *Tensor, dims []int, keepdim bool) *Tensor {
	if op != rSum || !t.dtype().IsFloat() || !t.IsContiguous() || t.Dim() < 2 || len(dims) == 0 || t.st.dev.Type != "cpu" {
		return nil
	}
	red := reducedMask(t, dims)
	p := 0
	for p < len(red) && red[p] {
		p++
	}
	for _, r := range red[p:] {
		if r {
			return nil
		}
	}
	if p == 0 || p == len(red) {
		return nil
	}
	rows, inner := numelOf(t.shape[:p]), numelOf(t.shape[p:])
	var shape []int
	if keepdim {
		for range p {
			shape = append(shape, 1)
		}
	}
	shape = append(shape, t.shape[p:]...)
	out := empty(t.dtype(), shape, false)
	if t.dtype() == Float32 {
		sumRows(cpuData[float32](out), flat[float32](t), rows, inner)
	} else {
		sumRows(cpuData[float64](out), flat[float64](t), rows, inner)
	}
	runtime.KeepAlive(t)
	return out
}

// sumRows writes the column sums of a rows×inner row-major matrix, accumulating in float64.
func sumRows[T float](dst, src []T, rows, inner int) {
	parallelRows(inner, rows, func(lo, hi int) {
		acc := make([]float64, hi-lo)
		for r := 0; r < rows; r++ {
			row := src[r*inner+lo : r*inner+hi]
			for j, v := range row {
				acc[j] += float64(v)
			}
		}
		for j, a := range acc {
			dst[lo+j] = T(a)
		}
	})
}
