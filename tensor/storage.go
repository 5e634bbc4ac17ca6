package tensor

import (
	"sync/atomic"
	"unsafe"
)

// storage is a flat typed buffer on one device, shared by every view of it. Its version counts
// in-place writes, so the autograd engine can tell that a tensor saved for backward changed.
type storage struct {
	dev     Device
	dt      DType
	data    any // on the CPU: []float32, []float64, []int64, []int32 or []bool
	n       int
	version atomic.Int64
}

// element is the set of Go types a CPU storage holds.
type element interface {
	~float32 | ~float64 | ~int64 | ~int32 | ~bool
}

// dtypeOf returns the dtype whose CPU storage holds T.
func dtypeOf[T element]() DType {
	var zero T
	switch any(zero).(type) {
	case float32:
		return Float32
	case float64:
		return Float64
	case int64:
		return Int64
	case int32:
		return Int32
	}
	return Bool
}

// number is the set of element types with arithmetic.
type number interface {
	~float32 | ~float64 | ~int64 | ~int32
}

// float is the set of floating element types.
type float interface{ ~float32 | ~float64 }

// uninitMin is the element count from which result buffers that the caller overwrites entirely
// are allocated without zeroing. Zeroing a fresh multi-megabyte buffer (Go's allocator does it on
// one thread) costs about as much as the memory-bound elementwise op that fills it (DESIGN.md,
// performance targets). Buffers are not pooled: a pool fed by GC cleanups delays each buffer's
// release by a collection and makes Go's pacer grow the heap without bound.
const uninitMin = 1 << 16

// mallocgc is the runtime's allocator, reachable by linkname (the runtime keeps it so for
// widely used packages). With needzero false and no type it returns pointer-free memory that
// the garbage collector manages like any other, with arbitrary contents.
//
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer

// uninit returns n elements of T with arbitrary contents.
func uninit[T element](n int) []T {
	var zero T
	p := mallocgc(uintptr(n)*unsafe.Sizeof(zero), nil, false)
	return unsafe.Slice((*T)(p), n)
}

func uninitSlice(dt DType, n int) any {
	switch dt {
	case Float32:
		return uninit[float32](n)
	case Float64:
		return uninit[float64](n)
	case Int64:
		return uninit[int64](n)
	case Int32:
		return uninit[int32](n)
	case Bool:
		return uninit[bool](n)
	}
	fail(ErrDType, "alloc", "unsupported dtype %v", dt)
	return nil
}

func makeSlice(dt DType, n int) any {
	switch dt {
	case Float32:
		return make([]float32, n)
	case Float64:
		return make([]float64, n)
	case Int64:
		return make([]int64, n)
	case Int32:
		return make([]int32, n)
	case Bool:
		return make([]bool, n)
	}
	fail(ErrDType, "alloc", "unsupported dtype %v", dt)
	return nil
}

// newStorage allocates the elements of a tensor of dt and shape on the CPU; zeroed asks for
// zeros, otherwise the caller overwrites every element. A request that does not fit in memory
// fails with an ErrMemory *Error before any allocation (memlimit.go).
func newStorage(dt DType, shape []int, zeroed bool) *storage {
	checkAlloc(dt, shape)
	n, _ := checkedNumel(shape)
	st := &storage{dev: CPUDevice, dt: dt, n: n}
	if zeroed || n < uninitMin {
		st.data = makeSlice(dt, n)
	} else {
		st.data = uninitSlice(dt, n)
	}
	return st
}

// storageOf wraps an existing slice (not pooled).
func storageOf(data any) *storage {
	st := &storage{dev: CPUDevice, data: data}
	switch s := data.(type) {
	case []float32:
		st.dt, st.n = Float32, len(s)
	case []float64:
		st.dt, st.n = Float64, len(s)
	case []int64:
		st.dt, st.n = Int64, len(s)
	case []int32:
		st.dt, st.n = Int32, len(s)
	case []bool:
		st.dt, st.n = Bool, len(s)
	default:
		fail(ErrDType, "storage", "unsupported element slice %T", data)
	}
	return st
}

// cpuData returns t's whole CPU buffer as []T; t's elements start at t.offset.
func cpuData[T element](t *Tensor) []T {
	if t.st.dev.Type != "cpu" {
		fail(ErrDevice, "cpu", "this operation is not implemented for %s tensors yet (found a tensor on %v); move it to the host with x.CPU()", t.st.dev.Type, t.st.dev)
	}
	return t.st.data.([]T)
}
