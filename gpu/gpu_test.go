package gpu

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnavailableHost runs where CUDA is not usable (every CPU-only host, and CI) and checks
// that the whole public surface says so instead of crashing.
func TestUnavailableHost(t *testing.T) {
	if Available() {
		t.Skipf("CUDA is available here (%v); the unavailable path is covered by TestInitializeFailures", Devices())
	}
	if got := Default(); got != "cpu" {
		t.Errorf("Default() = %q, want %q", got, "cpu")
	}
	if got := Devices(); len(got) != 0 {
		t.Errorf("Devices() = %v, want none", got)
	}
	err := Err()
	if err == nil || !errors.Is(err, ErrUnavailable) || !strings.HasPrefix(err.Error(), "CUDA is not available: ") {
		t.Fatalf("Err() = %v, want an error wrapping ErrUnavailable starting %q", err, "CUDA is not available: ")
	}
	t.Logf("Err() = %v", err)
	if os.Getenv("GOTENSOR_CUDA") == "" && os.Getenv("GOTENSOR_LIBCUDA") == "" && !strings.Contains(err.Error(), "libcuda.so.1") {
		t.Errorf("Err() = %v, want it to name libcuda.so.1", err)
	}
	calls := map[string]func() error{
		"Alloc":       func() error { _, err := Alloc(0, 16); return err },
		"MemInfo":     func() error { _, _, err := MemInfo(0); return err },
		"MemoryStats": func() error { _, _, err := MemoryStats(0); return err },
		"EmptyCache":  func() error { return EmptyCache(0) },
		"Synchronize": func() error { return Synchronize(0) },
		"LoadModule":  func() error { _, err := LoadModule(0, kernelsPTX); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s() = %v, want an error wrapping ErrUnavailable", name, err)
			}
		})
	}
	if got := DriverVersion(); got != "" {
		t.Errorf("DriverVersion() = %q, want \"\"", got)
	}
}

// TestInitializeFailures drives initialization into each way it can fail, on any host.
func TestInitializeFailures(t *testing.T) {
	tests := []struct {
		name, disabled, lib string
		want                []string
	}{
		{"disabled", "off", "libcuda.so.1", []string{"CUDA is not available: disabled by GOTENSOR_CUDA=off"}},
		{"disabled cpu", "CPU", "libcuda.so.1", []string{"CUDA is not available: disabled by GOTENSOR_CUDA=CPU"}},
		{"missing library", "", "libgotensor-no-such-driver.so.1", []string{"CUDA is not available: libgotensor-no-such-driver.so.1 not found"}},
		{"not a driver", "", "libc.so.6", []string{"CUDA is not available: libc.so.6 is not a usable CUDA driver: cuInit missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s state
			s.initialize(tt.disabled, tt.lib)
			if s.err == nil {
				t.Fatalf("initialize(%q, %q) succeeded, want an error", tt.disabled, tt.lib)
			}
			if !errors.Is(s.err, ErrUnavailable) {
				t.Errorf("initialize(%q, %q) error %v does not wrap ErrUnavailable", tt.disabled, tt.lib, s.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(s.err.Error(), w) {
					t.Errorf("initialize(%q, %q) error = %q, want it to contain %q", tt.disabled, tt.lib, s.err, w)
				}
			}
			if len(s.devices) != 0 || s.w != nil {
				t.Errorf("initialize(%q, %q) left devices %v, worker %v", tt.disabled, tt.lib, s.devices, s.w)
			}
			if err := s.onDevice(0, func(*driver) error { return nil }); !errors.Is(err, ErrUnavailable) {
				t.Errorf("onDevice after failed initialize = %v, want ErrUnavailable", err)
			}
		})
	}
}

func TestPackArgs(t *testing.T) {
	a := newAllocator(&fakeMemory{capacity: 1 << 20})
	buf, err := a.buffer(0, 64)
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.buffer(1, 64)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := a.buffer(0, 64)
	if err != nil {
		t.Fatal(err)
	}
	gone.Release()

	slots, err := packArgs(0, []any{buf, int32(-1), uint32(7), int64(-2), uint64(9), float32(1.5), float64(-0.25)})
	if err != nil {
		t.Fatalf("packArgs(valid) = %v", err)
	}
	want := []uint64{uint64(buf.blk.ptr), 0xffffffff, 7, math.MaxUint64 - 1, 9, uint64(math.Float32bits(1.5)), math.Float64bits(-0.25)}
	for i := range want {
		if slots[i] != want[i] {
			t.Errorf("packArgs slot %d = %#x, want %#x", i, slots[i], want[i])
		}
	}
	bad := []struct {
		name string
		arg  any
		want string
	}{
		{"plain int", 3, "unsupported type int"},
		{"nil buffer", (*Buffer)(nil), "nil buffer"},
		{"other device", other, "buffer on cuda:1, kernel on cuda:0"},
		{"released", gone, "released buffer"},
		{"slice", []float32{1}, "unsupported type []float32"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := packArgs(0, []any{tt.arg}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("packArgs(%v) = %v, want an error containing %q", tt.arg, err, tt.want)
			}
		})
	}
}

// TestEmbeddedPTX checks that the embedded PTX holds every kernel the package launches and,
// where LLVM's llc is installed, that it is what ptx/kernels.ll generates today.
func TestEmbeddedPTX(t *testing.T) {
	for _, k := range []string{"add_f32", "mul_f32", "sum_f32"} {
		if !strings.Contains(kernelsPTX, ".entry "+k+"(") {
			t.Errorf("kernels.ptx lacks .entry %s", k)
		}
	}
	llc, err := exec.LookPath("llc")
	if err != nil {
		t.Skip("llc not installed; cannot check that ptx/kernels.ptx is up to date")
	}
	// Other LLVM versions print different (equally valid) PTX.
	if v, err := exec.Command(llc, "--version").Output(); err != nil || !strings.Contains(string(v), "LLVM version "+generatedByLLVM+".") {
		t.Skipf("llc is not LLVM %s, which generated ptx/kernels.ptx: %s", generatedByLLVM, firstLine(v))
	}
	out := filepath.Join(t.TempDir(), "kernels.ptx")
	cmd := exec.Command(llc, "-O3", "-march=nvptx64", "-mcpu=sm_50", "ptx/kernels.ll", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("llc cannot build NVPTX here: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte(kernelsPTX)) {
		t.Errorf("ptx/kernels.ptx is stale: run go generate ./gpu")
	}
}

// generatedByLLVM is the major version of the llc that wrote ptx/kernels.ptx.
const generatedByLLVM = "14"

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func TestDriverErrorIsOutOfMemory(t *testing.T) {
	oom := &DriverError{Call: "cuMemAlloc_v2", Status: 2, Name: "CUDA_ERROR_OUT_OF_MEMORY", Text: "out of memory"}
	if !errors.Is(oom, ErrOutOfMemory) {
		t.Errorf("errors.Is(%v, ErrOutOfMemory) = false, want true", oom)
	}
	if got, want := oom.Error(), "cuMemAlloc_v2: out of memory (CUDA_ERROR_OUT_OF_MEMORY, status 2)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	other := &DriverError{Call: "cuInit", Status: 100}
	if errors.Is(other, ErrOutOfMemory) {
		t.Errorf("errors.Is(%v, ErrOutOfMemory) = true, want false", other)
	}
}
