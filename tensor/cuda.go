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
