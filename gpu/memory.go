package gpu

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Buffer is a block of memory on one CUDA device. Release it when done; a Buffer that becomes
// unreachable without Release is released by a runtime cleanup (a backstop, not a schedule:
// GPU memory fills up long before Go's heap notices). Methods are safe for concurrent use, but
// Release while another goroutine still copies or launches with the buffer is a bug in the caller.
type Buffer struct {
	ordinal int
	bytes   int64 // as requested; the block may be larger
	alloc   *allocator
	blk     *block
	cleanup runtime.Cleanup

	// A view made by Slice: parent holds the memory, off is the view's start in it.
	parent *Buffer
	off    int64

	mu       sync.Mutex
	released bool
}

// Slice returns a view of the n bytes of b from byte off: a Buffer that kernels, GEMM and
// copies see as starting there. It shares b's memory and keeps b reachable; releasing the view
// only ends the view, and using it after b's Release is an error.
func (b *Buffer) Slice(off, n int64) (*Buffer, error) {
	if off < 0 || n < 0 || off+n > b.bytes {
		return nil, fmt.Errorf("gpu: slice [%d, %d) of a buffer of %d bytes", off, off+n, b.bytes)
	}
	if _, err := b.devicePtr(0); err != nil {
		return nil, err
	}
	return &Buffer{ordinal: b.ordinal, bytes: n, alloc: b.alloc, parent: b, off: off}, nil
}

// Alloc returns a buffer of the given size on device ordinal, reusing cached memory when it can.
// When the device is out of memory even after the cache was emptied, the error wraps
// ErrOutOfMemory.
func Alloc(ordinal int, bytes int64) (*Buffer, error) {
	s := get()
	if s.err != nil {
		return nil, s.err
	}
	if ordinal < 0 || ordinal >= len(s.allocs) {
		return nil, fmt.Errorf("no CUDA device cuda:%d (this host has %d)", ordinal, len(s.allocs))
	}
	return s.allocs[ordinal].buffer(ordinal, bytes)
}

// Bytes is the size the buffer was allocated with.
func (b *Buffer) Bytes() int64 { return b.bytes }

// Device is the ordinal of the device holding the buffer.
func (b *Buffer) Device() int { return b.ordinal }

// Release returns the buffer's memory to its device's cache. Releasing twice is harmless; any
// other use after Release is an error.
func (b *Buffer) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.released {
		return
	}
	b.released = true
	if b.parent != nil {
		return // a view: the parent owns the memory
	}
	b.cleanup.Stop()
	b.alloc.put(b.blk)
}

// devicePtr returns the device address after checking that the buffer is live and holds at
// least need bytes.
func (b *Buffer) devicePtr(need int64) (uintptr, error) {
	b.mu.Lock()
	released := b.released
	b.mu.Unlock()
	if released {
		return 0, errors.New("gpu: use of a released buffer")
	}
	if need > b.bytes {
		return 0, fmt.Errorf("gpu: %d bytes do not fit in a buffer of %d", need, b.bytes)
	}
	if b.parent != nil {
		p, err := b.parent.devicePtr(b.off + need)
		if err != nil {
			return 0, err
		}
		return p + uintptr(b.off), nil
	}
	return b.blk.ptr, nil
}

// CopyIn copies src to the start of the buffer.
func (b *Buffer) CopyIn(src []byte) error {
	return b.copyIn(unsafe.Pointer(unsafe.SliceData(src)), int64(len(src)))
}

// CopyOut copies the start of the buffer to dst.
func (b *Buffer) CopyOut(dst []byte) error {
	return b.copyOut(unsafe.Pointer(unsafe.SliceData(dst)), int64(len(dst)))
}

// CopyInFloat32 copies src to the start of the buffer.
func (b *Buffer) CopyInFloat32(src []float32) error {
	return b.copyIn(unsafe.Pointer(unsafe.SliceData(src)), 4*int64(len(src)))
}

// CopyOutFloat32 fills dst from the start of the buffer.
func (b *Buffer) CopyOutFloat32(dst []float32) error {
	return b.copyOut(unsafe.Pointer(unsafe.SliceData(dst)), 4*int64(len(dst)))
}

// CopyInFloat64 copies src to the start of the buffer.
func (b *Buffer) CopyInFloat64(src []float64) error {
	return b.copyIn(unsafe.Pointer(unsafe.SliceData(src)), 8*int64(len(src)))
}

// CopyOutFloat64 fills dst from the start of the buffer.
func (b *Buffer) CopyOutFloat64(dst []float64) error {
	return b.copyOut(unsafe.Pointer(unsafe.SliceData(dst)), 8*int64(len(dst)))
}

// copyIn and copyOut are synchronous: the driver has finished with the Go memory when they
// return, and Go's heap does not move it meanwhile.
func (b *Buffer) copyIn(src unsafe.Pointer, n int64) error {
	ptr, err := b.devicePtr(n)
	if err != nil || n == 0 {
		return err
	}
	err = get().onDevice(b.ordinal, func(d *driver) error {
		return d.check("cuMemcpyHtoD_v2", d.cuMemcpyHtoD(ptr, src, uint64(n)))
	})
	runtime.KeepAlive(src)
	return err
}

func (b *Buffer) copyOut(dst unsafe.Pointer, n int64) error {
	ptr, err := b.devicePtr(n)
	if err != nil || n == 0 {
		return err
	}
	err = get().onDevice(b.ordinal, func(d *driver) error {
		return d.check("cuMemcpyDtoH_v2", d.cuMemcpyDtoH(dst, ptr, uint64(n)))
	})
	runtime.KeepAlive(dst)
	return err
}

// MemoryStats returns the bytes of device ordinal's memory held by live buffers and by the
// cache (rounded up to the allocator's size classes).
func MemoryStats(ordinal int) (inUse, cached int64, err error) {
	s := get()
	if s.err != nil {
		return 0, 0, s.err
	}
	if ordinal < 0 || ordinal >= len(s.allocs) {
		return 0, 0, fmt.Errorf("no CUDA device cuda:%d (this host has %d)", ordinal, len(s.allocs))
	}
	inUse, cached = s.allocs[ordinal].stats()
	return inUse, cached, nil
}

// EmptyCache hands every cached block of device ordinal back to the driver.
func EmptyCache(ordinal int) error {
	s := get()
	if s.err != nil {
		return s.err
	}
	if ordinal < 0 || ordinal >= len(s.allocs) {
		return fmt.Errorf("no CUDA device cuda:%d (this host has %d)", ordinal, len(s.allocs))
	}
	return s.allocs[ordinal].emptyCache()
}

// rawMemory is what the caching allocator needs from a device: the driver (driverMemory) in
// the package, a bookkeeping stand-in in the allocator's own tests.
type rawMemory interface {
	alloc(bytes int64) (uintptr, error)
	free(ptr uintptr) error
}

// driverMemory allocates with cuMemAlloc_v2 and frees with cuMemFree_v2 on one device.
type driverMemory struct {
	s       *state
	ordinal int
}

func (m driverMemory) alloc(bytes int64) (uintptr, error) {
	var p uintptr
	err := m.s.onDevice(m.ordinal, func(d *driver) error {
		return d.check("cuMemAlloc_v2", d.cuMemAlloc(&p, uint64(bytes)))
	})
	return p, err
}

func (m driverMemory) free(p uintptr) error {
	return m.s.onDevice(m.ordinal, func(d *driver) error {
		return d.check("cuMemFree_v2", d.cuMemFree(p))
	})
}

// block is one allocation from the driver; size is its size class.
type block struct {
	ptr  uintptr
	size int64
}

// allocator caches freed blocks per size class for reuse, as PyTorch's caching allocator does in
// its simplest form: sizes round up to 512 bytes, and above 1 MiB to 2 MiB, so that buffers of
// similar sizes share blocks. Blocks of size 0 never reach the driver.
type allocator struct {
	raw rawMemory

	mu            sync.Mutex
	free          map[int64][]uintptr
	inUse, cached int64
}

func newAllocator(raw rawMemory) *allocator {
	return &allocator{raw: raw, free: map[int64][]uintptr{}}
}

func sizeClass(n int64) int64 {
	const small, large = 512, 2 << 20
	if n <= 1<<20 {
		return (n + small - 1) / small * small
	}
	return (n + large - 1) / large * large
}

// buffer allocates a Buffer of the given size on device ordinal.
func (a *allocator) buffer(ordinal int, bytes int64) (*Buffer, error) {
	if bytes < 0 {
		return nil, fmt.Errorf("gpu: cannot allocate %d bytes", bytes)
	}
	blk, err := a.get(bytes)
	if err != nil {
		return nil, fmt.Errorf("allocate %d bytes on cuda:%d: %w", bytes, ordinal, err)
	}
	b := &Buffer{ordinal: ordinal, bytes: bytes, alloc: a, blk: blk}
	b.cleanup = runtime.AddCleanup(b, a.put, blk)
	return b, nil
}

// get returns a block of at least n bytes: a cached one, a new one, or, when the driver is out
// of memory, a new one after the cache was handed back.
func (a *allocator) get(n int64) (*block, error) {
	size := sizeClass(n)
	a.mu.Lock()
	if l := a.free[size]; len(l) > 0 {
		p := l[len(l)-1]
		a.free[size] = l[:len(l)-1]
		a.cached -= size
		a.inUse += size
		a.mu.Unlock()
		return &block{ptr: p, size: size}, nil
	}
	a.mu.Unlock()
	if size == 0 {
		return &block{}, nil
	}
	p, err := a.raw.alloc(size)
	if errors.Is(err, ErrOutOfMemory) {
		if ferr := a.emptyCache(); ferr != nil {
			return nil, errors.Join(err, ferr)
		}
		p, err = a.raw.alloc(size)
	}
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.inUse += size
	a.mu.Unlock()
	return &block{ptr: p, size: size}, nil
}

// put returns blk to the cache. It makes no driver call, so a runtime cleanup may run it.
func (a *allocator) put(blk *block) {
	if blk.size == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.free[blk.size] = append(a.free[blk.size], blk.ptr)
	a.inUse -= blk.size
	a.cached += blk.size
}

// emptyCache frees every cached block.
func (a *allocator) emptyCache() error {
	a.mu.Lock()
	free := a.free
	a.free = map[int64][]uintptr{}
	a.cached = 0
	a.mu.Unlock()
	var errs []error
	for _, ptrs := range free {
		for _, p := range ptrs {
			if err := a.raw.free(p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (a *allocator) stats() (inUse, cached int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inUse, a.cached
}
