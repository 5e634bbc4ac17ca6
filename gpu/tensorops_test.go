package gpu

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeBuffers returns a function making buffers of n elements of size bytes on a stand-in
// device: enough for planning and argument packing, which call no driver.
func fakeBuffers(t *testing.T) func(ordinal int, bytes int64) *Buffer {
	a := newAllocator(&fakeMemory{capacity: 1 << 30})
	return func(ordinal int, bytes int64) *Buffer {
		b, err := a.buffer(ordinal, bytes)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func TestPlanMap(t *testing.T) {
	buf := fakeBuffers(t)
	x, y, z := buf(0, 4*24), buf(0, 4*24), buf(0, 4*24)
	op := func(b *Buffer, off int64, st ...int64) Operand { return Operand{Buf: b, Offset: off, Strides: st} }
	tests := []struct {
		name    string
		shape   []int
		ops     []Operand
		n       int64
		shape6  [MaxDims]int64
		strides [][MaxDims]int64
	}{
		{"contiguous 2-D merges to 1-D", []int{4, 6}, []Operand{op(x, 0, 6, 1), op(y, 0, 6, 1), op(z, 0, 6, 1)},
			24, [MaxDims]int64{1, 1, 1, 1, 1, 24}, [][MaxDims]int64{{5: 1}, {5: 1}, {5: 1}}},
		{"row broadcast (bias) stays 2-D", []int{4, 6}, []Operand{op(x, 0, 6, 1), op(y, 0, 6, 1), op(z, 2, 0, 1)},
			24, [MaxDims]int64{1, 1, 1, 1, 4, 6}, [][MaxDims]int64{{4: 6, 5: 1}, {4: 6, 5: 1}, {4: 0, 5: 1}}},
		{"scalar broadcast merges", []int{4, 6}, []Operand{op(x, 0, 6, 1), op(y, 0, 6, 1), op(z, 3, 0, 0)},
			24, [MaxDims]int64{1, 1, 1, 1, 1, 24}, [][MaxDims]int64{{5: 1}, {5: 1}, {5: 0}}},
		{"transposed input", []int{6, 4}, []Operand{op(x, 0, 4, 1), op(y, 0, 1, 6), op(z, 0, 4, 1)},
			24, [MaxDims]int64{1, 1, 1, 1, 6, 4}, [][MaxDims]int64{{4: 4, 5: 1}, {4: 1, 5: 6}, {4: 4, 5: 1}}},
		{"size-1 dims dropped", []int{1, 4, 1, 6}, []Operand{op(x, 0, 24, 6, 6, 1), op(y, 0, 99, 6, 7, 1), op(z, 0, 0, 0, 0, 1)},
			24, [MaxDims]int64{1, 1, 1, 1, 4, 6}, [][MaxDims]int64{{4: 6, 5: 1}, {4: 6, 5: 1}, {4: 0, 5: 1}}},
		{"0-dim", nil, []Operand{op(x, 5), op(y, 0), op(z, 0)},
			1, [MaxDims]int64{1, 1, 1, 1, 1, 1}, [][MaxDims]int64{{}, {}, {}}},
		{"empty", []int{3, 0}, []Operand{op(x, 0, 0, 1), op(y, 0, 0, 1), op(z, 0, 0, 1)},
			0, [MaxDims]int64{}, [][MaxDims]int64{{}, {}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planMap(tt.shape, tt.ops, []DType{F32, F32, F32})
			if err != nil {
				t.Fatalf("planMap(%v) = %v", tt.shape, err)
			}
			if p.n != tt.n || p.shape != tt.shape6 {
				t.Errorf("planMap(%v): n, shape = %d, %v, want %d, %v", tt.shape, p.n, p.shape, tt.n, tt.shape6)
			}
			for i := range tt.strides {
				if p.strides[i] != tt.strides[i] || p.offsets[i] != tt.ops[i].Offset {
					t.Errorf("planMap(%v): operand %d offset, strides = %d, %v, want %d, %v", tt.shape, i, p.offsets[i], p.strides[i], tt.ops[i].Offset, tt.strides[i])
				}
			}
		})
	}
}

func TestPlanMapErrors(t *testing.T) {
	buf := fakeBuffers(t)
	x, small, other := buf(0, 4*24), buf(0, 4*23), buf(1, 4*24)
	gone := buf(0, 4*24)
	gone.Release()
	ok := Operand{Buf: x, Strides: []int64{6, 1}}
	seven := make([]int, 7)
	st7 := make([]int64, 7)
	for i := range seven {
		seven[i], st7[i] = 2, int64(1)<<(2*(6-i)) // a layout of 7 dims that cannot merge
	}
	big := buf(0, 64<<10)
	tests := []struct {
		name  string
		shape []int
		ops   []Operand
		dts   []DType
		want  string
	}{
		{"short buffer", []int{4, 6}, []Operand{ok, {Buf: small, Strides: []int64{6, 1}}, ok}, []DType{F32, F32, F32}, "operand 1: gpu: 96 bytes do not fit in a buffer of 92"},
		{"wider dtype", []int{4, 6}, []Operand{ok, ok, ok}, []DType{F32, F64, F32}, "operand 1: gpu: 192 bytes do not fit"},
		{"offset reach", []int{4, 6}, []Operand{ok, ok, {Buf: x, Offset: 1, Strides: []int64{6, 1}}}, []DType{F32, F32, F32}, "operand 2: gpu: 100 bytes do not fit"},
		{"other device", []int{4, 6}, []Operand{ok, {Buf: other, Strides: []int64{6, 1}}, ok}, []DType{F32, F32, F32}, "operand 1 on cuda:1, output on cuda:0"},
		{"released", []int{4, 6}, []Operand{ok, ok, {Buf: gone, Strides: []int64{6, 1}}}, []DType{F32, F32, F32}, "use of a released buffer"},
		{"nil", []int{4, 6}, []Operand{ok, {Strides: []int64{6, 1}}, ok}, []DType{F32, F32, F32}, "operand 1: nil buffer"},
		{"stride count", []int{4, 6}, []Operand{ok, {Buf: x, Strides: []int64{1}}, ok}, []DType{F32, F32, F32}, "operand 1: 1 strides for 2 dims"},
		{"negative stride", []int{4, 6}, []Operand{ok, {Buf: x, Offset: 23, Strides: []int64{-6, 1}}, ok}, []DType{F32, F32, F32}, "negative stride"},
		{"too many dims", seven, []Operand{{Buf: big, Strides: st7}, {Buf: big, Strides: st7}, {Buf: big, Strides: st7}}, []DType{F32, F32, F32}, "over 7 dimensions (after merging contiguous ones) exceeds the kernels' 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planMap(tt.shape, tt.ops, tt.dts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("planMap(%v) = %v, want an error containing %q", tt.shape, err, tt.want)
			}
		})
	}
}

// entryParams reads each .entry of a PTX text and the types of its parameters (.u64, .u32,
// .f64, ...), in order.
func entryParams(ptx string) map[string][]string {
	entries := map[string][]string{}
	re := regexp.MustCompile(`(?s)\.entry (\w+)\((.*?)\)`)
	param := regexp.MustCompile(`\.param \.(\w+)`)
	for _, m := range re.FindAllStringSubmatch(ptx, -1) {
		var types []string
		for _, p := range param.FindAllStringSubmatch(m[2], -1) {
			types = append(types, p[1])
		}
		entries[m[1]] = types
	}
	return entries
}

// slotType is the PTX parameter type a packed Go argument matches.
func slotType(a any) string {
	switch a.(type) {
	case *Buffer, int64, uint64:
		return "u64"
	case int32, uint32:
		return "u32"
	case float64:
		return "f64"
	case float32:
		return "f32"
	}
	return fmt.Sprintf("%T", a)
}

// TestTensorKernelSignatures checks, without a GPU, that every kernel the Go side launches
// exists in tensor.ptx and that the arguments it packs match the kernel's parameters in number
// and size: a mismatch would make the driver read garbage.
func TestTensorKernelSignatures(t *testing.T) {
	entries := entryParams(tensorPTX)
	buf := fakeBuffers(t)
	x := buf(0, 1024)
	p, err := planMap([]int{2, 3}, []Operand{{Buf: x, Strides: []int64{3, 1}}, {Buf: x, Strides: []int64{3, 1}}, {Buf: x, Strides: []int64{0, 1}}}, []DType{F32, F32, F32})
	if err != nil {
		t.Fatal(err)
	}
	mapArgs := p.args([3]*Buffer{x, x, x}, int32(Add), 1.5, 2.5)
	if _, err := packArgs(0, mapArgs); err != nil {
		t.Fatalf("packArgs(map kernel arguments) = %v", err)
	}
	reduceArgs := []any{x, x, int64(0), int64(2), int64(3), int32(0)}
	var names []string
	for _, dt := range []DType{F32, F64, I64, I32} {
		names = append(names, "map_binary_"+dt.String(), "map_compare_"+dt.String(), "map_unary_"+dt.String())
	}
	names = append(names, "map_unary_bool")
	for from := F32; from <= Bool; from++ {
		for to := F32; to <= Bool; to++ {
			if from != to {
				names = append(names, "map_cast_"+from.String()+"_"+to.String())
			}
		}
	}
	check := func(name string, args []any) {
		params, ok := entries[name]
		if !ok {
			t.Errorf("tensor.ptx lacks .entry %s", name)
			return
		}
		var want []string
		for _, a := range args {
			want = append(want, slotType(a))
		}
		if strings.Join(params, " ") != strings.Join(want, " ") {
			t.Errorf("%s parameters = %v, want %v (the Go side's arguments)", name, params, want)
		}
	}
	for _, n := range names {
		check(n, mapArgs)
	}
	for _, dt := range []DType{F32, F64, I64, I32} {
		check("reduce_"+dt.String(), reduceArgs)
		check("argreduce_"+dt.String(), reduceArgs)
	}
	if len(entries) != len(names)+8 {
		t.Errorf("tensor.ptx has %d kernels, the Go side launches %d", len(entries), len(names)+8)
	}
}

// TestTensorPTXUpToDate regenerates tensor.ll with gen_tensor.go and tensor.ptx with llc 14
// (where installed) and compares them with the embedded files.
func TestTensorPTXUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips running the generator")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run ptx/gen_tensor.go")
	}
	dir := t.TempDir()
	ll := filepath.Join(dir, "tensor.ll")
	if msg, err := exec.Command(goBin, "run", "ptx/gen_tensor.go", "-o", ll).CombinedOutput(); err != nil {
		t.Fatalf("go run ptx/gen_tensor.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile("ptx/tensor.ll")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(ll)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("ptx/tensor.ll is stale: run go generate ./gpu")
	}
	llc, err := exec.LookPath("llc")
	if err != nil {
		t.Skip("llc not installed; cannot check that ptx/tensor.ptx is up to date")
	}
	if v, err := exec.Command(llc, "--version").Output(); err != nil || !strings.Contains(string(v), "LLVM version "+generatedByLLVM+".") {
		t.Skipf("llc is not LLVM %s, which generated ptx/tensor.ptx: %s", generatedByLLVM, firstLine(v))
	}
	out := filepath.Join(dir, "tensor.ptx")
	if msg, err := exec.Command(llc, "-O3", "-march=nvptx64", "-mcpu=sm_50", ll, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("llc: %v\n%s", err, msg)
	}
	gotPTX, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotPTX, []byte(tensorPTX)) {
		t.Errorf("ptx/tensor.ptx is stale: run go generate ./gpu")
	}
	// The PTX must call nothing: the driver JIT links no libdevice, so a libm call such as
	// expf would fail to load.
	if strings.Contains(tensorPTX, ".extern") || strings.Contains(tensorPTX, "call.uni") {
		t.Errorf("tensor.ptx calls an external function; the driver cannot link it")
	}
}

func TestTensorOpErrors(t *testing.T) {
	buf := fakeBuffers(t)
	x := buf(0, 64)
	o := Operand{Buf: x, Strides: []int64{1}}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"exp f64", Unary(Exp, F64, 0, 0, []int{4}, o, o), "exp is not implemented for f64 CUDA tensors yet"},
		{"neg bool", Unary(Neg, Bool, 0, 0, []int{4}, o, o), "neg is not implemented for bool CUDA tensors yet"},
		{"int div", Binary(Div, I64, 1, []int{4}, o, o, o), "no kernel for op 3 on i64"},
		{"bool binary", Binary(Add, Bool, 1, []int{4}, o, o, o), "no kernel for op 0 on bool"},
		{"compare op", Compare(CompareOp(9), F32, []int{4}, o, o, o), "no kernel for op 9 on f32"},
		{"reduce empty max", Reduce(Max, F32, x, x, 0, 4, 0), "bad shape: 4 rows of 0"},
		{"reduce short", Reduce(Sum, F32, x, x, 0, 4, 5), "input: gpu: 80 bytes do not fit in a buffer of 64"},
		{"argmax out short", Reduce(ArgMax, F32, x, x, 0, 9, 1), "out: gpu: 72 bytes do not fit in a buffer of 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("%s = %v, want an error containing %q", tt.name, tt.err, tt.want)
			}
		})
	}
	for op := Copy; op <= Sigmoid; op++ {
		if !UnarySupported(op, F32) {
			t.Errorf("UnarySupported(%v, f32) = false, want true", op)
		}
	}
}

// TestTensorKernelsOnGPU runs each map kernel family and the reductions on the device and
// compares with Go's arithmetic. Package tensor's CUDA tests cover the ops built on them.
func TestTensorKernelsOnGPU(t *testing.T) {
	needGPU(t)
	// a is 3×4, b a row of 4 broadcast over it; out is 3×4.
	a := []float32{-2, -1, 0, 1, 2, 3, -0.5, 0.25, 4, 9, 16, 0.5}
	b := []float32{1, 2, -3, 0.5}
	da, db, dout := mustUpload(t, a), mustUpload(t, b), mustAlloc(t, 4*12)
	defer da.Release()
	defer db.Release()
	defer dout.Release()
	shape := []int{3, 4}
	full := func(buf *Buffer) Operand { return Operand{Buf: buf, Strides: []int64{4, 1}} }
	row := Operand{Buf: db, Strides: []int64{0, 1}}
	got := make([]float32, 12)
	read := func() []float32 {
		if err := dout.CopyOutFloat32(got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		op BinaryOp
		f  func(x, y float32) float32
	}{{Add, func(x, y float32) float32 { return x + y }}, {Sub, func(x, y float32) float32 { return x - y }},
		{Mul, func(x, y float32) float32 { return x * y }}, {Div, func(x, y float32) float32 { return x / y }},
		{Maximum, func(x, y float32) float32 { return max(x, y) }}, {Axpy, func(x, y float32) float32 { return x + 0.5*y }}} {
		if err := Binary(c.op, F32, 0.5, shape, full(dout), full(da), row); err != nil {
			t.Fatalf("Binary(%d): %v", c.op, err)
		}
		for i, v := range read() {
			if want := c.f(a[i], b[i%4]); v != want {
				t.Errorf("Binary(%d)[%d] = %g, want %g", c.op, i, v, want)
			}
		}
	}
	for _, c := range []struct {
		op  UnaryOp
		f   func(float64) float64
		tol float64
	}{{Neg, func(x float64) float64 { return -x }, 0}, {ReLU, func(x float64) float64 { return max(x, 0) }, 0},
		{Exp, math.Exp, 2e-6}, {Tanh, math.Tanh, 2e-6}, {Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 2e-6},
		{Sqrt, math.Sqrt, 0}} {
		if err := Unary(c.op, F32, 0, 0, shape, full(dout), full(da)); err != nil {
			t.Fatalf("Unary(%v): %v", c.op, err)
		}
		for i, v := range read() {
			want := float32(c.f(float64(a[i])))
			if math.IsNaN(float64(want)) && math.IsNaN(float64(v)) {
				continue
			}
			if d := math.Abs(float64(v - want)); d > c.tol*math.Max(1, math.Abs(float64(want))) {
				t.Errorf("Unary(%v)(%g) = %g, want %g", c.op, a[i], v, want)
			}
		}
	}
	// Sum of each row of a, and the index of each row's max.
	if err := Reduce(Sum, F32, dout, da, 0, 3, 4); err != nil {
		t.Fatal(err)
	}
	sums := read()[:3]
	for r := 0; r < 3; r++ {
		want := a[4*r] + a[4*r+1] + a[4*r+2] + a[4*r+3]
		if sums[r] != want {
			t.Errorf("Reduce(Sum) row %d = %g, want %g", r, sums[r], want)
		}
	}
	idx, err := Alloc(0, 8*3)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Release()
	if err := Reduce(ArgMax, F32, idx, da, 0, 3, 4); err != nil {
		t.Fatal(err)
	}
	gotIdx := make([]byte, 24)
	if err := idx.CopyOut(gotIdx); err != nil {
		t.Fatal(err)
	}
	for r, want := range []byte{3, 1, 2} {
		if gotIdx[8*r] != want {
			t.Errorf("Reduce(ArgMax) row %d = %d, want %d", r, gotIdx[8*r], want)
		}
	}
}

func TestBufferSlice(t *testing.T) {
	a := newAllocator(&fakeMemory{capacity: 1 << 20})
	b, err := a.buffer(0, 64)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := b.devicePtr(0)
	v, err := b.Slice(16, 48)
	if err != nil {
		t.Fatalf("Slice(16, 48) of 64 bytes = %v", err)
	}
	if p, err := v.devicePtr(48); err != nil || p != base+16 {
		t.Errorf("view devicePtr(48) = %#x, %v; want %#x", p, err, base+16)
	}
	if _, err := v.devicePtr(49); err == nil {
		t.Error("view devicePtr(49) of a 48-byte view succeeded")
	}
	w, err := v.Slice(8, 8)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := w.devicePtr(8); p != base+24 {
		t.Errorf("view of a view starts at %#x, want %#x", p, base+24)
	}
	for _, c := range [][2]int64{{-1, 4}, {0, 65}, {60, 8}, {4, -1}} {
		if _, err := b.Slice(c[0], c[1]); err == nil {
			t.Errorf("Slice(%d, %d) of 64 bytes succeeded, want an error", c[0], c[1])
		}
	}
	inUse, _ := a.stats()
	w.Release()
	v.Release()
	if now, _ := a.stats(); now != inUse {
		t.Errorf("releasing views changed the bytes in use from %d to %d", inUse, now)
	}
	if _, err := v.devicePtr(0); err == nil {
		t.Error("a released view is still usable")
	}
	u, _ := b.Slice(0, 8)
	b.Release()
	if _, err := u.devicePtr(0); err == nil || !strings.Contains(err.Error(), "released") {
		t.Errorf("a view of a released buffer: devicePtr = %v, want a released-buffer error", err)
	}
}
