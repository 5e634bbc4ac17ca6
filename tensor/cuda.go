package tensor

import (
	"fmt"
	"unsafe"

	"gotensor/gpu"
)

// cudaBackend keeps CUDA storage in a *gpu.Buffer (package gpu's device contract: allocate,
// copy in, copy out; the buffer's own cleanup frees it). Compute kernels for CUDA tensors are
// the GPU issue's work: today CPU kernels refuse CUDA operands with a clear error.
type cudaBackend struct{}

var _ backend = cudaBackend{}

func init() { backends["cuda"] = cudaBackend{} }

func (cudaBackend) upload(src *storage, d Device) (*storage, error) {
	if !gpu.Available() {
		return nil, gpu.Err()
	}
	bytes := int64(src.n * src.dt.Size())
	buf, err := gpu.Alloc(d.Index, max(bytes, 1))
	if err != nil {
		return nil, fmt.Errorf("allocate %d bytes on %v: %w", bytes, d, err)
	}
	if bytes > 0 {
		if err := buf.CopyIn(bytesOf(src.data)); err != nil {
			buf.Release()
			return nil, fmt.Errorf("copy to %v: %w", d, err)
		}
	}
	return &storage{dev: d, dt: src.dt, data: buf, n: src.n}, nil
}

func (cudaBackend) download(src *storage) (*storage, error) {
	buf, ok := src.data.(*gpu.Buffer)
	if !ok {
		return nil, fmt.Errorf("storage on %v holds %T, not a CUDA buffer", src.dev, src.data)
	}
	st := newStorage(src.dt, src.n, false)
	if src.n > 0 {
		if err := buf.CopyOut(bytesOf(st.data)); err != nil {
			return nil, fmt.Errorf("copy from %v: %w", src.dev, err)
		}
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
