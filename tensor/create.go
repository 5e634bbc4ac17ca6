package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Option configures a constructor: a DType (tensor.Float64), RequiresGrad(), or WithDevice.
type Option interface{ apply(*config) }

type config struct {
	dtype        DType
	requiresGrad bool
	device       string
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// RequiresGrad makes the new tensor a leaf whose operations autograd records
// (PyTorch's requires_grad=True). Only floating tensors can require gradients.
func RequiresGrad() Option { return optionFunc(func(c *config) { c.requiresGrad = true }) }

// WithDevice places the new tensor on a device such as "cuda" or "cpu".
func WithDevice(device string) Option { return optionFunc(func(c *config) { c.device = device }) }

// finish applies the options that act after the data is made: device, then requires-grad.
func (c *config) finish(t *Tensor) *Tensor {
	if c.device != "" {
		t = t.To(c.device)
	}
	if c.requiresGrad {
		t.SetRequiresGrad(true)
	}
	return t
}

// splitArgs separates dims (Go ints) from options in a ...any argument list.
func splitArgs(op string, args []any) ([]int, config) {
	var c config
	var dims []int
	for _, a := range args {
		switch v := a.(type) {
		case Option:
			v.apply(&c)
		case int:
			dims = append(dims, v)
		case int64:
			dims = append(dims, int(v))
		case int32:
			dims = append(dims, int(v))
		case []int:
			dims = append(dims, v...)
		case Shape:
			dims = append(dims, v...)
		default:
			fail(ErrValue, op, "%s(): argument must be an int size or an Option, not %T", op, a)
		}
	}
	for _, d := range dims {
		if d < 0 {
			fail(ErrValue, op, "Trying to create tensor with negative dimension %d: %v", d, dims)
		}
	}
	return dims, c
}

func defaultDType(c config, d DType) DType {
	if c.dtype != Undefined {
		return c.dtype
	}
	return d
}

// New makes a tensor from a Go number or nested slices (or arrays) of any depth, like
// torch.tensor. float64 values give the default dtype Float32 (as Python floats do), float32
// Float32, Go ints Int64, int32 Int32, bool Bool; pass a DType option to choose. Ragged input
// panics with PyTorch's "expected sequence of length 2 at dim 1 (got 3)". A *Tensor is copied.
func New(data any, opts ...Option) *Tensor {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	if t, ok := data.(*Tensor); ok {
		out := t.Detach().Clone()
		if c.dtype != Undefined {
			out = out.castTo(c.dtype)
		}
		return c.finish(out)
	}
	var l literal
	l.walk(reflect.ValueOf(data), 0)
	if l.dtype == Undefined {
		l.dtype = l.empty // an empty []int64{} is int64; an empty []any says nothing
	}
	dt := defaultDType(c, l.dtype)
	if dt == Undefined {
		dt = DefaultFloat // an empty slice, like torch.tensor([])
	}
	out := empty(dt, l.shape, false)
	switch {
	case l.dtype == Bool:
		castSlice(l.bools, out.st.data)
	case l.dtype.IsInt():
		castSlice(l.ints, out.st.data)
	default:
		castSlice(l.floats, out.st.data)
	}
	return c.finish(out)
}

// literal collects the values and shape of nested Go slices.
type literal struct {
	shape  []int
	dtype  DType
	floats []float64
	ints   []int64
	bools  []bool
	seen   bool  // the shape is known down to the scalars
	empty  DType // the element dtype an empty slice's type names, when no number was seen
}

func (l *literal) walk(v reflect.Value, depth int) {
	if !v.IsValid() { // tensor.New(nil)
		fail(ErrValue, "New", "Could not infer dtype of nil")
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			fail(ErrValue, "New", "tensor.New: nil at dim %d", depth)
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		n := v.Len()
		if !l.seen && depth == len(l.shape) {
			l.shape = append(l.shape, n)
		} else if depth >= len(l.shape) {
			fail(ErrValue, "New", "expected a number at dim %d (got a sequence of length %d)", depth, n)
		} else if l.shape[depth] != n {
			fail(ErrValue, "New", "expected sequence of length %d at dim %d (got %d)", l.shape[depth], depth, n)
		}
		if n == 0 {
			l.seen = true
			if l.dtype == Undefined {
				l.empty = elemDType(v.Type())
			}
		}
		for i := 0; i < n; i++ {
			l.walk(v.Index(i), depth+1)
		}
		return
	}
	if !l.seen {
		l.seen = true
	} else if depth != len(l.shape) {
		fail(ErrValue, "New", "expected sequence of length %d at dim %d (got a number)", l.shape[depth], depth)
	}
	l.scalar(v)
}

// kindDType is the dtype New gives a Go number of kind k; ok is false for non-numbers.
func kindDType(k reflect.Kind) (d DType, ok bool) {
	switch k {
	case reflect.Float64:
		return DefaultFloat, true
	case reflect.Float32:
		return Float32, true
	case reflect.Int32:
		return Int32, true
	case reflect.Int, reflect.Int64, reflect.Int8, reflect.Int16, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint, reflect.Uint64:
		return Int64, true
	case reflect.Bool:
		return Bool, true
	}
	return Undefined, false
}

// elemDType is the dtype of the numbers an empty slice of type t would hold ([]int64{} is
// int64, as an empty int64 NumPy array is in PyTorch), Undefined when t does not say.
func elemDType(t reflect.Type) DType {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d, _ := kindDType(t.Kind())
	return d
}

func (l *literal) scalar(v reflect.Value) {
	d, ok := kindDType(v.Kind())
	if !ok {
		fail(ErrValue, "New", "Could not infer dtype of %v", v.Type())
	}
	prev := l.dtype
	l.dtype = PromoteTypes(l.dtype, d)
	if prev != Undefined && category(prev) != category(l.dtype) {
		l.moveTo(category(l.dtype))
	}
	switch {
	case l.dtype == Bool:
		l.bools = append(l.bools, v.Bool())
	case l.dtype.IsInt():
		if v.CanInt() {
			l.ints = append(l.ints, v.Int())
		} else if v.CanUint() {
			l.ints = append(l.ints, int64(v.Uint()))
		} else {
			l.ints = append(l.ints, b2i(v.Bool()))
		}
	default:
		switch {
		case v.CanFloat():
			l.floats = append(l.floats, v.Float())
		case v.CanInt():
			l.floats = append(l.floats, float64(v.Int()))
		case v.CanUint():
			l.floats = append(l.floats, float64(v.Uint()))
		default:
			l.floats = append(l.floats, float64(b2i(v.Bool())))
		}
	}
}

// moveTo converts the values gathered so far when mixed input ([]any) widens the category.
func (l *literal) moveTo(cat int) {
	switch cat {
	case 2:
		for _, b := range l.bools {
			l.ints = append(l.ints, b2i(b))
		}
		l.bools = nil
	case 3:
		for _, b := range l.bools {
			l.floats = append(l.floats, float64(b2i(b)))
		}
		for _, i := range l.ints {
			l.floats = append(l.floats, float64(i))
		}
		l.bools, l.ints = nil, nil
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// FromSlice makes a tensor of the given shape from a copy of a flat Go slice ([]float32,
// []float64, []int64, []int, []int32 or []bool); the dtype follows the slice's element type
// exactly (like torch.from_numpy). One dim may be -1 to be inferred.
func FromSlice(data any, shape ...int) *Tensor {
	var st *storage
	switch s := data.(type) {
	case []int:
		v := make([]int64, len(s))
		for i, x := range s {
			v[i] = int64(x)
		}
		st = storageOf(v)
	case []float32:
		st = storageOf(append([]float32(nil), s...))
	case []float64:
		st = storageOf(append([]float64(nil), s...))
	case []int64:
		st = storageOf(append([]int64(nil), s...))
	case []int32:
		st = storageOf(append([]int32(nil), s...))
	case []bool:
		st = storageOf(append([]bool(nil), s...))
	default:
		fail(ErrDType, "FromSlice", "FromSlice: unsupported slice type %T", data)
	}
	if shape == nil {
		shape = []int{st.n}
	}
	shape = inferShape("FromSlice", shape, st.n)
	return fromStorage(st, shape, contiguousStrides(shape), 0)
}

// FromDense copies a gonum matrix into a 2-D Float64 tensor (like torch.from_numpy, which keeps
// NumPy's float64).
func FromDense(m *mat.Dense) *Tensor {
	r, c := m.Dims()
	out := empty(Float64, []int{r, c}, false)
	d := cpuData[float64](out)
	for i := 0; i < r; i++ {
		mat.Row(d[i*c:(i+1)*c], i, m)
	}
	return out
}

// Dense copies a 0-, 1- or 2-D tensor into a new gonum matrix (a 1-D tensor becomes one row).
func (t *Tensor) Dense() *mat.Dense {
	r, c := 1, 1
	switch t.Dim() {
	case 0:
	case 1:
		c = t.shape[0]
	case 2:
		r, c = t.shape[0], t.shape[1]
	default:
		fail(ErrShape, "Dense", "Dense: expected a tensor with at most 2 dims, got %d", t.Dim())
	}
	if r == 0 || c == 0 {
		fail(ErrShape, "Dense", "Dense: gonum matrices cannot be empty, got shape %v", shapeStr(t.shape))
	}
	return mat.NewDense(r, c, t.Float64s())
}

func filled(op string, v float64, args []any) *Tensor {
	dims, c := splitArgs(op, args)
	out := empty(defaultDType(c, DefaultFloat), dims, v == 0)
	if v != 0 {
		fillAny(out.st.data, v)
	}
	return c.finish(out)
}

func fillAny(data any, v float64) {
	switch s := data.(type) {
	case []float32:
		fillSlice(s, float32(v))
	case []float64:
		fillSlice(s, v)
	case []int64:
		fillSlice(s, int64(v))
	case []int32:
		fillSlice(s, int32(v))
	case []bool:
		fillSlice(s, v != 0)
	}
}

func fillSlice[T element](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

// Zeros makes a tensor of zeros: Zeros(2, 3), Zeros(2, 3, tensor.Float64, tensor.RequiresGrad()).
// Arguments are int sizes (or a []int) followed by options.
func Zeros(shapeAndOptions ...any) *Tensor { return filled("zeros", 0, shapeAndOptions) }

// Ones makes a tensor of ones; arguments as for Zeros.
func Ones(shapeAndOptions ...any) *Tensor { return filled("ones", 1, shapeAndOptions) }

// Full makes a tensor filled with value: Full([]int{2, 3}, 7.5). Like torch.full, an integral
// value gives Int64, a float the default dtype, unless a DType option says otherwise.
func Full(shape []int, value any, opts ...Option) *Tensor {
	v := asArg("full", "value", value)
	args := []any{shape}
	for _, o := range opts {
		args = append(args, o)
	}
	dims, c := splitArgs("full", args)
	dt := v.dtype()
	if dt.IsFloat() {
		dt = DefaultFloat
	}
	out := empty(defaultDType(c, dt), dims, false)
	fillAny(out.st.data, v.Item())
	return c.finish(out)
}

// ZerosLike makes zeros with t's shape and dtype (options may override).
func ZerosLike(t *Tensor, opts ...Option) *Tensor { return likeArgs(Zeros, t, opts) }

// OnesLike makes ones with t's shape and dtype.
func OnesLike(t *Tensor, opts ...Option) *Tensor { return likeArgs(Ones, t, opts) }

// RandLike makes uniform [0, 1) numbers with t's shape and dtype.
func RandLike(t *Tensor, opts ...Option) *Tensor { return likeArgs(Rand, t, opts) }

// RandnLike makes standard normal numbers with t's shape and dtype.
func RandnLike(t *Tensor, opts ...Option) *Tensor { return likeArgs(Randn, t, opts) }

// FullLike makes a tensor with t's shape and dtype filled with value.
func FullLike(t *Tensor, value any, opts ...Option) *Tensor {
	notNil("full_like", "t", t)
	return Full(t.shape, value, append([]Option{t.dtype()}, opts...)...)
}

func likeArgs(f func(...any) *Tensor, t *Tensor, opts []Option) *Tensor {
	notNil("like", "t", t)
	args := []any{t.shape, t.dtype()}
	if t.st.dev != CPUDevice {
		args = append(args, WithDevice(t.st.dev.String()))
	}
	for _, o := range opts {
		args = append(args, o)
	}
	return f(args...)
}

// Arange returns values from start to end (exclusive) by step, like torch.arange: Arange(5),
// Arange(1, 5), Arange(0, 1, 0.25); options may follow. Integral arguments give Int64.
func Arange(args ...any) *Tensor {
	var nums []float64
	var c config
	dt := Int64
	for _, a := range args {
		if o, ok := a.(Option); ok {
			o.apply(&c)
			continue
		}
		v := asTensor("arange", a)
		if v.dtype().IsFloat() {
			dt = DefaultFloat
		}
		nums = append(nums, v.Item())
	}
	start, end, step := 0.0, 0.0, 1.0
	switch len(nums) {
	case 1:
		end = nums[0]
	case 2:
		start, end = nums[0], nums[1]
	case 3:
		start, end, step = nums[0], nums[1], nums[2]
	default:
		fail(ErrValue, "arange", "arange() takes 1 to 3 numbers (end; start, end; start, end, step), got %d", len(nums))
	}
	if step == 0 {
		fail(ErrValue, "arange", "step must be nonzero")
	}
	if (step > 0 && end < start) || (step < 0 && end > start) {
		fail(ErrValue, "arange", "upper bound and larger bound inconsistent with step sign")
	}
	size := math.Ceil((end - start) / step)
	if !(size >= 0 && size < math.MaxInt64) {
		fail(ErrValue, "arange", "invalid size, possible overflow?")
	}
	out := empty(defaultDType(c, dt), []int{int(size)}, false)
	fillWith(out, func(i int) float64 { return start + float64(i)*step })
	return c.finish(out)
}

// Linspace returns steps values evenly spaced from start to end inclusive, like torch.linspace.
func Linspace(start, end float64, steps int, opts ...Option) *Tensor {
	if steps < 0 {
		fail(ErrValue, "linspace", "number of steps must be non-negative")
	}
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	out := empty(defaultDType(c, DefaultFloat), []int{steps}, false)
	// Like PyTorch's kernel: the first half counts up from start, the second down from end.
	d := (end - start) / float64(max(steps-1, 1))
	half := steps / 2
	fillWith(out, func(i int) float64 {
		switch {
		case steps == 1:
			return start
		case i < half:
			return start + d*float64(i)
		}
		return end - d*float64(steps-i-1)
	})
	return c.finish(out)
}

// Eye returns an n×n (or n×m with Eye(n, m)) identity matrix; options may follow.
func Eye(args ...any) *Tensor {
	dims, c := splitArgs("eye", args)
	switch len(dims) {
	case 1:
		dims = append(dims, dims[0])
	case 2:
	default:
		fail(ErrValue, "eye", "eye() takes n or n, m, got %d sizes", len(dims))
	}
	out := empty(defaultDType(c, DefaultFloat), dims, false)
	m := dims[1]
	fillWith(out, func(i int) float64 {
		if i/m == i%m {
			return 1
		}
		return 0
	})
	return c.finish(out)
}

var rng = struct {
	sync.Mutex
	r *rand.Rand
}{r: rand.New(rand.NewPCG(0x9e3779b97f4a7c15, 0))}

// Seed reseeds the generator behind Rand and Randn (PyTorch's manual_seed). The same seed gives
// the same numbers in the same order; they are not PyTorch's numbers.
func Seed(seed int64) {
	rng.Lock()
	rng.r = rand.New(rand.NewPCG(uint64(seed), 0x853c49e6748fea9b))
	rng.Unlock()
}

func random(op string, args []any, draw func(r *rand.Rand) float64) *Tensor {
	dims, c := splitArgs(op, args)
	dt := defaultDType(c, DefaultFloat)
	if !dt.IsFloat() {
		fail(ErrDType, op, "\"%s\" not implemented for '%s'", op, dtypeShort(dt))
	}
	out := empty(dt, dims, false)
	rng.Lock()
	fillWith(out, func(int) float64 { return draw(rng.r) })
	rng.Unlock()
	return c.finish(out)
}

// Rand returns uniform numbers in [0, 1); arguments as for Zeros.
func Rand(shapeAndOptions ...any) *Tensor {
	return random("rand", shapeAndOptions, func(r *rand.Rand) float64 { return r.Float64() })
}

// Randn returns standard normal numbers; arguments as for Zeros.
func Randn(shapeAndOptions ...any) *Tensor {
	return random("randn", shapeAndOptions, func(r *rand.Rand) float64 { return r.NormFloat64() })
}

// dtypeShort is the C++ name PyTorch's kernel errors use, such as "Long".
func dtypeShort(d DType) string {
	switch d {
	case Float32:
		return "Float"
	case Float64:
		return "Double"
	case Int64:
		return "Long"
	case Int32:
		return "Int"
	case Bool:
		return "Bool"
	}
	return d.String()
}

// fillWith sets the elements of out, a fresh contiguous CPU tensor, to f(0), f(1), ... in
// order, converted as castSlice converts. It works a chunk at a time, so a large tensor needs no
// float64 copy of itself (which would double the memory asked of the system).
func fillWith(out *Tensor, f func(i int) float64) {
	var buf [1024]float64
	n := out.Numel()
	for lo := 0; lo < n; lo += len(buf) {
		hi := min(lo+len(buf), n)
		for i := lo; i < hi; i++ {
			buf[i-lo] = f(i)
		}
		castSlice(buf[:hi-lo], subSlice(out.st.data, lo, hi))
	}
}

// subSlice returns data[lo:hi] for a CPU storage's slice.
func subSlice(data any, lo, hi int) any {
	switch d := data.(type) {
	case []float32:
		return d[lo:hi]
	case []float64:
		return d[lo:hi]
	case []int64:
		return d[lo:hi]
	case []int32:
		return d[lo:hi]
	case []bool:
		return d[lo:hi]
	}
	fail(ErrDType, "fill", "unsupported element slice %T", data)
	return nil
}

// asTensor returns v when it is a *Tensor, else v (a Go number) wrapped as a 0-dim tensor that,
// like a Python number, does not widen a tensor's dtype. v is op's argument "other".
func asTensor(op string, v any) *Tensor { return asArg(op, "other", v) }

// asArg is asTensor for op's argument name: a nil v fails with "op: name is nil".
func asArg(op, name string, v any) *Tensor {
	var t *Tensor
	switch x := v.(type) {
	case nil:
		notNil(op, name, nil)
	case *Tensor:
		notNil(op, name, x)
		return x
	case float64:
		t = scalarOf([]float64{x})
	case float32:
		t = scalarOf([]float64{float64(x)})
	case int:
		t = scalarOf([]int64{int64(x)})
	case int64:
		t = scalarOf([]int64{x})
	case int32:
		t = scalarOf([]int64{int64(x)})
	case bool:
		t = scalarOf([]bool{x})
	default:
		fail(ErrValue, op, "%s: expected a *tensor.Tensor or a Go number, got %T", op, v)
	}
	t.wrapped = true
	return t
}

func scalarOf(data any) *Tensor { return fromStorage(storageOf(data), nil, nil, 0) }

func inferShape(op string, shape []int, n int) []int {
	shape = append([]int(nil), shape...)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d == -1:
			fail(ErrShape, op, "only one dimension can be inferred")
		case d < 0:
			fail(ErrShape, op, "invalid shape dimension %d", d)
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			fail(ErrShape, op, "shape '%s' is invalid for input of size %d", shapeStr(shape), n)
		}
		shape[infer] = n / known
	} else if known != n {
		fail(ErrShape, op, "shape '%s' is invalid for input of size %d", shapeStr(shape), n)
	}
	return shape
}

var _ = fmt.Sprint
