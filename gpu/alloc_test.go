package gpu

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// fakeMemory stands in for a device in the caching allocator's tests: it hands out distinct
// addresses up to a capacity and fails beyond it as the driver does, wrapping ErrOutOfMemory.
// (The allocator's bookkeeping is what is under test; the driver path is exercised by the GPU
// tests in cuda_test.go.)
type fakeMemory struct {
	capacity, used int64
	next           uintptr
	sizes          map[uintptr]int64
	allocs, frees  int
}

func (m *fakeMemory) alloc(n int64) (uintptr, error) {
	if m.used+n > m.capacity {
		return 0, &DriverError{Call: "cuMemAlloc_v2", Status: int(cudaErrorOutOfMemory), Name: "CUDA_ERROR_OUT_OF_MEMORY", Text: "out of memory"}
	}
	if m.sizes == nil {
		m.sizes, m.next = map[uintptr]int64{}, 0x1000
	}
	p := m.next
	m.next += uintptr(n) + 0x1000
	m.sizes[p] = n
	m.used += n
	m.allocs++
	return p, nil
}

func (m *fakeMemory) free(p uintptr) error {
	n, ok := m.sizes[p]
	if !ok {
		return fmt.Errorf("free of unknown pointer %#x", p)
	}
	delete(m.sizes, p)
	m.used -= n
	m.frees++
	return nil
}

func TestSizeClass(t *testing.T) {
	tests := []struct{ n, want int64 }{
		{0, 0}, {1, 512}, {512, 512}, {513, 1024}, {1 << 20, 1 << 20}, {1<<20 + 1, 2 << 20}, {5 << 20, 6 << 20},
	}
	for _, tt := range tests {
		if got := sizeClass(tt.n); got != tt.want {
			t.Errorf("sizeClass(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestAllocatorReusesReleasedBlocks(t *testing.T) {
	mem := &fakeMemory{capacity: 1 << 30}
	a := newAllocator(mem)
	b1, err := a.buffer(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	p1 := b1.blk.ptr
	b1.Release()
	b1.Release() // harmless
	if in, cached := a.stats(); in != 0 || cached != 1024 {
		t.Errorf("stats after Release = %d in use, %d cached; want 0, 1024", in, cached)
	}
	b2, err := a.buffer(0, 900) // same size class
	if err != nil {
		t.Fatal(err)
	}
	if b2.blk.ptr != p1 || mem.allocs != 1 {
		t.Errorf("second buffer at %#x after %d driver allocations; want the cached %#x and 1", b2.blk.ptr, mem.allocs, p1)
	}
	if _, err := b1.devicePtr(0); err == nil {
		t.Error("devicePtr of a released buffer succeeded, want an error")
	}
	if _, err := b2.devicePtr(901); err == nil {
		t.Error("devicePtr(901) of a 900-byte buffer succeeded, want an error")
	}
	empty, err := a.buffer(0, 0)
	if err != nil || mem.allocs != 1 {
		t.Errorf("buffer(0 bytes) = %v after %d driver allocations, want no error and no allocation", err, mem.allocs)
	}
	empty.Release()
	b2.Release()
	if err := a.emptyCache(); err != nil || mem.used != 0 || mem.frees != 1 {
		t.Errorf("emptyCache() = %v, device has %d bytes in %d frees; want nil, 0, 1", err, mem.used, mem.frees)
	}
	if _, err := a.buffer(0, -1); err == nil {
		t.Error("buffer(-1 bytes) succeeded, want an error")
	}
}

func TestAllocatorOutOfMemory(t *testing.T) {
	mem := &fakeMemory{capacity: 8 << 20}
	a := newAllocator(mem)
	small, err := a.buffer(0, 6<<20)
	if err != nil {
		t.Fatal(err)
	}
	small.Release() // 6 MiB cached, device nearly full
	big, err := a.buffer(0, 4<<20)
	if err != nil {
		t.Fatalf("buffer(4 MiB) with 6 MiB cached on an 8 MiB device = %v, want the cache emptied and a retry", err)
	}
	if _, cached := a.stats(); cached != 0 {
		t.Errorf("cache after the retry holds %d bytes, want 0", cached)
	}
	_, err = a.buffer(3, 16<<20)
	if err == nil {
		t.Fatal("buffer(16 MiB) on an 8 MiB device succeeded, want an out-of-memory error")
	}
	if !errorsIsOOM(err) {
		t.Errorf("buffer(16 MiB) error %v does not wrap ErrOutOfMemory", err)
	}
	if want := "allocate 16777216 bytes on cuda:3: cuMemAlloc_v2: out of memory"; err.Error()[:len(want)] != want {
		t.Errorf("buffer(16 MiB) error = %q, want it to start %q", err, want)
	}
	big.Release()
}

// TestCleanupBackstop checks that a buffer dropped without Release goes back to the cache once
// the garbage collector finds it unreachable.
func TestCleanupBackstop(t *testing.T) {
	mem := &fakeMemory{capacity: 1 << 30}
	a := newAllocator(mem)
	func() {
		b, err := a.buffer(0, 4096)
		if err != nil {
			t.Fatal(err)
		}
		_ = b
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		if in, cached := a.stats(); in == 0 && cached == 4096 {
			return
		}
		if time.Now().After(deadline) {
			in, cached := a.stats()
			t.Fatalf("after GC: %d bytes in use, %d cached; want 0 and 4096", in, cached)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func errorsIsOOM(err error) bool { return errors.Is(err, ErrOutOfMemory) }
