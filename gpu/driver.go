package gpu

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"github.com/ebitengine/purego"
)

// cuResult is the driver's CUresult.
type cuResult int32

// Driver status codes gotensor looks at (cuda.h).
const (
	cudaSuccess          cuResult = 0
	cudaErrorOutOfMemory cuResult = 2
	cudaErrorNoDevice    cuResult = 100
)

// Device attributes (CUdevice_attribute in cuda.h).
const (
	attrMultiprocessorCount = 16
	attrComputeCapMajor     = 75
	attrComputeCapMinor     = 76
)

// driver holds the bound entry points of libcuda.so.1. Versioned names (_v2) are the ones the
// cuda.h macros resolve to; a library built for older CUDA versions keeps exporting them, so the
// binding works from CUDA 11 drivers to CUDA 13's. The primary context is used instead of
// cuCtxCreate, whose signature changed in CUDA 13.
type driver struct {
	lib string

	cuInit                   func(flags uint32) cuResult
	cuDriverGetVersion       func(version *int32) cuResult
	cuGetErrorName           func(status cuResult, name **byte) cuResult
	cuGetErrorString         func(status cuResult, text **byte) cuResult
	cuDeviceGetCount         func(count *int32) cuResult
	cuDeviceGet              func(dev *int32, ordinal int32) cuResult
	cuDeviceGetName          func(name *byte, size int32, dev int32) cuResult
	cuDeviceTotalMem         func(bytes *uint64, dev int32) cuResult
	cuDeviceGetAttribute     func(value *int32, attr int32, dev int32) cuResult
	cuDevicePrimaryCtxRetain func(ctx *uintptr, dev int32) cuResult
	cuCtxSetCurrent          func(ctx uintptr) cuResult
	cuCtxSynchronize         func() cuResult
	cuMemGetInfo             func(free, total *uint64) cuResult
	cuMemAlloc               func(ptr *uintptr, bytes uint64) cuResult
	cuMemFree                func(ptr uintptr) cuResult
	cuMemcpyHtoD             func(dst uintptr, src unsafe.Pointer, bytes uint64) cuResult
	cuMemcpyDtoH             func(dst unsafe.Pointer, src uintptr, bytes uint64) cuResult
	cuMemsetD32              func(dst uintptr, value uint32, count uint64) cuResult
	cuModuleLoadDataEx       func(module *uintptr, image unsafe.Pointer, numOptions uint32, options *int32, values *uintptr) cuResult
	cuModuleGetFunction      func(fn *uintptr, module uintptr, name string) cuResult
	cuLaunchKernel           func(fn uintptr, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes uint32, stream uintptr, params unsafe.Pointer, extra unsafe.Pointer) cuResult
}

// errLibraryNotFound marks a driver library that could not be opened.
var errLibraryNotFound = errors.New("not found")

// openDriver opens the driver library lib and binds every entry point, or says why it cannot.
// It calls no driver function.
func openDriver(lib string) (*driver, error) {
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("%s %w (%v)", lib, errLibraryNotFound, err)
	}
	d := &driver{lib: lib}
	binds := []struct {
		fn   any
		name string
	}{
		{&d.cuInit, "cuInit"},
		{&d.cuDriverGetVersion, "cuDriverGetVersion"},
		{&d.cuGetErrorName, "cuGetErrorName"},
		{&d.cuGetErrorString, "cuGetErrorString"},
		{&d.cuDeviceGetCount, "cuDeviceGetCount"},
		{&d.cuDeviceGet, "cuDeviceGet"},
		{&d.cuDeviceGetName, "cuDeviceGetName"},
		{&d.cuDeviceTotalMem, "cuDeviceTotalMem_v2"},
		{&d.cuDeviceGetAttribute, "cuDeviceGetAttribute"},
		{&d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain"},
		{&d.cuCtxSetCurrent, "cuCtxSetCurrent"},
		{&d.cuCtxSynchronize, "cuCtxSynchronize"},
		{&d.cuMemGetInfo, "cuMemGetInfo_v2"},
		{&d.cuMemAlloc, "cuMemAlloc_v2"},
		{&d.cuMemFree, "cuMemFree_v2"},
		{&d.cuMemcpyHtoD, "cuMemcpyHtoD_v2"},
		{&d.cuMemcpyDtoH, "cuMemcpyDtoH_v2"},
		{&d.cuMemsetD32, "cuMemsetD32_v2"},
		{&d.cuModuleLoadDataEx, "cuModuleLoadDataEx"},
		{&d.cuModuleGetFunction, "cuModuleGetFunction"},
		{&d.cuLaunchKernel, "cuLaunchKernel"},
	}
	for _, b := range binds {
		sym, err := purego.Dlsym(h, b.name)
		if err != nil {
			return nil, fmt.Errorf("%s is not a usable CUDA driver: %s missing: %w", lib, b.name, err)
		}
		purego.RegisterFunc(b.fn, sym)
	}
	return d, nil
}

// driverLibrary is the file openDriver is given: GOTENSOR_LIBCUDA or libcuda.so.1.
func driverLibrary() string {
	if lib := os.Getenv("GOTENSOR_LIBCUDA"); lib != "" {
		return lib
	}
	return "libcuda.so.1"
}

// DriverError is a failed driver call: the call's name, the status and the driver's own name and
// description of it.
type DriverError struct {
	Call   string // driver function, such as "cuMemAlloc_v2"
	Status int    // the CUresult
	Name   string // such as "CUDA_ERROR_OUT_OF_MEMORY"
	Text   string // such as "out of memory"
}

func (e *DriverError) Error() string {
	return fmt.Sprintf("%s: %s (%s, status %d)", e.Call, e.Text, e.Name, e.Status)
}

// Is makes errors.Is(err, ErrOutOfMemory) true for the driver's out-of-memory status.
func (e *DriverError) Is(target error) bool {
	return target == ErrOutOfMemory && cuResult(e.Status) == cudaErrorOutOfMemory
}

// check turns the status of the driver call named call into nil or a *DriverError carrying the
// driver's error name and string. Every driver call goes through it.
func (d *driver) check(call string, status cuResult) error {
	if status == cudaSuccess {
		return nil
	}
	e := &DriverError{Call: call, Status: int(status), Name: "CUDA_ERROR_UNKNOWN", Text: "unknown error"}
	var p *byte
	if d.cuGetErrorName(status, &p) == cudaSuccess {
		e.Name = goString(p)
	}
	if d.cuGetErrorString(status, &p) == cudaSuccess {
		e.Text = goString(p)
	}
	return e
}

// goString copies the NUL-terminated C string at p, which the driver owns (static storage).
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
