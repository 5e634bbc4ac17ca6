package tensor

import (
	"fmt"
	"unsafe"

	"gotensor/gpu"
)

// cudaBackend keeps CUDA storage in a *gpu.Buffer (package gpu's device contract: allocate,
// copy in, copy out; the buffer's own cleanup frees it), reached through cudaK. Compute on CUDA
// tensors is in cuda_ops.go.
type cudaBackend struct{}

var _ backend = cudaBackend{}

func init() { backends["cuda"] = cudaBackend{} }

func (cudaBackend) upload(src *storage, d Device) (*storage, error) {
	if err := cudaK.err(); err != nil {
		return nil, err
	}
	bytes := int64(src.n * src.dt.Size())
	buf, err := cudaK.alloc(d.Index, max(bytes, 1))
	if err != nil {
		return nil, fmt.Errorf("allocate %d bytes on %v: %w", bytes, d, err)
	}
	if bytes > 0 {
		if err := cudaK.copyIn(buf, bytesOf(src.data)); err != nil {
			buf.Release()
			return nil, fmt.Errorf("copy to %v: %w", d, err)
		}
	}
	return &storage{dev: d, dt: src.dt, data: buf, n: src.n}, nil
}

// deviceReader is what download needs from a device buffer: a copy from its start
// (*gpu.Buffer's CopyOut).
type deviceReader interface {
	CopyOut(dst []byte) error
}

var _ deviceReader = (*gpu.Buffer)(nil)

// rangeReader is the optional ability of a device buffer to copy out bytes from an offset;
// with it, download reads exactly a view's span, without it the prefix up to the span's end.
// A *gpu.Buffer is read through cudaK (a Slice from the span's start), the exact span too.
type rangeReader interface {
	CopyOutAt(dst []byte, off int64) error
}

func (cudaBackend) download(src *storage, lo, n int) (*storage, error) {
	if gb, ok := src.data.(*gpu.Buffer); ok {
		return downloadBuffer(src, gb, lo, n)
	}
	buf, ok := src.data.(deviceReader)
	if !ok {
		return nil, fmt.Errorf("storage on %v holds %T, not a CUDA buffer", src.dev, src.data)
	}
	if lo < 0 || n < 0 || lo+n > src.n {
		return nil, fmt.Errorf("copy of elements [%d, %d) from a storage of %d on %v", lo, lo+n, src.n, src.dev)
	}
	st := newStorage(src.dt, []int{n}, false)
	if n == 0 {
		return st, nil
	}
	size := src.dt.Size()
	if rr, ok := buf.(rangeReader); ok {
		if err := rr.CopyOutAt(bytesOf(st.data), int64(lo*size)); err != nil {
			return nil, fmt.Errorf("copy from %v: %w", src.dev, err)
		}
		return st, nil
	}
	dst := bytesOf(st.data)
	if lo > 0 {
		checkAlloc(src.dt, []int{lo + n})
		dst = make([]byte, (lo+n)*size)
	}
	if err := buf.CopyOut(dst); err != nil {
		return nil, fmt.Errorf("copy from %v: %w", src.dev, err)
	}
	if lo > 0 {
		copy(bytesOf(st.data), dst[lo*size:])
	}
	return st, nil
}

// downloadBuffer copies elements [lo, lo+n) of a storage held in a *gpu.Buffer.
func downloadBuffer(src *storage, buf *gpu.Buffer, lo, n int) (*storage, error) {
	if lo < 0 || n < 0 || lo+n > src.n {
		return nil, fmt.Errorf("copy of elements [%d, %d) from a storage of %d on %v", lo, lo+n, src.n, src.dev)
	}
	st := newStorage(src.dt, []int{n}, false)
	if n == 0 {
		return st, nil
	}
	size := int64(src.dt.Size())
	from := buf
	if lo > 0 {
		var err error
		if from, err = cudaK.slice(buf, int64(lo)*size, int64(n)*size); err != nil {
			return nil, fmt.Errorf("copy from %v: %w", src.dev, err)
		}
	}
	if err := cudaK.copyOut(from, bytesOf(st.data)); err != nil {
		return nil, fmt.Errorf("copy from %v: %w", src.dev, err)
	}
	return st, nil
}

// bytesOf views a CPU slice's memory as bytes for a device copy.
func bytesOf(data any) []byte {
	switch s := data.(type) {
	case []float32:
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*4)
	case []float64:
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*8)
	case []int64:
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*8)
	case []int32:
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*4)
	case []bool:
		return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
	}
	return nil
}

// isGPUBuffer reports whether st is held in a *gpu.Buffer (and so reachable through cudaK).
func isGPUBuffer(st *storage) bool {
	_, ok := st.data.(*gpu.Buffer)
	return ok
}

// cudaShown returns on the host the elements of the CUDA tensor t that String shows (see
// shownOnHost). When t's span of storage holds no more elements than are shown (a small or
// expanded t), the span is copied out and cut on the host. Otherwise the copy kernel gathers
// each block of shown entries (one per choice of first or last edges in every cut dim) into a
// small buffer on the device, and that buffer is copied out once. It panics with an ErrDevice
// when the device cannot (a released buffer, a failed launch or copy).
func cudaShown(t *Tensor, summarize bool) *Tensor {
	d, e := t.st.dev, PrintOptions.EdgeItems
	shape := append([]int(nil), t.shape...)
	var cut []int // the dims cut to their edges
	for i, n := range shape {
		if summarize && n > 2*e {
			shape[i] = 2 * e
			cut = append(cut, i)
		}
	}
	if lo, n := span(t); n <= numelOf(shape) {
		host := fromStorage(cudaCopyOut(t.st, lo, n), append([]int(nil), t.shape...), append([]int(nil), t.strides...), t.offset-lo)
		if summarize {
			return summarized(host)
		}
		return host
	}
	out := cudaEmpty("String", d, t.dtype(), shape)
	g := gpuDType("String", t.dtype())
	for mask := 0; mask < 1<<len(cut); mask++ {
		block := append([]int(nil), t.shape...)
		from, to := t.offset, 0
		for j, i := range cut {
			block[i] = e
			if mask>>j&1 == 1 { // the last e entries of dim i
				from += (t.shape[i] - e) * t.strides[i]
				to += e * out.strides[i]
			}
		}
		cudaCopyBlock(g, d, block, out.view(block, out.strides, to), t.view(block, t.strides, from))
	}
	return fromStorage(cudaCopyOut(out.st, 0, out.Numel()), shape, out.strides, 0)
}

// cudaCopyOut copies elements [lo, lo+n) of the CUDA storage st to a new host storage.
func cudaCopyOut(st *storage, lo, n int) *storage {
	host, err := cudaBackend{}.download(st, lo, n)
	if err != nil {
		fail(ErrDevice, "String", "%v", err)
	}
	return host
}

// cudaCopyBlock copies the CUDA view src into dst (both of shape block) with the copy kernel,
// in several launches when the walk could need more dims than the kernels take.
func cudaCopyBlock(g gpu.DType, d Device, block []int, dst, src *Tensor) {
	long := -1 // the first dim of more than one entry
	dims := 0
	for i, n := range block {
		if n > 1 {
			dims++
			if long < 0 {
				long = i
			}
		}
	}
	if dims <= gpu.MaxDims {
		if err := cudaK.unary(gpu.Copy, g, 0, 0, block, operandOf(dst, block), operandOf(src, block)); err != nil {
			fail(ErrDevice, "String", "copy from %v: %v", d, err)
		}
		return
	}
	sub := append([]int(nil), block...)
	sub[long] = 1
	for k := 0; k < block[long]; k++ {
		cudaCopyBlock(g, d, sub, dst.view(sub, dst.strides, dst.offset+k*dst.strides[long]), src.view(sub, src.strides, src.offset+k*src.strides[long]))
	}
}

// cudaRelease returns a CUDA buffer's memory to package gpu's caching allocator (the emulator
// swaps in its own; it belongs with cudaK's functions, which live in cuda_ops.go).
var cudaRelease = (*gpu.Buffer).Release

// Release frees t's device memory now, instead of when the garbage collector finds its storage
// unreachable (a backstop that comes late: GPU memory fills up long before Go's heap notices),
// like PyTorch's del x when x holds the last reference. For a CUDA tensor the whole storage
// goes back to package gpu's caching allocator, where the next allocation reuses it
// (gpu.EmptyCache hands cached memory to the driver). t and every tensor sharing its storage
// (its views, and what autograd saved of it) become unusable: an op, a copy to the host or a
// backward through them fails with a device error ("use of a released buffer"), and printing
// them shows "<values unavailable: ...>"; none of them can read memory reused by another
// tensor. Releasing again is harmless. Release t only when no other goroutine is using it.
//
// On the host Release does nothing: Go's garbage collector frees a CPU storage once no tensor
// views it, and dropping it earlier would break a view still in use.
func (t *Tensor) Release() {
	if t == nil || t.st == nil {
		return
	}
	b, ok := t.st.data.(*gpu.Buffer)
	if !ok || cudaK.scalars.holds(t.st) {
		return
	}
	cudaRelease(b)
}

// holds reports whether st is the device copy of a cached Go number, which Release must leave
// alone: every later op using that number reads it.
func (c *scalarCache) holds(st *storage) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		if s == st {
			return true
		}
	}
	return false
}
