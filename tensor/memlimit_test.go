package tensor

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A request no machine can grant must come back as an ErrMemory *Error, not as Go's
// unrecoverable "fatal error: runtime: out of memory": without the check this test does not
// fail, it kills the test binary. Each case asks for 2^46 bytes or more.
func TestAllocTooLargeFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the memory check reads /proc/meminfo and runs on Linux only")
	}
	const n = 1 << 22 // n×n float32 is 2^46 bytes (64 TiB)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Zeros", func() { Zeros(n, n) }, "cannot allocate 70368744177664 bytes (65536.0 GiB) for a float32 tensor of shape [4194304, 4194304]: only "},
		{"broadcast Sub", func() { Ones(n, 1).Sub(Ones(n)) }, "for a float32 tensor of shape [4194304, 4194304]"},
		{"Rand", func() { Rand(n, n) }, "for a float32 tensor of shape [4194304, 4194304]"},
		{"Eye", func() { Eye(n, tensorOpt(Float64)) }, "cannot allocate 140737488355328 bytes (131072.0 GiB) for a float64 tensor"},
		{"Arange", func() { Arange(0.0, float64(n)*n) }, "for a float32 tensor of shape [17592186044416]"},
		{"Contiguous of expanded", func() { New(1.0).Expand(n, n).Contiguous() }, "for a float32 tensor of shape [4194304, 4194304]"},
		{"Float64s of expanded", func() { New(1.0).Expand(n, n).Float64s() }, "for a float64 tensor of shape [4194304, 4194304]"},
		{"ToDType of expanded bool", func() { New(true).Expand(n, n).ToDType(Int64) }, "tensor of shape [4194304, 4194304]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Maybe(tc.f)
			if err == nil || !errors.Is(err, ErrMemory) || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), " of memory available") {
				t.Fatalf("%s = %v, want an ErrMemory error containing %q", tc.name, err, tc.want)
			}
		})
	}
	// A large request that fits passes the check (it is checked, not allocated, here).
	if err := Maybe(func() { checkBytes(allocCheckMin, func() string { return "a test" }) }); err != nil {
		t.Errorf("checkBytes(%d) = %v, want nil", allocCheckMin, err)
	}
}

func tensorOpt(d DType) Option { return d }

// Sizes whose product does not fit in an int fail like PyTorch instead of wrapping around
// (Zeros(1<<32, 1<<32) used to make a tensor of 0 elements).
func TestSizeOverflowFails(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Zeros(1<<32, 1<<32)", func() { Zeros(1<<32, 1<<32) }, "Storage size calculation overflowed with sizes=[4294967296, 4294967296]"},
		{"Zeros(1<<31, 1<<30, 4)", func() { Zeros(1<<31, 1<<30, 4) }, "Storage size calculation overflowed with sizes=[2147483648, 1073741824, 4]"},
		{"bytes of Zeros(1<<61, Float64)", func() { Zeros(1<<61, Float64) }, "Storage size calculation overflowed with sizes=[2305843009213693952]"},
		{"Expand(1<<32, 1<<32)", func() { New(1.0).Expand(1<<32, 1<<32) }, "numel: integer multiplication overflow"},
		{"Arange(1e30)", func() { Arange(1e30) }, "invalid size, possible overflow?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Maybe(tc.f); err == nil || err.Error() != tc.want {
				t.Fatalf("%s = %v, want %q", tc.name, err, tc.want)
			}
		})
	}
	// A zero size makes any other size harmless, as in PyTorch.
	if got := Zeros(1<<40, 0, 1<<40).Numel(); got != 0 {
		t.Errorf("Zeros(1<<40, 0, 1<<40).Numel() = %d, want 0", got)
	}
}

func TestMeminfoField(t *testing.T) {
	mi := []byte("MemTotal:       24684092 kB\nMemFree:        23072000 kB\nMemAvailable:   23928932 kB\nSwapFree:              0 kB\n")
	tests := []struct {
		key  string
		want int64
		ok   bool
	}{
		{"MemAvailable:", 23928932 * 1024, true},
		{"SwapFree:", 0, true},
		{"Hugepagesize:", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			if got, ok := meminfoField(mi, tc.key); got != tc.want || ok != tc.ok {
				t.Errorf("meminfoField(%q) = %d, %v, want %d, %v", tc.key, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// groupRoom reads cgroup files laid out as the kernel lays them out; a directory of real files
// stands in for /sys/fs/cgroup.
func TestGroupRoom(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		v1      bool
		room    int64
		limited bool
	}{
		{"v2 limit", map[string]string{"memory.max": "1073741824\n", "memory.current": "536870912\n", "memory.stat": "anon 1\ninactive_file 134217728\n"}, false, 1<<30 - (1<<29 - 1<<27), true},
		{"v2 max", map[string]string{"memory.max": "max\n", "memory.current": "536870912\n"}, false, 0, false},
		{"v2 over", map[string]string{"memory.max": "100\n", "memory.current": "200\n"}, false, 0, true},
		{"v1 limit", map[string]string{"memory.limit_in_bytes": "2147483648\n", "memory.usage_in_bytes": "1073741824\n", "memory.stat": "cache 5\ntotal_inactive_file 1024\n"}, true, 1<<31 - (1<<30 - 1024), true},
		{"v1 unlimited", map[string]string{"memory.limit_in_bytes": "9223372036854771712\n", "memory.usage_in_bytes": "901300224\n"}, true, 0, false},
		{"no files", nil, false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var room int64
			var limited bool
			if tc.v1 {
				room, limited = groupRoom(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
			} else {
				room, limited = groupRoom(dir, "memory.max", "memory.current", "inactive_file")
			}
			if room != tc.room || limited != tc.limited {
				t.Errorf("groupRoom(%s) = %d, %v, want %d, %v", tc.name, room, limited, tc.room, tc.limited)
			}
		})
	}
	if got, want := ancestors("/sys/fs/cgroup", "/a/b"), []string{"/sys/fs/cgroup/a/b", "/sys/fs/cgroup/a", "/sys/fs/cgroup"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ancestors(/a/b) = %v, want %v", got, want)
	}
}
