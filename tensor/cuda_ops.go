package tensor

import (
	"math"
	"sync"

	"gotensor/gpu"
)

// CUDA compute. The op entry points (binary, compare, unary, reduce, castTo, copyLayout,
// copyInto, Fill_, gemmInto) hand CUDA operands to the functions here, which launch package
// gpu's strided kernels or its GEMM; nothing here computes on the host. An op without a CUDA
// kernel fails with an ErrDevice naming the op and the device, never silently on the CPU.

// cudaAPI is the part of package gpu that CUDA storage and ops call. Tests swap in a host
// emulator (cuda_emu_test.go) to run every CUDA path on machines without a GPU; nothing else
// replaces it.
type cudaAPI struct {
	err     func() error // why CUDA is unusable, or nil
	alloc   func(ordinal int, bytes int64) (*gpu.Buffer, error)
	copyIn  func(b *gpu.Buffer, src []byte) error
	copyOut func(b *gpu.Buffer, dst []byte) error
	bytes   func(b *gpu.Buffer) int64
	slice   func(b *gpu.Buffer, off, n int64) (*gpu.Buffer, error)
	binary  func(op gpu.BinaryOp, dt gpu.DType, alpha float64, shape []int, out, a, b gpu.Operand) error
	compare func(op gpu.CompareOp, dt gpu.DType, shape []int, out, a, b gpu.Operand) error
	unary   func(op gpu.UnaryOp, dt gpu.DType, alpha, beta float64, shape []int, out, a gpu.Operand) error
	cast    func(from, to gpu.DType, shape []int, out, a gpu.Operand) error
	reduce  func(op gpu.ReduceOp, dt gpu.DType, out, a *gpu.Buffer, aOffset int64, outer, m int) error
	sgemm   func(transA, transB bool, m, n, k int, alpha float32, a *gpu.Buffer, lda int, b *gpu.Buffer, ldb int, beta float32, c *gpu.Buffer, ldc int) error
	dgemm   func(transA, transB bool, m, n, k int, alpha float64, a *gpu.Buffer, lda int, b *gpu.Buffer, ldb int, beta float64, c *gpu.Buffer, ldc int) error

	scalars *scalarCache // Go numbers already on a device
}

// cudaK is package gpu itself.
var cudaK = cudaAPI{
	err:     gpu.Err,
	alloc:   gpu.Alloc,
	copyIn:  (*gpu.Buffer).CopyIn,
	copyOut: (*gpu.Buffer).CopyOut,
	bytes:   (*gpu.Buffer).Bytes,
	slice:   (*gpu.Buffer).Slice,
	binary:  gpu.Binary,
	compare: gpu.Compare,
	unary:   gpu.Unary,
	cast:    gpu.Cast,
	reduce:  gpu.Reduce,
	sgemm:   gpu.Sgemm,
	dgemm:   gpu.Dgemm,
	scalars: &scalarCache{},
}

// cudaDevice returns the device of the first CUDA operand, and whether there is one.
func cudaDevice(ts ...*Tensor) (Device, bool) {
	for _, t := range ts {
		if t != nil && t.st.dev.Type == "cuda" {
			return t.st.dev, true
		}
	}
	return Device{}, false
}

// gpuDTypes maps tensor dtypes to the kernels' element types.
var gpuDTypes = map[DType]gpu.DType{Float32: gpu.F32, Float64: gpu.F64, Int64: gpu.I64, Int32: gpu.I32, Bool: gpu.Bool}

func gpuDType(op string, dt DType) gpu.DType {
	g, ok := gpuDTypes[dt]
	if !ok {
		fail(ErrDType, op, "%s: dtype %v has no CUDA kernels", op, dt)
	}
	return g
}

// cudaCheck turns a failed launch or allocation into the op's ErrDevice panic.
func cudaCheck(op string, d Device, err error) {
	if err != nil {
		fail(ErrDevice, op, "%s on %v: %v", op, d, err)
	}
}

// cudaNotImplemented fails for an op that has no CUDA kernel yet.
func cudaNotImplemented(op string, d Device, what string) {
	fail(ErrDevice, op, "%s is not implemented for CUDA tensors yet (%s on %v); move the tensors to the host with x.CPU()", op, what, d)
}

// cudaEmpty allocates a contiguous tensor of shape on device d; its elements are not set.
func cudaEmpty(op string, d Device, dt DType, shape []int) *Tensor {
	shape = append([]int(nil), shape...)
	n := numelOf(shape)
	buf, err := cudaK.alloc(d.Index, max(int64(n)*int64(dt.Size()), 1))
	cudaCheck(op, d, err)
	st := &storage{dev: d, dt: dt, data: buf, n: n}
	return fromStorage(st, shape, contiguousStrides(shape), 0)
}

// emptyOn allocates a contiguous tensor on device d: empty for the host, cudaEmpty for a GPU.
func emptyOn(op string, d Device, dt DType, shape []int) *Tensor {
	if d.Type == "cuda" {
		return cudaEmpty(op, d, dt, shape)
	}
	return empty(dt, shape, false)
}

// bufferOf returns a CUDA tensor's buffer.
func bufferOf(t *Tensor) *gpu.Buffer {
	b, ok := t.st.data.(*gpu.Buffer)
	if !ok {
		fail(ErrDevice, "cuda", "storage on %v holds %T, not a CUDA buffer", t.st.dev, t.st.data)
	}
	return b
}

// operandOf is t viewed with shape (which t broadcasts to) as a kernel operand.
func operandOf(t *Tensor, shape []int) gpu.Operand {
	st := broadcastStrides(t, shape)
	o := gpu.Operand{Buf: bufferOf(t), Offset: int64(t.offset), Strides: make([]int64, len(st))}
	for i, s := range st {
		o.Strides[i] = int64(s)
	}
	return o
}

// onDevice returns t on device d: a Go number wrapped as a CPU scalar is uploaded (PyTorch
// treats such scalars as values, not as tensors on a device); other tensors must already be
// there (sameDevice checked that).
func onDevice(t *Tensor, d Device) *Tensor {
	if t.st.dev == d {
		return t
	}
	if !t.wrapped {
		fail(ErrDevice, "cuda", "Expected all tensors to be on the same device, but found at least two devices, %v and %v!", d, t.st.dev)
	}
	src := t.Contiguous()
	key := scalarKey{d, src.dtype(), string(bytesOf(src.st.data))}
	st := cudaK.scalars.get(key)
	if st == nil {
		var err error
		st, err = cudaBackend{}.upload(src.st, d)
		cudaCheck("upload", d, err)
		cudaK.scalars.put(key, st)
	}
	u := fromStorage(st, append([]int(nil), t.shape...), contiguousStrides(t.shape), 0)
	u.wrapped = true
	return u
}

// scalarKey names an uploaded Go number: device, dtype and value bytes.
type scalarKey struct {
	dev   Device
	dt    DType
	value string
}

// scalarCache keeps the device copies of Go numbers used in CUDA ops (learning rates, betas,
// 0 and 1, ...), so that a training step does not copy the same few values to the GPU in every
// op. Cached storages are never written: ops never modify their inputs. It stops growing at
// maxScalars entries (values that change every step, such as Adam's bias corrections, would
// otherwise fill it); later values are uploaded each time.
type scalarCache struct {
	mu sync.Mutex
	m  map[scalarKey]*storage
}

const maxScalars = 4096

func (c *scalarCache) get(k scalarKey) *storage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *scalarCache) put(k scalarKey, st *storage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[scalarKey]*storage{}
	}
	if len(c.m) < maxScalars {
		c.m[k] = st
	}
}

var gpuBinaryOps = map[binOp]gpu.BinaryOp{opAdd: gpu.Add, opSub: gpu.Sub, opMul: gpu.Mul, opDiv: gpu.Div, opMaximum: gpu.Maximum, opMinimum: gpu.Minimum}

// cudaBinary computes a op b on device d in dtype compute (dt is the result dtype: Bool results
// compute in Int32, as on the CPU).
func cudaBinary(op binOp, d Device, a, b *Tensor, dt, compute DType, shape []int) *Tensor {
	name := binNames[op]
	if op == opPow {
		if b.wrapped && b.Numel() == 1 {
			if out := cudaPowInt(d, a, b.Float64s()[0], dt, compute, shape); out != nil {
				return out
			}
		}
		cudaNotImplemented(name, d, "only Go-number exponents that are integers in [-16, 16] or 0.5")
	}
	ac, bc := onDevice(a.castTo(compute), d), onDevice(b.castTo(compute), d)
	out := cudaEmpty(name, d, compute, shape)
	g := gpuDType(name, compute)
	cudaCheck(name, d, cudaK.binary(gpuBinaryOps[op], g, 1, shape, operandOf(out, shape), operandOf(ac, shape), operandOf(bc, shape)))
	if dt == Bool {
		return out.castTo(Bool)
	}
	return out
}

// cudaPowInt computes a**p for an integer p in [-16, 16] by repeated multiplication (p = 0.5:
// Sqrt), the powers the tutorials and backward rules use (Pow(2)'s gradient needs Pow(1)). It
// returns nil for other exponents: a general pow kernel does not exist yet.
func cudaPowInt(d Device, a *Tensor, p float64, dt, compute DType, shape []int) *Tensor {
	if p == 0.5 && compute.IsFloat() {
		return cudaUnary(uSqrt, onDevice(a.castTo(compute), d).Contiguous(), compute, 0, 0)
	}
	if p != math.Trunc(p) || math.Abs(p) > 16 || (p < 0 && !compute.IsFloat()) {
		return nil
	}
	n := int(math.Abs(p))
	x := onDevice(a.castTo(compute), d)
	var result *Tensor // x^n by squaring
	if n == 0 {
		result = cudaEmpty("pow", d, compute, shape)
		cudaFill(result, 1)
	}
	for base := x; n > 0; n >>= 1 {
		if n&1 == 1 {
			if result == nil {
				result = base.copyLayout()
			} else {
				result = cudaBinary(opMul, d, result, base, compute, compute, shape)
			}
		}
		if n > 1 {
			base = cudaBinary(opMul, d, base, base, compute, compute, base.shape)
		}
	}
	if p < 0 {
		result = cudaBinary(opDiv, d, asTensor("pow", 1.0), result, compute, compute, shape)
	}
	if dt == Bool {
		return result.castTo(Bool)
	}
	return result
}

// cudaCompare writes the Bool result of a op b (both already of dtype dt) on device d.
func cudaCompare(op cmpOp, d Device, a, b *Tensor, dt DType, shape []int) *Tensor {
	name := cmpNames[op]
	ac, bc := onDevice(a, d), onDevice(b, d)
	out := cudaEmpty(name, d, Bool, shape)
	cudaCheck(name, d, cudaK.compare(gpu.CompareOp(op), gpuDType(name, dt), shape, operandOf(out, shape), operandOf(ac, shape), operandOf(bc, shape)))
	return out
}

var gpuUnaryOps = map[unOp]gpu.UnaryOp{uNeg: gpu.Neg, uAbs: gpu.Abs, uRelu: gpu.ReLU, uSign: gpu.Sign, uClamp: gpu.Clamp,
	uExp: gpu.Exp, uLog: gpu.Log, uSqrt: gpu.Sqrt, uTanh: gpu.Tanh, uSigmoid: gpu.Sigmoid}

// cudaUnary applies op to src (of dtype dt) on its device.
func cudaUnary(op unOp, src *Tensor, dt DType, lo, hi float64) *Tensor {
	name, d := unNames[op], src.st.dev
	g, ok := gpuUnaryOps[op]
	if !ok || !gpu.UnarySupported(g, gpuDType(name, dt)) {
		cudaNotImplemented(name, d, "dtype "+dt.String())
	}
	out := cudaEmpty(name, d, dt, src.shape)
	cudaCheck(name, d, cudaK.unary(g, gpuDType(name, dt), lo, hi, src.shape, operandOf(out, src.shape), operandOf(src, src.shape)))
	return out
}

// cudaCopyLayout returns a contiguous copy of the CUDA tensor t.
func cudaCopyLayout(t *Tensor) *Tensor {
	d := t.st.dev
	out := cudaEmpty("copy", d, t.dtype(), t.shape)
	cudaCheck("copy", d, cudaK.unary(gpu.Copy, gpuDType("copy", t.dtype()), 0, 0, t.shape, operandOf(out, t.shape), operandOf(t, t.shape)))
	return out
}

// cudaCast returns the CUDA tensor t converted to dt, contiguous.
func cudaCast(t *Tensor, dt DType) *Tensor {
	d := t.st.dev
	out := cudaEmpty("to", d, dt, t.shape)
	cudaCheck("to", d, cudaK.cast(gpuDType("to", t.dtype()), gpuDType("to", dt), t.shape, operandOf(out, t.shape), operandOf(t, t.shape)))
	return out
}

// cudaCopyInto writes src (broadcast to dst's shape, converted to its dtype) into the CUDA
// tensor dst's elements.
func cudaCopyInto(dst, src *Tensor) {
	d := dst.st.dev
	s := onDevice(src.castTo(dst.dtype()), d)
	cudaCheck("copy_", d, cudaK.unary(gpu.Copy, gpuDType("copy_", dst.dtype()), 0, 0, dst.shape, operandOf(dst, dst.shape), operandOf(s, dst.shape)))
}

// cudaFill writes v into every element of the CUDA tensor t. Integers beyond 2⁵³ lose
// precision on the way (the kernel takes the value as a float64).
func cudaFill(t *Tensor, v float64) {
	d := t.st.dev
	o := operandOf(t, t.shape)
	cudaCheck("fill_", d, cudaK.unary(gpu.Fill, gpuDType("fill_", t.dtype()), v, 0, t.shape, o, o))
}

var gpuReduceOps = map[redOp]gpu.ReduceOp{rSum: gpu.Sum, rMax: gpu.Max, rMin: gpu.Min, rArgMax: gpu.ArgMax, rArgMin: gpu.ArgMin}

// cudaReduce reduces each of outer rows of m elements of the contiguous CUDA tensor src into a
// new tensor of outDT and shape.
func cudaReduce(op redOp, name string, src *Tensor, outer, m int, outDT DType, shape []int) *Tensor {
	d := src.st.dev
	out := cudaEmpty(name, d, outDT, shape)
	cudaCheck(name, d, cudaK.reduce(gpuReduceOps[op], gpuDType(name, src.dtype()), bufferOf(out), bufferOf(src), int64(src.offset), outer, m))
	return out
}

// cudaGemm is gemmInto for CUDA tensors: out's elements from offset oc = a·b, through
// gpu.Sgemm/Dgemm (cuBLAS, or the PTX GEMM) on buffer views starting at each operand's offset.
// An operand in a layout GEMM cannot read is copied first.
func cudaGemm(out *Tensor, oc int, a *Tensor, oa int, sa []int, b *Tensor, ob int, sb []int, n, m, k int) {
	d := out.st.dev
	ta, lda, okA := matLayout(sa, n, k)
	if !okA {
		a, oa, ta, lda = a.view([]int{n, k}, sa, oa).copyLayout(), 0, false, max(k, 1)
	}
	tb, ldb, okB := matLayout(sb, k, m)
	if !okB {
		b, ob, tb, ldb = b.view([]int{k, m}, sb, ob).copyLayout(), 0, false, max(m, 1)
	}
	if k == 0 {
		cudaFill(out.view([]int{n, m}, []int{m, 1}, oc), 0)
		return
	}
	bufA, bufB, bufC := elementsFrom(a, oa), elementsFrom(b, ob), elementsFrom(out, oc)
	var err error
	switch out.dtype() {
	case Float32:
		err = cudaK.sgemm(ta, tb, n, m, k, 1, bufA, lda, bufB, ldb, 0, bufC, m)
	case Float64:
		err = cudaK.dgemm(ta, tb, n, m, k, 1, bufA, lda, bufB, ldb, 0, bufC, m)
	default:
		cudaNotImplemented("matmul", d, "dtype "+out.dtype().String())
	}
	cudaCheck("matmul", d, err)
}

// elementsFrom returns t's buffer viewed from element off on.
func elementsFrom(t *Tensor, off int) *gpu.Buffer {
	buf := bufferOf(t)
	if off == 0 {
		return buf
	}
	size := int64(t.dtype().Size())
	v, err := cudaK.slice(buf, int64(off)*size, cudaK.bytes(buf)-int64(off)*size)
	cudaCheck("matmul", t.st.dev, err)
	return v
}
