package gpu

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// ptxasPath finds NVIDIA's PTX assembler: $GOTENSOR_PTXAS, then PATH, then the copy that
// scripts/deps unpacks from Debian's non-free nvidia-cuda-toolkit into .cache/ptxas.
func ptxasPath() string {
	if p := os.Getenv("GOTENSOR_PTXAS"); p != "" {
		return p
	}
	if p, err := exec.LookPath("ptxas"); err == nil {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("..", ".cache", "ptxas", "usr", "bin", "ptxas")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

var (
	ptxasEntry = regexp.MustCompile(`Compiling entry function '(\w+)' for '(sm_\d+)'`)
	ptxasRegs  = regexp.MustCompile(`Used (\d+) registers`)
	ptxasSpill = regexp.MustCompile(`(\d+) bytes spill stores, (\d+) bytes spill loads`)
)

// TestPTXAssembles runs ptxas, the assembler that the driver's JIT shares its back end with, on
// both embedded modules for the oldest target they declare (sm_50) and for the GPUs gotensor is
// run on (A100 sm_80, H100/H200 sm_90): the PTX must assemble without warnings, every kernel must
// fit a block of elementwiseBlock threads in the 64K registers of a multiprocessor, and none may
// spill. It needs no GPU; it skips where ptxas is absent.
func TestPTXAssembles(t *testing.T) {
	ptxas := ptxasPath()
	if ptxas == "" {
		t.Skip("ptxas not found (set GOTENSOR_PTXAS, or run scripts/deps test to unpack it into .cache/ptxas)")
	}
	modules := map[string]string{"kernels.ptx": kernelsPTX, "tensor.ptx": tensorPTX}
	for name, src := range modules {
		entries := len(regexp.MustCompile(`(?m)^\.visible \.entry `).FindAllString(src, -1))
		for _, arch := range []string{"sm_50", "sm_80", "sm_90"} {
			t.Run(name+"/"+arch, func(t *testing.T) {
				in := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(ptxas, "-v", "--warning-as-error", "-arch="+arch, "-o", in+".cubin", in)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("ptxas -arch=%s %s: %v\n%s", arch, name, err, out)
				}
				checkPTXASReport(t, string(out), entries)
			})
		}
	}
}

// checkPTXASReport checks ptxas -v's per-kernel report: entries kernels, each within the
// register budget of a full block and without spills.
func checkPTXASReport(t *testing.T, report string, entries int) {
	t.Helper()
	seen := 0
	var kernel string
	for _, line := range strings.Split(report, "\n") {
		if m := ptxasEntry.FindStringSubmatch(line); m != nil {
			kernel = m[1]
			seen++
		}
		if m := ptxasRegs.FindStringSubmatch(line); m != nil {
			regs, _ := strconv.Atoi(m[1])
			if regs*elementwiseBlock > 65536 {
				t.Errorf("%s uses %d registers a thread: a block of %d threads needs %d, over the 65536 of a multiprocessor", kernel, regs, elementwiseBlock, regs*elementwiseBlock)
			}
		}
		if m := ptxasSpill.FindStringSubmatch(line); m != nil && (m[1] != "0" || m[2] != "0") {
			t.Errorf("%s spills registers to local memory: %s", kernel, strings.TrimSpace(line))
		}
	}
	if seen != entries {
		t.Errorf("ptxas compiled %d entry functions, the module declares %d", seen, entries)
	}
}
