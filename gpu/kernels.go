package gpu

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"unsafe"
)

//go:generate llc -O3 -march=nvptx64 -mcpu=sm_50 ptx/kernels.ll -o ptx/kernels.ptx

// kernelsPTX holds gotensor's built-in kernels, generated from ptx/kernels.ll by LLVM's NVPTX
// backend (written as LLVM IR rather than hand-written PTX so that a compiler checks it here,
// where no CUDA toolkit is installed). The driver JIT-compiles it for the GPU at hand.
//
//go:embed ptx/kernels.ptx
var kernelsPTX string

// Module is PTX code loaded on one device.
type Module struct {
	ordinal int
	handle  uintptr
}

// Kernel is one function of a Module, ready to Launch.
type Kernel struct {
	ordinal int
	name    string
	fn      uintptr
}

// Dim3 is a grid or block shape; zero fields count as 1.
type Dim3 struct{ X, Y, Z int }

// modules caches the embedded modules per device; touched only on the driver's thread.
type modules struct {
	builtin map[string]*Module // by "ordinal/module"
	kernels map[string]*Kernel // by "ordinal/module/name"
}

// LoadModule JIT-compiles PTX source on device ordinal.
func LoadModule(ordinal int, ptx string) (*Module, error) {
	s := get()
	var m *Module
	err := s.onDevice(ordinal, func(d *driver) error {
		var err error
		m, err = d.loadModule(ordinal, ptx)
		return err
	})
	return m, err
}

func (d *driver) loadModule(ordinal int, ptx string) (*Module, error) {
	image := append([]byte(ptx), 0)
	// Ask the JIT for its error log (CU_JIT_ERROR_LOG_BUFFER = 5, its size = 6): "a PTX JIT
	// compilation failed" alone does not say which line.
	log := make([]byte, 4096)
	options := []int32{5, 6}
	values := []uintptr{uintptr(unsafe.Pointer(&log[0])), uintptr(len(log))}
	var h uintptr
	err := d.check("cuModuleLoadDataEx", d.cuModuleLoadDataEx(&h, unsafe.Pointer(&image[0]), uint32(len(options)), &options[0], &values[0]))
	runtime.KeepAlive(image)
	runtime.KeepAlive(log)
	if err != nil {
		if i := bytes.IndexByte(log, 0); i >= 0 {
			log = log[:i]
		}
		if msg := strings.TrimSpace(string(log)); msg != "" {
			err = fmt.Errorf("%w; JIT log: %s", err, msg)
		}
		return nil, fmt.Errorf("cuda:%d: load PTX module: %w", ordinal, err)
	}
	return &Module{ordinal: ordinal, handle: h}, nil
}

// Kernel finds the function called name (its .entry name in the PTX).
func (m *Module) Kernel(name string) (*Kernel, error) {
	var k *Kernel
	err := get().onDevice(m.ordinal, func(d *driver) error {
		var err error
		k, err = d.kernel(m, name)
		return err
	})
	return k, err
}

func (d *driver) kernel(m *Module, name string) (*Kernel, error) {
	var fn uintptr
	if err := d.check("cuModuleGetFunction", d.cuModuleGetFunction(&fn, m.handle, name)); err != nil {
		return nil, fmt.Errorf("cuda:%d: kernel %q: %w", m.ordinal, name, err)
	}
	return &Kernel{ordinal: m.ordinal, name: name, fn: fn}, nil
}

// builtinKernel returns the named kernel of the embedded module kernels.ptx on device ordinal,
// loading the module at first use.
func builtinKernel(ordinal int, name string) (*Kernel, error) {
	return moduleKernel(ordinal, "kernels", kernelsPTX, name)
}

// moduleKernel returns the named kernel of the embedded PTX module called module on device
// ordinal, loading (JIT-compiling) the module at its first use on that device.
func moduleKernel(ordinal int, module, ptx, name string) (*Kernel, error) {
	s := get()
	var k *Kernel
	err := s.onDevice(ordinal, func(d *driver) error {
		key := fmt.Sprintf("%d/%s/%s", ordinal, module, name)
		if k = s.mods.kernels[key]; k != nil {
			return nil
		}
		modKey := fmt.Sprintf("%d/%s", ordinal, module)
		m := s.mods.builtin[modKey]
		if m == nil {
			var err error
			if m, err = d.loadModule(ordinal, ptx); err != nil {
				return fmt.Errorf("%s.ptx: %w", module, err)
			}
			if s.mods.builtin == nil {
				s.mods.builtin, s.mods.kernels = map[string]*Module{}, map[string]*Kernel{}
			}
			s.mods.builtin[modKey] = m
		}
		var err error
		if k, err = d.kernel(m, name); err != nil {
			return err
		}
		s.mods.kernels[key] = k
		return nil
	})
	return k, err
}

// Launch starts k on a grid of blocks, asynchronously on the device's default stream (copies
// and later launches wait for it; Synchronize waits explicitly). Each argument must match the
// kernel's parameter in size: *Buffer (a device pointer), int32, uint32, int64, uint64, float32
// or float64; a plain int is refused because its size on the device side is ambiguous.
func (k *Kernel) Launch(grid, block Dim3, sharedBytes int, args ...any) error {
	slots, err := packArgs(k.ordinal, args)
	if err != nil {
		return fmt.Errorf("launch %s: %w", k.name, err)
	}
	g, b := grid.dims(), block.dims()
	for _, v := range append(g[:], b[:]...) {
		if v <= 0 || v > math.MaxUint32 {
			return fmt.Errorf("launch %s: bad grid %v or block %v", k.name, grid, block)
		}
	}
	params := make([]unsafe.Pointer, len(slots))
	for i := range slots {
		params[i] = unsafe.Pointer(&slots[i])
	}
	var pp unsafe.Pointer
	if len(params) > 0 {
		pp = unsafe.Pointer(&params[0])
	}
	err = get().onDevice(k.ordinal, func(d *driver) error {
		return d.check("cuLaunchKernel", d.cuLaunchKernel(k.fn,
			uint32(g[0]), uint32(g[1]), uint32(g[2]), uint32(b[0]), uint32(b[1]), uint32(b[2]),
			uint32(sharedBytes), 0, pp, nil))
	})
	runtime.KeepAlive(slots)
	runtime.KeepAlive(params)
	if err != nil {
		return fmt.Errorf("launch %s: %w", k.name, err)
	}
	return nil
}

func (d Dim3) dims() [3]int {
	r := [3]int{d.X, d.Y, d.Z}
	for i, v := range r {
		if v == 0 {
			r[i] = 1
		}
	}
	return r
}

// packArgs stores each kernel argument in an 8-byte slot, as cuLaunchKernel reads them: the
// driver copies sizeof(parameter) bytes from each slot's address (little-endian hosts).
func packArgs(ordinal int, args []any) ([]uint64, error) {
	slots := make([]uint64, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case *Buffer:
			if v == nil {
				return nil, fmt.Errorf("argument %d: nil buffer", i)
			}
			if v.ordinal != ordinal {
				return nil, fmt.Errorf("argument %d: buffer on cuda:%d, kernel on cuda:%d", i, v.ordinal, ordinal)
			}
			p, err := v.devicePtr(0)
			if err != nil {
				return nil, fmt.Errorf("argument %d: %w", i, err)
			}
			slots[i] = uint64(p)
		case int32:
			slots[i] = uint64(uint32(v))
		case uint32:
			slots[i] = uint64(v)
		case int64:
			slots[i] = uint64(v)
		case uint64:
			slots[i] = v
		case float32:
			slots[i] = uint64(math.Float32bits(v))
		case float64:
			slots[i] = math.Float64bits(v)
		default:
			return nil, fmt.Errorf("argument %d: unsupported type %T (want *Buffer, int32, uint32, int64, uint64, float32 or float64)", i, a)
		}
	}
	return slots, nil
}

// elementwiseBlock is the block size of the built-in kernels; sum_f32 needs a power of two ≤ 256.
const elementwiseBlock = 256

// gridFor picks enough blocks to cover n elements, capped at 32 per multiprocessor: the
// kernels' grid-stride loops cover the rest.
func gridFor(ordinal int, n int64) Dim3 {
	blocks := (n + elementwiseBlock - 1) / elementwiseBlock
	limit := int64(32 * max(1, get().devices[ordinal].Multiprocessors))
	return Dim3{X: int(max(1, min(blocks, limit)))}
}

// AddF32 sets out[i] = a[i] + b[i] for the first n float32 elements; out may be a or b.
func AddF32(out, a, b *Buffer, n int64) error { return binaryF32("add_f32", out, a, b, n) }

// MulF32 sets out[i] = a[i] * b[i] for the first n float32 elements; out may be a or b.
func MulF32(out, a, b *Buffer, n int64) error { return binaryF32("mul_f32", out, a, b, n) }

func binaryF32(name string, out, a, b *Buffer, n int64) error {
	if err := sameDevice(4*n, out, a, b); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if n == 0 {
		return nil
	}
	k, err := builtinKernel(out.ordinal, name)
	if err != nil {
		return err
	}
	return k.Launch(gridFor(out.ordinal, n), Dim3{X: elementwiseBlock}, 0, a, b, out, n)
}

// SumF32 returns the sum of the first n float32 elements of in. The order of additions depends
// on the launch shape, so the result can differ from a sequential sum in the last bits.
func SumF32(in *Buffer, n int64) (float32, error) {
	if err := sameDevice(4*n, in); err != nil {
		return 0, fmt.Errorf("sum_f32: %w", err)
	}
	k, err := builtinKernel(in.ordinal, "sum_f32")
	if err != nil {
		return 0, err
	}
	acc, err := Alloc(in.ordinal, 4)
	if err != nil {
		return 0, err
	}
	defer acc.Release()
	if err := get().onDevice(in.ordinal, func(d *driver) error {
		return d.check("cuMemsetD32_v2", d.cuMemsetD32(acc.blk.ptr, 0, 1))
	}); err != nil {
		return 0, err
	}
	if n > 0 {
		if err := k.Launch(gridFor(in.ordinal, n), Dim3{X: elementwiseBlock}, 0, in, acc, n); err != nil {
			return 0, err
		}
	}
	var r [1]float32
	if err := acc.CopyOutFloat32(r[:]); err != nil {
		return 0, err
	}
	return r[0], nil
}

// sameDevice checks that every buffer is live, on the first one's device and at least bytes long.
func sameDevice(bytes int64, bufs ...*Buffer) error {
	if bytes < 0 {
		return errors.New("negative length")
	}
	for i, b := range bufs {
		if b == nil {
			return fmt.Errorf("buffer %d is nil", i)
		}
		if b.ordinal != bufs[0].ordinal {
			return fmt.Errorf("buffers on cuda:%d and cuda:%d", bufs[0].ordinal, b.ordinal)
		}
		if _, err := b.devicePtr(bytes); err != nil {
			return err
		}
	}
	return nil
}
