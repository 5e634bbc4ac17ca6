package tensor

import (
	"fmt"
	"runtime"

	"gotensor/blas"
)

// Backend names the matrix-multiply implementation in use (from package blas), such as
// "OpenBLAS ..." or "gonum (pure Go)".
func Backend() string { return blas.Backend() }

// Matmul multiplies a and b with PyTorch's matmul rules: 1-D·1-D is a dot product, 2-D·2-D a
// matrix product, a 1-D operand is treated as a row (left) or column (right) vector and its dim
// removed afterwards, and with 3 or more dims the leading (batch) dims broadcast.
func Matmul(a, b *Tensor) *Tensor { return a.Matmul(b) }

// Matmul returns t @ other (see the package-level Matmul).
func (t *Tensor) Matmul(other *Tensor) *Tensor {
	notNil("matmul", "self", t)
	notNil("matmul", "other", other)
	a, b := t, other
	sameDevice("matmul", a, b)
	if a.Dim() == 0 || b.Dim() == 0 {
		fail(ErrShape, "matmul", "both arguments to matmul need to be at least 1D, but they are %dD and %dD", a.Dim(), b.Dim())
	}
	switch {
	case a.Dim() == 1 && b.Dim() == 1:
		return a.Dot(b)
	case a.Dim() == 2 && b.Dim() == 2:
		return a.Mm(b)
	case a.Dim() == 2 && b.Dim() == 1:
		return a.Mv(b)
	case a.Dim() == 1 && b.Dim() == 2:
		return a.Unsqueeze(0).Mm(b).Squeeze(0)
	}
	// Batched: broadcast the batch dims, fold them into one, and run bmm.
	av, bv := a, b
	if a.Dim() == 1 {
		av = a.Unsqueeze(0)
	}
	if b.Dim() == 1 {
		bv = b.Unsqueeze(1)
	}
	n, k := av.shape[av.Dim()-2], av.shape[av.Dim()-1]
	k2, m := bv.shape[bv.Dim()-2], bv.shape[bv.Dim()-1]
	if k != k2 {
		fail(ErrShape, "matmul", "Expected size for first two dimensions of batch2 tensor to be: [%d, %d] but got: [%d, %d].", numelOf(av.shape[:av.Dim()-2]), k, numelOf(bv.shape[:bv.Dim()-2]), k2)
	}
	batch := broadcastShapes("matmul", av.shape[:av.Dim()-2], bv.shape[:bv.Dim()-2])
	nb := numelOf(batch)
	ae := av.Expand(append(append([]int(nil), batch...), n, k)...).Reshape(nb, n, k)
	be := bv.Expand(append(append([]int(nil), batch...), k, m)...).Reshape(nb, k, m)
	out := ae.Bmm(be).View(append(append([]int(nil), batch...), n, m)...)
	if a.Dim() == 1 {
		out = out.Squeeze(-2)
	}
	if b.Dim() == 1 {
		out = out.Squeeze(-1)
	}
	return out
}

func sameDType(op string, a, b *Tensor) {
	if a.dtype() != b.dtype() {
		fail(ErrDType, op, "expected m1 and m2 to have the same dtype, but got: %s != %s", cTypeName(a.dtype()), cTypeName(b.dtype()))
	}
}

func cTypeName(d DType) string {
	switch d {
	case Float32:
		return "float"
	case Float64:
		return "double"
	case Int64:
		return "long int"
	case Int32:
		return "int"
	}
	return "bool"
}

// Mm multiplies two matrices (torch.mm).
func (t *Tensor) Mm(other *Tensor) *Tensor {
	notNil("mm", "self", t)
	notNil("mm", "other", other)
	a, b := t, other
	if a.Dim() != 2 || b.Dim() != 2 {
		fail(ErrShape, "mm", "mm: expected 2-D tensors, got %dD and %dD", a.Dim(), b.Dim())
	}
	sameDType("mm", a, b)
	if a.shape[1] != b.shape[0] {
		fail(ErrShape, "mm", "mat1 and mat2 shapes cannot be multiplied (%dx%d and %dx%d)", a.shape[0], a.shape[1], b.shape[0], b.shape[1])
	}
	out := emptyOn("mm", a.st.dev, a.dtype(), []int{a.shape[0], b.shape[1]})
	gemmInto(out, 0, a, a.offset, a.strides, b, b.offset, b.strides, a.shape[0], b.shape[1], a.shape[1])
	if needsGrad(a, b) {
		record("MmBackward0", out, []*Tensor{a, b}, []slot{{"self", a}, {"mat2", b}}, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = g.Mm(c.saved(1).T())
			}
			if c.needs(1) {
				gb = c.saved(0).T().Mm(g)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Bmm multiplies two stacks of matrices, (b, n, k) by (b, k, m) (torch.bmm).
func (t *Tensor) Bmm(other *Tensor) *Tensor {
	notNil("bmm", "self", t)
	notNil("bmm", "other", other)
	a, b := t, other
	if a.Dim() != 3 || b.Dim() != 3 {
		fail(ErrShape, "bmm", "batch1 must be a 3D tensor")
	}
	sameDType("bmm", a, b)
	nb, n, k, m := a.shape[0], a.shape[1], a.shape[2], b.shape[2]
	if b.shape[0] != nb || b.shape[1] != k {
		fail(ErrShape, "bmm", "Expected size for first two dimensions of batch2 tensor to be: [%d, %d] but got: [%d, %d].", nb, k, b.shape[0], b.shape[1])
	}
	out := emptyOn("bmm", a.st.dev, a.dtype(), []int{nb, n, m})
	for i := 0; i < nb; i++ {
		gemmInto(out, i*n*m, a, a.offset+i*a.strides[0], a.strides[1:], b, b.offset+i*b.strides[0], b.strides[1:], n, m, k)
	}
	if needsGrad(a, b) {
		record("BmmBackward0", out, []*Tensor{a, b}, []slot{{"self", a}, {"mat2", b}}, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = g.Bmm(c.saved(1).Transpose(1, 2))
			}
			if c.needs(1) {
				gb = c.saved(0).Transpose(1, 2).Bmm(g)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Mv multiplies a matrix by a vector (torch.mv).
func (t *Tensor) Mv(v *Tensor) *Tensor {
	notNil("mv", "self", t)
	notNil("mv", "vec", v)
	if t.Dim() != 2 || v.Dim() != 1 {
		fail(ErrShape, "mv", "vector + matrix @ vector expected, got %d, %d", t.Dim(), v.Dim())
	}
	sameDType("mv", t, v)
	if t.shape[1] != v.shape[0] {
		fail(ErrShape, "mv", "size mismatch, got input (%d), mat (%dx%d), vec (%d)", t.shape[0], t.shape[0], t.shape[1], v.shape[0])
	}
	col := v.Detach().Unsqueeze(1)
	out := emptyOn("mv", t.st.dev, t.dtype(), []int{t.shape[0]})
	gemmInto(out, 0, t, t.offset, t.strides, col, col.offset, col.strides, t.shape[0], 1, t.shape[1])
	if needsGrad(t, v) {
		record("MvBackward0", out, []*Tensor{t, v}, []slot{{"self", t}, {"vec", v}}, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = g.Outer(c.saved(1))
			}
			if c.needs(1) {
				gb = c.saved(0).T().Mv(g)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Dot returns the dot product of two 1-D tensors as a 0-dim tensor.
func (t *Tensor) Dot(other *Tensor) *Tensor {
	notNil("dot", "self", t)
	notNil("dot", "other", other)
	if t.Dim() != 1 || other.Dim() != 1 {
		fail(ErrShape, "dot", "1D tensors expected, but got %dD and %dD tensors", t.Dim(), other.Dim())
	}
	if t.dtype() != other.dtype() {
		fail(ErrDType, "dot", "dot : expected both vectors to have same dtype, but found %s and %s", dtypeShort(t.dtype()), dtypeShort(other.dtype()))
	}
	if t.shape[0] != other.shape[0] {
		fail(ErrShape, "dot", "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of elements, but got %d and %d elements respectively", t.shape[0], other.shape[0], t.shape[0], other.shape[0])
	}
	row, col := t.Detach().Unsqueeze(0), other.Detach().Unsqueeze(1)
	out := emptyOn("dot", t.st.dev, t.dtype(), nil)
	gemmInto(out, 0, row, row.offset, row.strides, col, col.offset, col.strides, 1, 1, t.shape[0])
	if needsGrad(t, other) {
		record("DotBackward0", out, []*Tensor{t, other}, []slot{{"self", t}, {"tensor", other}}, func(c *bctx, g *Tensor) []*Tensor {
			var ga, gb *Tensor
			if c.needs(0) {
				ga = c.saved(1).Mul(g)
			}
			if c.needs(1) {
				gb = c.saved(0).Mul(g)
			}
			return []*Tensor{ga, gb}
		})
	}
	return out
}

// Outer returns the outer product of two 1-D tensors.
func (t *Tensor) Outer(other *Tensor) *Tensor {
	notNil("outer", "self", t)
	notNil("outer", "other", other)
	if t.Dim() != 1 || other.Dim() != 1 {
		fail(ErrShape, "outer", "outer: expected 1-D tensors, got %dD and %dD", t.Dim(), other.Dim())
	}
	return t.Unsqueeze(1).Mul(other)
}

// matLayout tells gemm how to read an n×m matrix view: row-major (ld = row stride), or
// transposed column-major (ld = column stride). ok is false for other layouts.
func matLayout(strides []int, rows, cols int) (trans bool, ld int, ok bool) {
	rs, cs := strides[0], strides[1]
	if cols == 1 {
		cs = 1
	}
	if rows == 1 {
		rs = max(cols, 1)
	}
	if cs == 1 && rs >= max(cols, 1) {
		return false, rs, true
	}
	if rs == 1 && cs >= max(rows, 1) {
		return true, cs, true
	}
	return false, 0, false
}

// gemmInto writes the n×m product of the n×k matrix a (at offset oa with 2 strides sa) and
// the k×m matrix b into out's storage at offset oc, row-major.
func gemmInto(out *Tensor, oc int, a *Tensor, oa int, sa []int, b *Tensor, ob int, sb []int, n, m, k int) {
	if n == 0 || m == 0 {
		return
	}
	if out.st.dev.Type == "cuda" {
		cudaGemm(out, oc, a, oa, sa, b, ob, sb, n, m, k)
		return
	}
	ta, lda, okA := matLayout(sa, n, k)
	if !okA {
		c := a.view([]int{n, k}, sa, oa).copyLayout()
		a, oa, ta, lda, sa = c, 0, false, max(k, 1), []int{max(k, 1), 1}
	}
	tb, ldb, okB := matLayout(sb, k, m)
	if !okB {
		c := b.view([]int{k, m}, sb, ob).copyLayout()
		b, ob, tb, ldb, sb = c, 0, false, max(m, 1), []int{max(m, 1), 1}
	}
	defer runtime.KeepAlive(a)
	defer runtime.KeepAlive(b)
	if k == 0 {
		fillAny(out.st.data, 0)
		return
	}
	switch out.dtype() {
	case Float32:
		blas.Sgemm(ta, tb, n, m, k, 1, cpuData[float32](a)[oa:], lda, cpuData[float32](b)[ob:], ldb, 0, cpuData[float32](out)[oc:], m)
	case Float64:
		blas.Dgemm(ta, tb, n, m, k, 1, cpuData[float64](a)[oa:], lda, cpuData[float64](b)[ob:], ldb, 0, cpuData[float64](out)[oc:], m)
	case Int64:
		naiveGemm(cpuData[int64](out)[oc:], cpuData[int64](a), oa, sa, cpuData[int64](b), ob, sb, n, m, k)
	case Int32:
		naiveGemm(cpuData[int32](out)[oc:], cpuData[int32](a), oa, sa, cpuData[int32](b), ob, sb, n, m, k)
	default:
		fail(ErrDType, "matmul", "\"addmm_impl_cpu_\" not implemented for '%s'", dtypeShort(out.dtype()))
	}
}

// naiveGemm multiplies integer matrices; BLAS has no integer gemm and integer matmul is rare in
// the tutorials, so a plain triple loop over the strided views is enough.
func naiveGemm[T int64 | int32](c []T, a []T, oa int, sa []int, b []T, ob int, sb []int, n, m, k int) {
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			var s T
			for p := 0; p < k; p++ {
				s += a[oa+i*sa[0]+p*sa[1]] * b[ob+p*sb[0]+j*sb[1]]
			}
			c[i*m+j] = s
		}
	}
}

var _ = fmt.Sprint
