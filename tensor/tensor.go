package tensor

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Tensor is an n-dimensional array: a view (shape, strides, offset) of a storage on a device,
// plus its autograd metadata. The zero value is not usable; make tensors with New, Zeros, ....
type Tensor struct {
	st      *storage
	shape   []int
	strides []int // in elements; 0 on expanded dims
	offset  int
	wrapped bool // a Go number wrapped as a 0-dim tensor; it has the lowest promotion priority
	base    *Tensor
	grad    gradMeta
}

// gradMeta is a tensor's autograd state.
type gradMeta struct {
	mu           sync.Mutex
	requiresGrad bool
	fn           *Node   // the node that made this tensor; nil for leaves
	grad         *Tensor // accumulated gradient
	retains      bool    // RetainGrad was called on a non-leaf
	acc          *Node   // a leaf's AccumulateGrad node, made on first use
	warned       bool    // Grad printed the non-leaf warning for this tensor
	name         string
	// viewOf and viewHist are set on a view autograd records: the tensor it
	// was taken of and that tensor's grad_fn then (see checkView).
	viewOf   *Tensor
	viewHist *Node
}

// Shape is a tensor's size along each dimension. It prints like PyTorch's torch.Size.
type Shape []int

// String returns "torch.Size([2, 3])".
func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "torch.Size([" + strings.Join(parts, ", ") + "])"
}

func shapeStr(s []int) string { return "[" + strings.Trim(Shape(s).String()[12:], "[])") + "]" }

// numelOf is the number of elements of shape; a product past the int range fails like
// PyTorch's numel (tensor creation fails earlier, with sizeOf's message).
func numelOf(shape []int) int {
	n, ok := checkedNumel(shape)
	if !ok {
		fail(ErrValue, "numel", "numel: integer multiplication overflow")
	}
	return n
}

func contiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= max(shape[i], 1)
	}
	return st
}

// fromStorage makes a tensor viewing st with the given layout.
func fromStorage(st *storage, shape, strides []int, offset int) *Tensor {
	return &Tensor{st: st, shape: shape, strides: strides, offset: offset}
}

// empty returns a contiguous tensor of shape with uninitialized (or zeroed) elements.
func empty(dt DType, shape []int, zeroed bool) *Tensor {
	shape = append([]int(nil), shape...)
	return fromStorage(newStorage(dt, shape, zeroed), shape, contiguousStrides(shape), 0)
}

func (t *Tensor) dtype() DType { return t.st.dt }

// Shape returns a copy of t's sizes.
func (t *Tensor) Shape() Shape { return append(Shape{}, t.shape...) }

// Size returns the size of dimension dim (negative counts from the end).
func (t *Tensor) Size(dim int) int { return t.shape[t.normDim("Size", dim)] }

// Strides returns a copy of t's strides, in elements.
func (t *Tensor) Strides() []int { return append([]int(nil), t.strides...) }

// Offset returns the position of t's first element in its storage.
func (t *Tensor) Offset() int { return t.offset }

// DType returns t's element type.
func (t *Tensor) DType() DType { return t.st.dt }

// Device returns the device t's storage lives on.
func (t *Tensor) Device() Device { return t.st.dev }

// Numel returns the number of elements.
func (t *Tensor) Numel() int { return numelOf(t.shape) }

// Dim returns the number of dimensions.
func (t *Tensor) Dim() int { return len(t.shape) }

// IsContiguous reports whether t's elements lie in row-major order without gaps.
func (t *Tensor) IsContiguous() bool {
	s := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != s {
			return false
		}
		s *= t.shape[i]
	}
	return true
}

// SharesStorage reports whether t and u view the same storage (u is a view of t or vice versa).
func (t *Tensor) SharesStorage(u *Tensor) bool {
	notNil("shares_storage", "self", t)
	notNil("shares_storage", "other", u)
	return t.st == u.st
}

// normDim maps a possibly negative dim into [0, Dim()), panicking like PyTorch when out of range.
func (t *Tensor) normDim(op string, dim int) int { return normDimN(op, dim, len(t.shape)) }

func normDimN(op string, dim, n int) int {
	m := max(n, 1)
	if dim < -m || dim >= m {
		fail(ErrIndex, op, "Dimension out of range (expected to be in range of [%d, %d], but got %d)", -m, m-1, dim)
	}
	if dim < 0 {
		dim += m
	}
	return dim
}

// walk calls fn for each innermost row of the given layouts, all sharing shape: offs holds each
// operand's storage offset of the row's first element, n the row length. fn must not keep offs.
func walk(shape []int, strides [][]int, offs []int, fn func(offs []int, n int)) {
	nd := len(shape)
	if nd == 0 {
		fn(offs, 1)
		return
	}
	if numelOf(shape) == 0 {
		return
	}
	cur := append([]int(nil), offs...)
	idx := make([]int, nd)
	inner := shape[nd-1]
	for {
		fn(cur, inner)
		d := nd - 2
		for ; d >= 0; d-- {
			idx[d]++
			for k := range cur {
				cur[k] += strides[k][d]
			}
			if idx[d] < shape[d] {
				break
			}
			for k := range cur {
				cur[k] -= strides[k][d] * shape[d]
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// gather copies t's elements in row-major order into dst.
func gather[T element](t *Tensor, dst []T) {
	src := cpuData[T](t)
	defer runtime.KeepAlive(t)
	if t.IsContiguous() {
		copy(dst, src[t.offset:t.offset+len(dst)])
		return
	}
	last := len(t.shape) - 1
	i := 0
	walk(t.shape, [][]int{t.strides}, []int{t.offset}, func(o []int, n int) {
		s, off := 0, o[0]
		if last >= 0 {
			s = t.strides[last]
		}
		for j := 0; j < n; j++ {
			dst[i] = src[off]
			off += s
			i++
		}
	})
}

// flat returns t's elements in row-major order as a typed slice; it aliases t's storage when t
// is contiguous, so callers must not write to it.
func flat[T element](t *Tensor) []T {
	if t.IsContiguous() {
		return cpuData[T](t)[t.offset : t.offset+t.Numel()]
	}
	checkAlloc(dtypeOf[T](), t.shape)
	dst := make([]T, t.Numel())
	gather(t, dst)
	return dst
}

// Contiguous returns t itself when it is contiguous, else a contiguous copy (recorded for autograd).
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// copyLayout returns a contiguous copy of t with fresh storage, without autograd.
func (t *Tensor) copyLayout() *Tensor {
	if t.st.dev.Type == "cuda" {
		return cudaCopyLayout(t)
	}
	out := empty(t.dtype(), t.shape, false)
	switch t.dtype() {
	case Float32:
		gather(t, cpuData[float32](out))
	case Float64:
		gather(t, cpuData[float64](out))
	case Int64:
		gather(t, cpuData[int64](out))
	case Int32:
		gather(t, cpuData[int32](out))
	case Bool:
		gather(t, cpuData[bool](out))
	}
	return out
}

// Clone returns a copy of t with its own contiguous storage; gradients flow back to t.
func (t *Tensor) Clone() *Tensor {
	out := t.copyLayout()
	if needsGrad(t) {
		record("CloneBackward0", out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{g}
		})
	}
	return out
}

// castTo returns t converted to dt (t itself when it already has dt), without autograd.
func (t *Tensor) castTo(dt DType) *Tensor {
	if t.dtype() == dt {
		return t
	}
	if t.st.dev.Type == "cuda" {
		out := cudaCast(t, dt)
		out.wrapped = t.wrapped
		return out
	}
	src := t.Contiguous()
	out := empty(dt, t.shape, false)
	castSlice(flatAny(src), out.st.data)
	runtime.KeepAlive(src)
	if t.wrapped {
		out.wrapped = true
	}
	return out
}

// flatAny returns a contiguous t's elements as a typed slice in an interface.
func flatAny(t *Tensor) any {
	switch t.dtype() {
	case Float32:
		return flat[float32](t)
	case Float64:
		return flat[float64](t)
	case Int64:
		return flat[int64](t)
	case Int32:
		return flat[int32](t)
	}
	return flat[bool](t)
}

// ToDType converts t to dtype dt (recorded for autograd between float dtypes). It returns t when
// t already has dt. For a device, use To(device string).
func (t *Tensor) ToDType(dt DType) *Tensor {
	if t.dtype() == dt {
		return t
	}
	out := t.castTo(dt)
	out.wrapped = false
	if needsGrad(t) && dt.IsFloat() {
		from := t.dtype()
		record("ToCopyBackward0", out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{g.ToDType(from)}
		})
	}
	return out
}

// Float returns t as Float32 (PyTorch's x.float()).
func (t *Tensor) Float() *Tensor { return t.ToDType(Float32) }

// Double returns t as Float64 (PyTorch's x.double()).
func (t *Tensor) Double() *Tensor { return t.ToDType(Float64) }

// Long returns t as Int64 (PyTorch's x.long()).
func (t *Tensor) Long() *Tensor { return t.ToDType(Int64) }

func castSlice(src, dst any) {
	switch s := src.(type) {
	case []float32:
		castFrom(s, dst)
	case []float64:
		castFrom(s, dst)
	case []int64:
		castFrom(s, dst)
	case []int32:
		castFrom(s, dst)
	case []bool:
		// A chunk at a time: an int32 copy of a large bool tensor would be 4× its size.
		var b [1024]int32
		for lo := 0; lo < len(s); lo += len(b) {
			hi := min(lo+len(b), len(s))
			for i, v := range s[lo:hi] {
				b[i] = 0
				if v {
					b[i] = 1
				}
			}
			castFrom(b[:hi-lo], subSlice(dst, lo, hi))
		}
	}
}

func castFrom[S number](s []S, dst any) {
	switch d := dst.(type) {
	case []float32:
		for i, v := range s {
			d[i] = float32(v)
		}
	case []float64:
		for i, v := range s {
			d[i] = float64(v)
		}
	case []int64:
		for i, v := range s {
			d[i] = int64(v)
		}
	case []int32:
		for i, v := range s {
			d[i] = int32(v)
		}
	case []bool:
		for i, v := range s {
			d[i] = v != 0
		}
	}
}

// Float64s returns a copy of t's elements in row-major order as float64 (PyTorch's tolist, flat).
func (t *Tensor) Float64s() []float64 {
	c := t.cpuView()
	checkAlloc(Float64, c.shape)
	out := make([]float64, c.Numel())
	castSlice(flatAny(c.Contiguous()), out)
	return out
}

// Float32s returns a copy of t's elements in row-major order as float32.
func (t *Tensor) Float32s() []float32 {
	c := t.cpuView()
	checkAlloc(Float32, c.shape)
	out := make([]float32, c.Numel())
	castSlice(flatAny(c.Contiguous()), out)
	return out
}

// Int64s returns a copy of t's elements in row-major order as int64 (floats truncate).
func (t *Tensor) Int64s() []int64 {
	c := t.cpuView()
	checkAlloc(Int64, c.shape)
	out := make([]int64, c.Numel())
	castSlice(flatAny(c.Contiguous()), out)
	return out
}

// Bools returns a copy of t's elements in row-major order as bool (non-zero is true).
func (t *Tensor) Bools() []bool {
	c := t.cpuView()
	checkAlloc(Bool, c.shape)
	out := make([]bool, c.Numel())
	castSlice(flatAny(c.Contiguous()), out)
	return out
}

// Item returns the value of a one-element tensor as float64 (PyTorch's x.item()).
func (t *Tensor) Item() float64 {
	if n := t.Numel(); n != 1 {
		fail(ErrValue, "Item", "a Tensor with %d elements cannot be converted to Scalar", n)
	}
	return t.Float64s()[0]
}

// cpuView returns t, or a CPU copy of t when it lives on another device.
func (t *Tensor) cpuView() *Tensor {
	if t.st.dev.Type == "cpu" {
		return t
	}
	return t.CPU()
}
