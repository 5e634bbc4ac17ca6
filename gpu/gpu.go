package gpu

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
)

// ErrUnavailable is wrapped by every error that comes from CUDA being unusable on this host.
var ErrUnavailable = errors.New("CUDA is not available")

// ErrOutOfMemory is wrapped by allocation errors the device could not satisfy.
var ErrOutOfMemory = errors.New("CUDA out of memory")

// Device describes one CUDA device.
type Device struct {
	Ordinal         int    // the n in "cuda:n"
	Name            string // such as "NVIDIA H100 80GB HBM3"
	Memory          int64  // total memory in bytes
	Major, Minor    int    // compute capability, such as 9 and 0
	Multiprocessors int    // streaming multiprocessors
}

// String describes d on one line, such as
// "cuda:0 NVIDIA H100 80GB HBM3 (79.1 GiB, compute capability 9.0, 132 multiprocessors)".
func (d Device) String() string {
	return fmt.Sprintf("cuda:%d %s (%.1f GiB, compute capability %d.%d, %d multiprocessors)",
		d.Ordinal, d.Name, float64(d.Memory)/(1<<30), d.Major, d.Minor, d.Multiprocessors)
}

// Available reports whether the CUDA driver loaded and found at least one device.
func Available() bool { return get().err == nil }

// Default returns "cuda" when a GPU is usable and "cpu" otherwise, for
// `device := gpu.Default()`.
func Default() string {
	if Available() {
		return "cuda"
	}
	return "cpu"
}

// Devices lists the CUDA devices; it is empty when CUDA is not available.
func Devices() []Device { return append([]Device(nil), get().devices...) }

// Err says why CUDA is not available, such as
// "CUDA is not available: libcuda.so.1 not found (...)", or returns nil when it is.
// The error wraps ErrUnavailable.
func Err() error { return get().err }

// DriverVersion returns the CUDA version the driver supports, such as "13.0", or "" when no
// driver loaded.
func DriverVersion() string {
	v := get().version
	if v == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", v/1000, v%1000/10)
}

// state is the package's one view of the driver, set up once by initialize.
type state struct {
	err     error
	drv     *driver
	version int
	devices []Device
	w       *worker

	// Touched only on the worker's thread.
	contexts []uintptr // primary context per device, 0 until first use
	current  int       // ordinal whose context is current on the worker's thread, or -1

	allocs []*allocator // per device
	mods   modules
}

var (
	initOnce sync.Once
	st       state
)

func get() *state {
	initOnce.Do(func() { st.initialize(os.Getenv("GOTENSOR_CUDA"), driverLibrary()) })
	return &st
}

// initialize loads and starts the driver library lib unless disabled says CUDA is off; failures
// are kept in s.err.
func (s *state) initialize(disabled, lib string) {
	switch strings.ToLower(strings.TrimSpace(disabled)) {
	case "off", "0", "false", "no", "cpu":
		s.err = fmt.Errorf("%w: disabled by GOTENSOR_CUDA=%s", ErrUnavailable, disabled)
		return
	}
	s.current = -1
	s.w = newWorker()
	err := s.w.do(func() error {
		d, err := openDriver(lib)
		if err != nil {
			return err
		}
		if err := d.check("cuInit", d.cuInit(0)); err != nil {
			return err
		}
		s.drv = d
		var v int32
		if err := d.check("cuDriverGetVersion", d.cuDriverGetVersion(&v)); err != nil {
			return err
		}
		s.version = int(v)
		devs, err := d.listDevices()
		if err != nil {
			return err
		}
		if len(devs) == 0 {
			return fmt.Errorf("the driver (%s, CUDA %d.%d) found no device", lib, v/1000, v%1000/10)
		}
		s.devices = devs
		return nil
	})
	if err != nil {
		s.err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		s.devices = nil
		close(s.w.calls) // nothing will run on the driver's thread; let it end
		s.w = nil
		return
	}
	s.contexts = make([]uintptr, len(s.devices))
	for range s.devices {
		s.allocs = append(s.allocs, newAllocator(driverMemory{s, len(s.allocs)}))
	}
}

// listDevices queries every device's name, memory and compute capability.
func (d *driver) listDevices() ([]Device, error) {
	var n int32
	if err := d.check("cuDeviceGetCount", d.cuDeviceGetCount(&n)); err != nil {
		return nil, err
	}
	var devs []Device
	for i := int32(0); i < n; i++ {
		var dev int32
		if err := d.check("cuDeviceGet", d.cuDeviceGet(&dev, i)); err != nil {
			return nil, err
		}
		name := make([]byte, 256)
		if err := d.check("cuDeviceGetName", d.cuDeviceGetName(&name[0], int32(len(name)), dev)); err != nil {
			return nil, err
		}
		var mem uint64
		if err := d.check("cuDeviceTotalMem_v2", d.cuDeviceTotalMem(&mem, dev)); err != nil {
			return nil, err
		}
		var attrs [3]int32
		for j, a := range []int32{attrComputeCapMajor, attrComputeCapMinor, attrMultiprocessorCount} {
			if err := d.check("cuDeviceGetAttribute", d.cuDeviceGetAttribute(&attrs[j], a, dev)); err != nil {
				return nil, err
			}
		}
		devs = append(devs, Device{
			Ordinal: int(i), Name: goString(&name[0]), Memory: int64(mem),
			Major: int(attrs[0]), Minor: int(attrs[1]), Multiprocessors: int(attrs[2]),
		})
	}
	return devs, nil
}

// onDevice runs f on the driver's thread with device ordinal's primary context current.
func (s *state) onDevice(ordinal int, f func(d *driver) error) error {
	if s.err != nil {
		return s.err
	}
	if ordinal < 0 || ordinal >= len(s.devices) {
		return fmt.Errorf("no CUDA device cuda:%d (this host has %d)", ordinal, len(s.devices))
	}
	return s.w.do(func() error {
		d := s.drv
		if s.contexts[ordinal] == 0 {
			var ctx uintptr
			if err := d.check("cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain(&ctx, int32(ordinal))); err != nil {
				return fmt.Errorf("cuda:%d: %w", ordinal, err)
			}
			s.contexts[ordinal] = ctx
		}
		if s.current != ordinal {
			if err := d.check("cuCtxSetCurrent", d.cuCtxSetCurrent(s.contexts[ordinal])); err != nil {
				return fmt.Errorf("cuda:%d: %w", ordinal, err)
			}
			s.current = ordinal
		}
		return f(d)
	})
}

// Synchronize waits until device ordinal has finished all work launched so far and reports an
// error a kernel raised meanwhile.
func Synchronize(ordinal int) error {
	return get().onDevice(ordinal, func(d *driver) error {
		return d.check("cuCtxSynchronize", d.cuCtxSynchronize())
	})
}

// MemInfo returns the free and total memory of device ordinal, as the driver sees them.
func MemInfo(ordinal int) (free, total int64, err error) {
	err = get().onDevice(ordinal, func(d *driver) error {
		var f, t uint64
		if err := d.check("cuMemGetInfo_v2", d.cuMemGetInfo(&f, &t)); err != nil {
			return err
		}
		free, total = int64(f), int64(t)
		return nil
	})
	return free, total, err
}
