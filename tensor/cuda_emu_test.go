package tensor

import (
	le "encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"unsafe"

	"gotensor/blas"
	"gotensor/gpu"
)

// The CUDA emulator stands in for package gpu in tests, so that every CUDA path of package
// tensor (dispatch, shapes, strides, offsets, dtypes, the GEMM's transposes and views) runs on
// machines without a GPU. It keeps each *gpu.Buffer's bytes in host memory and implements the
// kernels' documented semantics in plain Go, independently of the kernels themselves (whose IR
// package gpu's lli tests check against the same semantics). It is test code only: the package
// never computes a CUDA tensor on the host.

type emuBuf struct {
	data []byte
}

type cudaEmulator struct {
	mu  sync.Mutex
	mem map[*gpu.Buffer]*emuBuf
	off map[*gpu.Buffer]int64 // views: byte offset into their parent's data
	par map[*gpu.Buffer]*gpu.Buffer

	uploads    int                  // copyIn calls
	downloaded int64                // bytes copied to the host by copyOut
	released   map[*gpu.Buffer]bool // buffers Released (see release)
	walkDims   int                  // the most dims of more than one entry a strided walk had
}

// UseCUDAEmulator makes CUDA "available" through the host emulator until restore is called.
// Tests only.
func UseCUDAEmulator() (restore func()) {
	_, restore = useEmulator()
	return restore
}

func useEmulator() (*cudaEmulator, func()) {
	e := &cudaEmulator{mem: map[*gpu.Buffer]*emuBuf{}, off: map[*gpu.Buffer]int64{}, par: map[*gpu.Buffer]*gpu.Buffer{},
		released: map[*gpu.Buffer]bool{}}
	old, oldRelease := cudaK, cudaRelease
	cudaK, cudaRelease = e.api(), e.release
	return e, func() { cudaK, cudaRelease = old, oldRelease }
}

// TestCUDAScalarsUploadOnce checks that a Go number used in CUDA ops is copied to the device
// once, not in every op.
func TestCUDAScalarsUploadOnce(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	x := Ones(3).To("cuda")
	before := e.uploads
	y := x.Add(1).Mul(1).Sub(1).Add(2.5).Add(2.5)
	if got := e.uploads - before; got != 2 {
		t.Errorf("uploads for the Go numbers 1 and 2.5 in five ops = %d, want 2", got)
	}
	if got := y.Float64s(); got[0] != 6 || got[2] != 6 {
		t.Errorf("((1+1)·1-1)+2.5+2.5 = %v, want 6s", got)
	}
}

// release marks b as Released: like a released *gpu.Buffer, b and its views then fail every
// copy, slice and launch with package gpu's error. It stands in for (*gpu.Buffer).Release
// (cudaRelease) while the emulator is in use.
func (e *cudaEmulator) release(b *gpu.Buffer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.released[b] = true
}

// live returns package gpu's error for a buffer (or a view of one) that was released.
func (e *cudaEmulator) live(b *gpu.Buffer) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for ; b != nil; b = e.par[b] {
		if e.released[b] {
			return errors.New("gpu: use of a released buffer")
		}
	}
	return nil
}

// liveAll returns package gpu's error for the first of bs that was released.
func (e *cudaEmulator) liveAll(bs ...*gpu.Buffer) error {
	for _, b := range bs {
		if err := e.live(b); err != nil {
			return err
		}
	}
	return nil
}

// bytesOfBuf returns the host bytes a buffer (or view) covers.
func (e *cudaEmulator) bytesOfBuf(b *gpu.Buffer) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	off := int64(0)
	for {
		if m, ok := e.mem[b]; ok {
			return m.data[off:]
		}
		p, ok := e.par[b]
		if !ok {
			panic(fmt.Sprintf("emulator: unknown buffer %p", b))
		}
		off += e.off[b]
		b = p
	}
}

func (e *cudaEmulator) api() cudaAPI {
	return cudaAPI{
		err: func() error { return nil },
		alloc: func(ordinal int, bytes int64) (*gpu.Buffer, error) {
			b := new(gpu.Buffer) // a distinct key; never used as a real buffer
			e.mu.Lock()
			e.mem[b] = &emuBuf{data: make([]byte, bytes)}
			e.mu.Unlock()
			return b, nil
		},
		copyIn: func(b *gpu.Buffer, src []byte) error {
			e.uploads++
			copy(e.bytesOfBuf(b), src)
			return nil
		},
		copyOut: func(b *gpu.Buffer, dst []byte) error {
			if err := e.live(b); err != nil {
				return err
			}
			e.downloaded += int64(copy(dst, e.bytesOfBuf(b)))
			return nil
		},
		bytes: func(b *gpu.Buffer) int64 { return int64(len(e.bytesOfBuf(b))) },
		slice: func(b *gpu.Buffer, off, n int64) (*gpu.Buffer, error) {
			if err := e.live(b); err != nil {
				return nil, err
			}
			if off < 0 || n < 0 || off+n > int64(len(e.bytesOfBuf(b))) {
				return nil, fmt.Errorf("emulator: slice [%d, %d) of %d bytes", off, off+n, len(e.bytesOfBuf(b)))
			}
			v := new(gpu.Buffer)
			e.mu.Lock()
			e.par[v], e.off[v] = b, off
			e.mu.Unlock()
			return v, nil
		},
		binary:  e.binaryOp,
		compare: e.compareOp,
		unary:   e.unaryOp,
		cast:    e.castOp,
		reduce:  e.reduceOp,
		sgemm: func(tA, tB bool, m, n, k int, alpha float32, a *gpu.Buffer, lda int, b *gpu.Buffer, ldb int, beta float32, c *gpu.Buffer, ldc int) error {
			if err := e.liveAll(a, b, c); err != nil {
				return err
			}
			blas.Sgemm(tA, tB, m, n, k, alpha, f32s(e.bytesOfBuf(a)), lda, f32s(e.bytesOfBuf(b)), ldb, beta, f32s(e.bytesOfBuf(c)), ldc)
			return nil
		},
		scalars: &scalarCache{},
		dgemm: func(tA, tB bool, m, n, k int, alpha float64, a *gpu.Buffer, lda int, b *gpu.Buffer, ldb int, beta float64, c *gpu.Buffer, ldc int) error {
			if err := e.liveAll(a, b, c); err != nil {
				return err
			}
			blas.Dgemm(tA, tB, m, n, k, alpha, f64s(e.bytesOfBuf(a)), lda, f64s(e.bytesOfBuf(b)), ldb, beta, f64s(e.bytesOfBuf(c)), ldc)
			return nil
		},
	}
}

func f32s(b []byte) []float32 { return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4) }
func f64s(b []byte) []float64 { return unsafe.Slice((*float64)(unsafe.Pointer(&b[0])), len(b)/8) }

// walk applies f to each index of shape: v[i] is operand i's element (i ≥ 1) and the result is
// stored into operand 0, rounded to its dtype. Inputs are read before the output is written at
// each index, like the kernels.
func (e *cudaEmulator) walk(shape []int, ops []gpu.Operand, dts []gpu.DType, f func(v []float64) float64) error {
	n := numelOf(shape)
	dims := 0
	for _, s := range shape {
		if s > 1 {
			dims++
		}
	}
	e.walkDims = max(e.walkDims, dims)
	mems := make([][]byte, len(ops))
	for i, o := range ops {
		if err := e.live(o.Buf); err != nil {
			return err
		}
		if len(o.Strides) != len(shape) {
			return fmt.Errorf("emulator: operand %d has %d strides for %d dims", i, len(o.Strides), len(shape))
		}
		mems[i] = e.bytesOfBuf(o.Buf)
	}
	idx := make([]int, len(shape))
	v := make([]float64, len(ops))
	for k := 0; k < n; k++ {
		rem := k
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d] = rem % shape[d]
			rem /= shape[d]
		}
		offs := make([]int64, len(ops))
		for i, o := range ops {
			offs[i] = o.Offset
			for d := range shape {
				offs[i] += int64(idx[d]) * o.Strides[d]
			}
			if (offs[i]+1)*dts[i].Size() > int64(len(mems[i])) {
				return fmt.Errorf("emulator: operand %d reads element %d beyond its buffer of %d bytes", i, offs[i], len(mems[i]))
			}
			if i > 0 {
				v[i] = load(mems[i], dts[i], offs[i])
			}
		}
		store(mems[0], dts[0], offs[0], f(v))
	}
	return nil
}

func load(mem []byte, dt gpu.DType, i int64) float64 {
	switch dt {
	case gpu.F32:
		return float64(math.Float32frombits(le.LittleEndian.Uint32(mem[4*i:])))
	case gpu.F64:
		return math.Float64frombits(le.LittleEndian.Uint64(mem[8*i:]))
	case gpu.I64:
		return float64(int64(le.LittleEndian.Uint64(mem[8*i:])))
	case gpu.I32:
		return float64(int32(le.LittleEndian.Uint32(mem[4*i:])))
	}
	return float64(mem[i])
}

func store(mem []byte, dt gpu.DType, i int64, v float64) {
	switch dt {
	case gpu.F32:
		le.LittleEndian.PutUint32(mem[4*i:], math.Float32bits(float32(v)))
	case gpu.F64:
		le.LittleEndian.PutUint64(mem[8*i:], math.Float64bits(v))
	case gpu.I64:
		le.LittleEndian.PutUint64(mem[8*i:], uint64(int64(v)))
	case gpu.I32:
		le.LittleEndian.PutUint32(mem[4*i:], uint32(int32(v)))
	default:
		if v != 0 {
			mem[i] = 1
		} else {
			mem[i] = 0
		}
	}
}

func (e *cudaEmulator) binaryOp(op gpu.BinaryOp, dt gpu.DType, alpha float64, shape []int, out, a, b gpu.Operand) error {
	return e.walk(shape, []gpu.Operand{out, a, b}, []gpu.DType{dt, dt, dt}, func(v []float64) float64 {
		x, y := v[1], v[2]
		switch op {
		case gpu.Add:
			return x + y
		case gpu.Sub:
			return x - y
		case gpu.Mul:
			return x * y
		case gpu.Div:
			return x / y
		case gpu.Maximum, gpu.Minimum:
			if math.IsNaN(x) || math.IsNaN(y) {
				return math.NaN()
			}
			if op == gpu.Maximum {
				return math.Max(x, y)
			}
			return math.Min(x, y)
		case gpu.Axpy:
			return x + alpha*y
		}
		panic("emulator: binary op")
	})
}

func (e *cudaEmulator) compareOp(op gpu.CompareOp, dt gpu.DType, shape []int, out, a, b gpu.Operand) error {
	return e.walk(shape, []gpu.Operand{out, a, b}, []gpu.DType{gpu.Bool, dt, dt}, func(v []float64) float64 {
		x, y := v[1], v[2]
		r := [...]bool{x == y, x != y, x < y, x <= y, x > y, x >= y}[op]
		if r {
			return 1
		}
		return 0
	})
}

func (e *cudaEmulator) unaryOp(op gpu.UnaryOp, dt gpu.DType, alpha, beta float64, shape []int, out, a gpu.Operand) error {
	if !gpu.UnarySupported(op, dt) {
		return fmt.Errorf("emulator: %v is not implemented for %v CUDA tensors yet", op, dt)
	}
	return e.walk(shape, []gpu.Operand{out, a}, []gpu.DType{dt, dt}, func(v []float64) float64 {
		x := v[1]
		switch op {
		case gpu.Copy:
			return x
		case gpu.Neg:
			return -x
		case gpu.Abs:
			return math.Abs(x)
		case gpu.ReLU:
			if x < 0 {
				return 0
			}
			return x
		case gpu.Sign:
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		case gpu.Clamp:
			return math.Min(math.Max(x, alpha), beta)
		case gpu.Fill:
			return alpha
		case gpu.Exp:
			return math.Exp(x)
		case gpu.Log:
			return math.Log(x)
		case gpu.Sqrt:
			return math.Sqrt(x)
		case gpu.Tanh:
			return math.Tanh(x)
		case gpu.Sigmoid:
			return 1 / (1 + math.Exp(-x))
		}
		panic("emulator: unary op")
	})
}

func (e *cudaEmulator) castOp(from, to gpu.DType, shape []int, out, a gpu.Operand) error {
	return e.walk(shape, []gpu.Operand{out, a}, []gpu.DType{to, from}, func(v []float64) float64 {
		x := v[1]
		switch to {
		case gpu.Bool:
			if x != 0 {
				return 1
			}
			return 0
		case gpu.I64, gpu.I32:
			return math.Trunc(x)
		}
		return x
	})
}

func (e *cudaEmulator) reduceOp(op gpu.ReduceOp, dt gpu.DType, out, a *gpu.Buffer, aOffset int64, outer, m int) error {
	for _, b := range []*gpu.Buffer{a, out} {
		if err := e.live(b); err != nil {
			return err
		}
	}
	src, dst := e.bytesOfBuf(a), e.bytesOfBuf(out)
	for r := 0; r < outer; r++ {
		row := make([]float64, m)
		for j := range row {
			row[j] = load(src, dt, aOffset+int64(r*m+j))
		}
		switch op {
		case gpu.Sum:
			s := 0.0
			for _, x := range row {
				s += x
			}
			store(dst, dt, int64(r), s)
		case gpu.Max, gpu.Min, gpu.ArgMax, gpu.ArgMin:
			best := 0
			wantMax := op == gpu.Max || op == gpu.ArgMax
			for j, x := range row {
				if math.IsNaN(row[best]) {
					break
				}
				if math.IsNaN(x) || (wantMax && x > row[best]) || (!wantMax && x < row[best]) {
					best = j
				}
			}
			if op == gpu.ArgMax || op == gpu.ArgMin {
				store(dst, gpu.I64, int64(r), float64(best))
			} else {
				store(dst, dt, int64(r), row[best])
			}
		}
	}
	return nil
}
