package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
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

// number is the set of element types with arithmetic.
type number interface {
	~float32 | ~float64 | ~int64 | ~int32
}

// float is the set of floating element types.
type float interface{ ~float32 | ~float64 }

// poolMin is the element count from which result buffers are pooled. Fresh multi-megabyte
// buffers cost page faults and zeroing that dominate memory-bound elementwise ops (DESIGN.md,
// performance targets), so big buffers go back to a pool when their storage is collected.
const poolMin = 1 << 16

type poolKey struct {
	dt DType
	n  int
}

var pools sync.Map // poolKey → *sync.Pool of slices

func poolFor(dt DType, n int) *sync.Pool {
	k := poolKey{dt, n}
	if p, ok := pools.Load(k); ok {
		return p.(*sync.Pool)
	}
	p, _ := pools.LoadOrStore(k, new(sync.Pool))
	return p.(*sync.Pool)
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

func clearSlice(b any) {
	switch s := b.(type) {
	case []float32:
		clear(s)
	case []float64:
		clear(s)
	case []int64:
		clear(s)
	case []int32:
		clear(s)
	case []bool:
		clear(s)
	}
}

// newStorage allocates n elements of dt on the CPU; zeroed asks for zeros, otherwise the caller
// overwrites every element. Large buffers come from and return to a pool.
func newStorage(dt DType, n int, zeroed bool) *storage {
	st := &storage{dev: CPUDevice, dt: dt, n: n}
	if n < poolMin {
		st.data = makeSlice(dt, n)
		return st
	}
	p := poolFor(dt, n)
	if b := p.Get(); b != nil {
		st.data = b
		if zeroed {
			clearSlice(b)
		}
	} else {
		st.data = makeSlice(dt, n)
	}
	// Every kernel keeps its operands alive (runtime.KeepAlive) while it reads their slices,
	// so the buffer is unused once its storage is unreachable.
	runtime.AddCleanup(st, func(b any) { p.Put(b) }, st.data)
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
		fail(ErrDevice, "cpu", "expected all tensors to be on the same device: this operation runs on the CPU, but found a tensor on %v; move it with x.CPU()", t.st.dev)
	}
	return t.st.data.([]T)
}
