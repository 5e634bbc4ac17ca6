package gpu

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The tests in this file run the tensor kernels' LLVM IR on the host with LLVM's interpreter
// (lli), where it is installed: ptx/tensor.ll is rewritten for the host (no address spaces, one
// thread: tid 0 of a 1-thread grid, so each grid-stride loop walks everything, and the PTX
// ex2/lg2 approximations replaced by llvm.exp2/llvm.log2), a generated main calls one kernel on
// arrays with the very arguments the Go side packs (planMap's), and prints the output. This
// checks the index arithmetic, every op, cast and reduction against Go on a machine without a
// GPU. It cannot check what only a device shows: the NVPTX backend's code, the JIT, many
// threads, the approximate exp/log.

// hostIR is ptx/tensor.ll rewritten to run under lli.
func hostIR(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("ptx/tensor.ll")
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(
		`target datalayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64"`, "",
		`target triple = "nvptx64-nvidia-cuda"`, "",
		" addrspace(1)", "",
		"declare i32 @llvm.nvvm.read.ptx.sreg.tid.x()", "define i32 @host_tid() {\n  ret i32 0\n}",
		"declare i32 @llvm.nvvm.read.ptx.sreg.ntid.x()", "define i32 @host_ntid() {\n  ret i32 1\n}",
		"declare i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()", "define i32 @host_ctaid() {\n  ret i32 0\n}",
		"declare i32 @llvm.nvvm.read.ptx.sreg.nctaid.x()", "define i32 @host_nctaid() {\n  ret i32 1\n}",
		"declare float @llvm.nvvm.ex2.approx.f(float)", "declare float @llvm.exp2.f32(float)",
		"declare float @llvm.nvvm.lg2.approx.f(float)", "declare float @llvm.log2.f32(float)",
		"@llvm.nvvm.read.ptx.sreg.tid.x", "@host_tid",
		"@llvm.nvvm.read.ptx.sreg.ntid.x", "@host_ntid",
		"@llvm.nvvm.read.ptx.sreg.ctaid.x", "@host_ctaid",
		"@llvm.nvvm.read.ptx.sreg.nctaid.x", "@host_nctaid",
		"@llvm.nvvm.ex2.approx.f", "@llvm.exp2.f32",
		"@llvm.nvvm.lg2.approx.f", "@llvm.log2.f32",
	)
	return r.Replace(string(src))
}

// hostArray is a kernel's array argument: its element type and values.
type hostArray struct {
	dt   DType
	vals []float64
}

var llTypes = map[DType]string{F32: "float", F64: "double", I64: "i64", I32: "i32", Bool: "i8"}

func llConst(dt DType, v float64) string {
	switch dt {
	case F32:
		return fmt.Sprintf("0x%016X", math.Float64bits(float64(float32(v))))
	case F64:
		return fmt.Sprintf("0x%016X", math.Float64bits(v))
	}
	return strconv.FormatInt(int64(v), 10)
}

// lliCall runs kernel(args...) under lli, where each argument is a *hostArray (passed as a
// pointer to its elements) or an int64, int32 or float64, and returns the final contents of
// arrays[outIndex].
func lliCall(t *testing.T, lli, ir, kernel string, args []any, out *hostArray) []float64 {
	t.Helper()
	var b strings.Builder
	b.WriteString(ir)
	b.WriteString("\ndeclare i32 @printf(i8*, ...)\n")
	b.WriteString("@fmtf = private constant [4 x i8] c\"%a\\0A\\00\"\n@fmti = private constant [6 x i8] c\"%lld\\0A\\00\"\n")
	var params []string
	outName := ""
	for i, a := range args {
		switch v := a.(type) {
		case *hostArray:
			T := llTypes[v.dt]
			var elems []string
			for _, x := range v.vals {
				elems = append(elems, T+" "+llConst(v.dt, x))
			}
			name := fmt.Sprintf("@arr%d", i)
			fmt.Fprintf(&b, "%s = global [%d x %s] [%s]\n", name, len(v.vals), T, strings.Join(elems, ", "))
			params = append(params, fmt.Sprintf("%s* getelementptr ([%d x %s], [%d x %s]* %s, i64 0, i64 0)", T, len(v.vals), T, len(v.vals), T, name))
			if v == out {
				outName = name
			}
		case int64:
			params = append(params, fmt.Sprintf("i64 %d", v))
		case int32:
			params = append(params, fmt.Sprintf("i32 %d", v))
		case float64:
			params = append(params, "double "+llConst(F64, v))
		default:
			t.Fatalf("lliCall: argument %d has type %T", i, a)
		}
	}
	if outName == "" {
		t.Fatal("lliCall: out is not among the arguments")
	}
	b.WriteString("define i32 @main() {\n")
	fmt.Fprintf(&b, "  call void @%s(%s)\n", kernel, strings.Join(params, ", "))
	T, n := llTypes[out.dt], len(out.vals)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  %%p%d = getelementptr [%d x %s], [%d x %s]* %s, i64 0, i64 %d\n", i, n, T, n, T, outName, i)
		fmt.Fprintf(&b, "  %%v%d = load %s, %s* %%p%d\n", i, T, T, i)
		switch out.dt {
		case F32:
			fmt.Fprintf(&b, "  %%w%d = fpext float %%v%d to double\n", i, i)
		case F64:
			fmt.Fprintf(&b, "  %%w%d = fadd double %%v%d, -0.0\n", i, i)
		case I64:
			fmt.Fprintf(&b, "  %%w%d = add i64 %%v%d, 0\n", i, i)
		default:
			ext := "sext"
			if out.dt == Bool {
				ext = "zext"
			}
			fmt.Fprintf(&b, "  %%w%d = %s %s %%v%d to i64\n", i, ext, T, i)
		}
		fmtName, argT := "@fmti", "i64"
		if out.dt == F32 || out.dt == F64 {
			fmtName, argT = "@fmtf", "double"
		}
		size := map[string]int{"@fmti": 6, "@fmtf": 4}[fmtName]
		fmt.Fprintf(&b, "  call i32 (i8*, ...) @printf(i8* getelementptr ([%d x i8], [%d x i8]* %s, i64 0, i64 0), %s %%w%d)\n", size, size, fmtName, argT, i)
	}
	b.WriteString("  ret i32 0\n}\n")
	path := filepath.Join(t.TempDir(), "main.ll")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	outText, err := exec.Command(lli, path).CombinedOutput()
	if err != nil {
		t.Fatalf("lli %s: %v\n%s", kernel, err, outText)
	}
	fields := strings.Fields(string(outText))
	if len(fields) != n {
		t.Fatalf("lli %s printed %d values, want %d:\n%s", kernel, len(fields), n, outText)
	}
	got := make([]float64, n)
	for i, f := range fields {
		if out.dt == F32 || out.dt == F64 {
			if strings.Contains(f, "nan") {
				got[i] = math.NaN()
				continue
			}
			got[i], err = strconv.ParseFloat(f, 64)
		} else {
			var v int64
			v, err = strconv.ParseInt(f, 10, 64)
			got[i] = float64(v)
		}
		if err != nil {
			t.Fatalf("lli %s printed %q: %v", kernel, f, err)
		}
	}
	return got
}

func findLLI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the kernels are not interpreted on the host")
	}
	for _, p := range []string{"lli", "lli-14", "/usr/lib/llvm-14/bin/lli"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("lli (LLVM's interpreter) not installed; the tensor kernels' IR is not run on the host")
	return ""
}

// mapOnHost plans a map kernel like launchMap and runs it under lli over arrays out, a, b.
func mapOnHost(t *testing.T, lli, ir, kernel string, op int32, alpha, beta float64, shape []int, arrays [3]*hostArray, strides [3][]int64, offsets [3]int64) []float64 {
	t.Helper()
	buf := fakeBuffers(t)
	var ops []Operand
	var dts []DType
	for i, a := range arrays {
		ops = append(ops, Operand{Buf: buf(0, int64(len(a.vals))*a.dt.Size()), Offset: offsets[i], Strides: strides[i]})
		dts = append(dts, a.dt)
	}
	p, err := planMap(shape, ops, dts)
	if err != nil {
		t.Fatalf("planMap: %v", err)
	}
	args := p.args([3]*Buffer{ops[0].Buf, ops[1].Buf, ops[2].Buf}, op, alpha, beta)
	for i := range 3 {
		args[i] = arrays[i]
	}
	return lliCall(t, lli, ir, kernel, args, arrays[0])
}

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return got == want || math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// The map kernels' host tests share one layout: a is a 4×3 buffer read transposed as 3×4 from
// offset 0; b a row of 4 at offset 1, broadcast over 3 rows; out contiguous 3×4.
var (
	hostA = []float64{-2, 1, 0.5, -1, 2, 4, 0, 3, 9, 1, -0.25, math.NaN()}
	hostB = []float64{99, 1, -2, 0.5, 3}
)

func aAt(i, j int) float64  { return hostA[j*3+i] }
func bAt(j int) float64     { return hostB[1+j] }
func f32(v float64) float64 { return float64(float32(v)) }

// hostRunner returns a function running a map kernel over the shared layout under lli.
func hostRunner(t *testing.T) func(kernel string, outDT, inDT DType, op int32, alpha, beta float64) []float64 {
	lli := findLLI(t)
	ir := hostIR(t)
	return func(kernel string, outDT, inDT DType, op int32, alpha, beta float64) []float64 {
		out := &hostArray{outDT, make([]float64, 12)}
		return mapOnHost(t, lli, ir, kernel, op, alpha, beta, []int{3, 4},
			[3]*hostArray{out, {inDT, hostA}, {inDT, hostB}}, [3][]int64{{4, 1}, {1, 3}, {0, 1}}, [3]int64{0, 0, 1})
	}
}

// TestTensorBinaryOnHost checks every binary op, float32 and float64.
func TestTensorBinaryOnHost(t *testing.T) {
	run := hostRunner(t)
	nanMax := func(x, y float64) float64 {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.NaN()
		}
		return math.Max(x, y)
	}
	binary := []struct {
		op BinaryOp
		f  func(x, y float64) float64
	}{
		{Add, func(x, y float64) float64 { return x + y }}, {Sub, func(x, y float64) float64 { return x - y }},
		{Mul, func(x, y float64) float64 { return x * y }}, {Div, func(x, y float64) float64 { return x / y }},
		{Maximum, nanMax}, {Minimum, func(x, y float64) float64 {
			if math.IsNaN(x) || math.IsNaN(y) {
				return math.NaN()
			}
			return math.Min(x, y)
		}},
		{Axpy, func(x, y float64) float64 { return x + 0.5*y }},
	}
	for _, dt := range []DType{F32, F64} {
		for _, c := range binary {
			t.Run(fmt.Sprintf("binary %d %v", c.op, dt), func(t *testing.T) {
				got := run("map_binary_"+dt.String(), dt, dt, int32(c.op), 0.5, 0)
				for k, g := range got {
					i, j := k/4, k%4
					if want := c.f(aAt(i, j), bAt(j)); !near(g, want, 1e-6) {
						t.Errorf("map_binary_%v op %d at (%d,%d) = %g, want %g", dt, c.op, i, j, g, want)
					}
				}
			})
		}
	}
}

// TestTensorCompareOnHost checks every comparison, NaN included.
func TestTensorCompareOnHost(t *testing.T) {
	run := hostRunner(t)
	cmps := []func(x, y float64) bool{
		func(x, y float64) bool { return x == y }, func(x, y float64) bool { return x != y },
		func(x, y float64) bool { return x < y }, func(x, y float64) bool { return x <= y },
		func(x, y float64) bool { return x > y }, func(x, y float64) bool { return x >= y },
	}
	for op, f := range cmps {
		t.Run(fmt.Sprintf("compare %d", op), func(t *testing.T) {
			got := run("map_compare_f32", Bool, F32, int32(op), 0, 0)
			for k, g := range got {
				i, j := k/4, k%4
				want := 0.0
				if f(f32(aAt(i, j)), f32(bAt(j))) {
					want = 1
				}
				if g != want {
					t.Errorf("map_compare_f32 op %d at (%d,%d) = %g, want %g", op, i, j, g, want)
				}
			}
		})
	}
}

// TestTensorUnaryOnHost checks every float32 unary op.
func TestTensorUnaryOnHost(t *testing.T) {
	run := hostRunner(t)
	unary := []struct {
		op  UnaryOp
		f   func(x float64) float64
		tol float64
	}{
		{Copy, func(x float64) float64 { return x }, 0}, {Neg, func(x float64) float64 { return -x }, 0},
		{Abs, math.Abs, 0}, {ReLU, func(x float64) float64 {
			if x < 0 {
				return 0
			}
			return x
		}, 0},
		{Sign, func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		}, 0},
		{Clamp, func(x float64) float64 {
			if x < -1 {
				return -1
			}
			if x > 2 {
				return 2
			}
			return x
		}, 0},
		{Fill, func(float64) float64 { return -1 }, 0},
		{Sqrt, math.Sqrt, 1e-7}, {Exp, math.Exp, 1e-6}, {Log, math.Log, 1e-6}, {Tanh, math.Tanh, 1e-6},
		{Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 1e-6},
	}
	for _, c := range unary {
		t.Run("unary "+c.op.String(), func(t *testing.T) {
			got := run("map_unary_f32", F32, F32, int32(c.op), -1, 2)
			for k, g := range got {
				i, j := k/4, k%4
				x := aAt(i, j)
				want := f32(c.f(x))
				if c.op == Sign && math.IsNaN(x) {
					want = 0 // neither > 0 nor < 0, as the CPU kernel
				}
				if !near(g, want, c.tol) {
					t.Errorf("map_unary_f32 %v(%g) = %g, want %g", c.op, x, g, want)
				}
			}
		})
	}
}

// TestTensorCastsOnHost converts a few values between every pair of dtypes.
func TestTensorCastsOnHost(t *testing.T) {
	lli := findLLI(t)
	ir := hostIR(t)
	values := map[DType][]float64{F32: {-2.5, 0, 1, 3.75}, F64: {-2.5, 0, 1, 3.75}, I64: {-3, 0, 1, 7}, I32: {-3, 0, 1, 7}, Bool: {0, 1, 1, 0}}
	for from := F32; from <= Bool; from++ {
		for to := F32; to <= Bool; to++ {
			if from == to {
				continue
			}
			name := "map_cast_" + from.String() + "_" + to.String()
			t.Run(name, func(t *testing.T) {
				in := &hostArray{from, values[from]}
				out := &hostArray{to, make([]float64, 4)}
				st := []int64{1}
				got := mapOnHost(t, lli, ir, name, 0, 0, 0, []int{4}, [3]*hostArray{out, in, in}, [3][]int64{st, st, st}, [3]int64{})
				for i, v := range in.vals {
					want := v
					switch {
					case to == Bool && v != 0:
						want = 1
					case to == I64 || to == I32:
						want = math.Trunc(v)
					}
					if got[i] != want {
						t.Errorf("%s(%g) = %g, want %g", name, v, got[i], want)
					}
				}
			})
		}
	}
}

// TestTensorSixDimsOnHost walks a 6-dim permuted view that cannot merge, against Go's walk.
func TestTensorSixDimsOnHost(t *testing.T) {
	lli := findLLI(t)
	ir := hostIR(t)
	shape := []int{2, 3, 2, 2, 3, 2}
	// A contiguous buffer of shape (3, 2, 2, 2, 2, 3) read with the axes permuted.
	src := []int{3, 2, 2, 2, 2, 3}
	srcStrides := make([]int64, 6)
	s := int64(1)
	for d := 5; d >= 0; d-- {
		srcStrides[d] = s
		s *= int64(src[d])
	}
	perm := []int{1, 0, 2, 4, 5, 3} // view dim d is buffer dim perm[d]
	view := make([]int64, 6)
	for d, p := range perm {
		view[d] = srcStrides[p]
		if shape[d] != src[p] {
			t.Fatalf("bad permutation")
		}
	}
	n := int(s)
	a := make([]float64, n)
	for i := range a {
		a[i] = float64(i)
	}
	outStrides := []int64{72, 24, 12, 6, 2, 1}
	out := &hostArray{I64, make([]float64, n)}
	got := mapOnHost(t, lli, ir, "map_unary_i64", int32(Copy), 0, 0, shape,
		[3]*hostArray{out, {I64, a}, {I64, a}}, [3][]int64{outStrides, view, view}, [3]int64{})
	idx := make([]int64, 6)
	for k := range n {
		rem := k
		for d := 5; d >= 0; d-- {
			idx[d] = int64(rem % shape[d])
			rem /= shape[d]
		}
		var off int64
		for d := range 6 {
			off += idx[d] * view[d]
		}
		if got[k] != a[off] {
			t.Fatalf("6-dim copy at %v = %g, want %g", idx, got[k], a[off])
		}
	}
}

// TestTensorReductionsOnHost checks row sums, extremes and arg-extremes, NaN rows included.
func TestTensorReductionsOnHost(t *testing.T) {
	lli := findLLI(t)
	ir := hostIR(t)
	nan := math.NaN()
	rows := [][]float64{{1, 5, 5, -2}, {nan, 3, 9, 1}, {4, nan, -7, nan}, {0.5, 0.25, 0.125, 2}}
	var flat []float64
	flat = append(flat, 42) // an offset of 1
	for _, r := range rows {
		flat = append(flat, r...)
	}
	for _, c := range []struct {
		name string
		op   int32
		arg  bool
		want []float64
	}{
		{"sum", 0, false, []float64{9, nan, nan, 2.875}},
		{"max", 1, false, []float64{5, nan, nan, 2}},
		{"min", 2, false, []float64{-2, nan, nan, 0.125}},
		{"argmax", 0, true, []float64{1, 0, 1, 3}},
		{"argmin", 1, true, []float64{3, 0, 1, 2}},
	} {
		for _, dt := range []DType{F32, F64} {
			t.Run(c.name+" "+dt.String(), func(t *testing.T) {
				kernel, out := "reduce_"+dt.String(), &hostArray{dt, make([]float64, 4)}
				if c.arg {
					kernel, out = "argreduce_"+dt.String(), &hostArray{I64, make([]float64, 4)}
				}
				got := lliCall(t, lli, ir, kernel, []any{out, &hostArray{dt, flat}, int64(1), int64(4), int64(4), c.op}, out)
				for r := range got {
					if !near(got[r], c.want[r], 0) {
						t.Errorf("%s row %d = %g, want %g", kernel, r, got[r], c.want[r])
					}
				}
			})
		}
	}
	t.Run("sum i64 and empty rows", func(t *testing.T) {
		out := &hostArray{I64, make([]float64, 2)}
		got := lliCall(t, lli, ir, "reduce_i64", []any{out, &hostArray{I64, []float64{1, 2, 3, 4, 5, 6}}, int64(0), int64(2), int64(3), int32(0)}, out)
		if got[0] != 6 || got[1] != 15 {
			t.Errorf("reduce_i64 sum = %v, want [6 15]", got)
		}
		got = lliCall(t, lli, ir, "reduce_i64", []any{out, &hostArray{I64, []float64{1}}, int64(0), int64(2), int64(0), int32(0)}, out)
		if got[0] != 0 || got[1] != 0 {
			t.Errorf("reduce_i64 sum of empty rows = %v, want [0 0]", got)
		}
	})
}
