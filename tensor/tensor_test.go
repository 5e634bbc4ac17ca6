package tensor_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"gotensor/tensor"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name  string
		data  any
		opts  []tensor.Option
		shape string
		dtype tensor.DType
		vals  string
	}{
		{"scalar float", 5.0, nil, "torch.Size([])", tensor.Float32, "[5]"},
		{"scalar int", 7, nil, "torch.Size([])", tensor.Int64, "[7]"},
		{"scalar bool", true, nil, "torch.Size([])", tensor.Bool, "[1]"},
		{"vector", []float64{1, 2, 3}, nil, "torch.Size([3])", tensor.Float32, "[1 2 3]"},
		{"float32", []float32{1.5}, nil, "torch.Size([1])", tensor.Float32, "[1.5]"},
		{"int32", []int32{1, 2}, nil, "torch.Size([2])", tensor.Int32, "[1 2]"},
		{"matrix ints", [][]int{{1, 2}, {3, 4}}, nil, "torch.Size([2, 2])", tensor.Int64, "[1 2 3 4]"},
		{"depth 3", [][][]float64{{{1}, {2}}, {{3}, {4}}}, nil, "torch.Size([2, 2, 1])", tensor.Float32, "[1 2 3 4]"},
		{"array", [2][3]int{{1, 2, 3}, {4, 5, 6}}, nil, "torch.Size([2, 3])", tensor.Int64, "[1 2 3 4 5 6]"},
		{"mixed any", []any{1, 2.5, true}, nil, "torch.Size([3])", tensor.Float32, "[1 2.5 1]"},
		{"dtype option", []int{1, 2}, []tensor.Option{tensor.Float64}, "torch.Size([2])", tensor.Float64, "[1 2]"},
		{"empty", []float64{}, nil, "torch.Size([0])", tensor.Float32, "[]"},
		{"empty rows", [][]float64{{}, {}}, nil, "torch.Size([2, 0])", tensor.Float32, "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := tensor.New(tc.data, tc.opts...)
			if got := x.Shape().String(); got != tc.shape {
				t.Errorf("New(%v).Shape() = %s, want %s", tc.data, got, tc.shape)
			}
			if x.DType() != tc.dtype {
				t.Errorf("New(%v).DType() = %v, want %v", tc.data, x.DType(), tc.dtype)
			}
			if got := fmt.Sprint(x.Float64s()); got != tc.vals {
				t.Errorf("New(%v) values = %s, want %s", tc.data, got, tc.vals)
			}
		})
	}
	for _, bad := range []any{[][]int{{1, 2}, {3}}, []any{1, []int{2}}, [][]any{{1}, {[]int{1}}}, "text", []string{"a"}} {
		if err := tensor.Maybe(func() { tensor.New(bad) }); err == nil {
			t.Errorf("New(%#v) succeeded, want an error", bad)
		}
	}
}

func TestResultType(t *testing.T) {
	i64, i32, f32, f64 := tensor.Ones(2, tensor.Int64), tensor.Ones(2, tensor.Int32), tensor.Ones(2), tensor.Ones(2, tensor.Float64)
	b := tensor.Ones(2, tensor.Bool)
	z := func(d tensor.DType) *tensor.Tensor { return tensor.New(1, d) }
	tests := []struct {
		name string
		a, b any
		want tensor.DType
	}{
		{"int tensor, float number", i64, 2.5, tensor.Float32},
		{"int32 tensor, int number", i32, 3, tensor.Int32},
		{"f32 tensor, f64 0-dim", f32, z(tensor.Float64), tensor.Float32},
		{"i64 tensor, f64 0-dim", i64, z(tensor.Float64), tensor.Float64},
		{"f32, f64", f32, f64, tensor.Float64},
		{"bool, int number", b, 2, tensor.Int64},
		{"bool, float number", b, 2.0, tensor.Float32},
		{"bool, bool", b, b, tensor.Bool},
		{"i32, i64 0-dim", i32, z(tensor.Int64), tensor.Int32},
		{"i32, i64", i32, i64, tensor.Int64},
		{"f32 0-dim, f64 0-dim", z(tensor.Float32), z(tensor.Float64), tensor.Float64},
		{"i64 0-dim, float number", z(tensor.Int64), 1.5, tensor.Float32},
		{"f64 tensor, float32 number", f64, float32(1), tensor.Float64},
	}
	for _, tc := range tests {
		if got := tensor.ResultType(tc.a, tc.b); got != tc.want {
			t.Errorf("ResultType(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := i64.Div(2).DType(); got != tensor.Float32 {
		t.Errorf("int64 Div = %v, want true division to float32", got)
	}
	if got := i64.Add(f64).Add(1).DType(); got != tensor.Float64 {
		t.Errorf("i64+f64+1 = %v, want float64", got)
	}
}

func TestCreation(t *testing.T) {
	tests := []struct {
		name string
		got  *tensor.Tensor
		want string
	}{
		{"Zeros", tensor.Zeros(2, 2), "tensor([[0., 0.],\n        [0., 0.]])"},
		{"Ones int", tensor.Ones([]int{3}, tensor.Int64), "tensor([1, 1, 1])"},
		{"Full float", tensor.Full([]int{2}, 7.5), "tensor([7.5000, 7.5000])"},
		{"Full int", tensor.Full([]int{2}, 7), "tensor([7, 7])"},
		{"Arange", tensor.Arange(1, 4), "tensor([1, 2, 3])"},
		{"Arange float", tensor.Arange(0, 1, 0.25), "tensor([0.0000, 0.2500, 0.5000, 0.7500])"},
		{"Linspace", tensor.Linspace(0, 1, 3), "tensor([0.0000, 0.5000, 1.0000])"},
		{"Eye", tensor.Eye(2), "tensor([[1., 0.],\n        [0., 1.]])"},
		{"Eye rect f64", tensor.Eye(1, 2, tensor.Float64), "tensor([[1., 0.]], dtype=torch.float64)"},
		{"ZerosLike", tensor.ZerosLike(tensor.New([]int{1, 2})), "tensor([0, 0])"},
		{"OnesLike rg", tensor.OnesLike(tensor.Zeros(1), tensor.RequiresGrad()), "tensor([1.], requires_grad=True)"},
		{"FullLike", tensor.FullLike(tensor.Zeros(2, tensor.Float64), 3), "tensor([3., 3.], dtype=torch.float64)"},
		{"FromSlice", tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 3, -1), "tensor([[1., 2.],\n        [3., 4.],\n        [5., 6.]], dtype=torch.float64)"},
		{"FromSlice ints", tensor.FromSlice([]int{1, 2}), "tensor([1, 2])"},
	}
	for _, tc := range tests {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestRandom(t *testing.T) {
	tensor.Seed(42)
	a := tensor.Rand(1000)
	tensor.Seed(42)
	b := tensor.Rand(1000)
	if !a.Equal(b) {
		t.Error("Rand after the same Seed differs")
	}
	if lo, hi := a.Min().Item(), a.Max().Item(); lo < 0 || hi >= 1 {
		t.Errorf("Rand range = [%v, %v], want within [0, 1)", lo, hi)
	}
	n := tensor.Randn(100000, tensor.Float64)
	if m, s := n.Mean().Item(), n.Std().Item(); math.Abs(m) > 0.02 || math.Abs(s-1) > 0.02 {
		t.Errorf("Randn mean %v std %v, want about 0 and 1", m, s)
	}
	if l := tensor.RandnLike(tensor.Zeros(2, 3, tensor.Float64)); l.DType() != tensor.Float64 || l.Numel() != 6 {
		t.Errorf("RandnLike = %v", l)
	}
	if err := tensor.Maybe(func() { tensor.Rand(2, tensor.Int64) }); err == nil {
		t.Error("Rand of Int64 succeeded")
	}
}

func TestDense(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	x := tensor.FromDense(m)
	if x.DType() != tensor.Float64 || x.Shape().String() != "torch.Size([2, 3])" {
		t.Fatalf("FromDense: %v %v", x.DType(), x.Shape())
	}
	back := x.T().Dense()
	if r, c := back.Dims(); r != 3 || c != 2 || back.At(2, 1) != 6 || back.At(0, 1) != 4 {
		t.Errorf("T().Dense() = %v", mat.Formatted(back))
	}
	m.Set(0, 0, 100) // FromDense copied
	if x.Float64s()[0] != 1 {
		t.Error("FromDense aliases the gonum matrix")
	}
}

func TestIndexAndSlice(t *testing.T) {
	x := tensor.Arange(12).Reshape(3, 4)
	tests := []struct {
		name string
		got  *tensor.Tensor
		want string
	}{
		{"x[0]", x.Index(0), "[0 1 2 3]"},
		{"x[-1]", x.Index(-1), "[8 9 10 11]"},
		{"x[1][2]", x.Index(1, 2), "[6]"},
		{"x[:, 1]", x.Slice(":, 1"), "[1 5 9]"},
		{"x[1:3]", x.Slice("1:3"), "[4 5 6 7 8 9 10 11]"},
		{"x[::2, ::3]", x.Slice("::2, ::3"), "[0 3 8 11]"},
		{"x[..., -1]", x.Slice("..., -1"), "[3 7 11]"},
		{"x[None, 0]", x.Slice("None, 0"), "[0 1 2 3]"},
		{"x[-2:]", x.Slice("-2:"), "[4 5 6 7 8 9 10 11]"},
		{"narrow", x.Narrow(1, 1, 2), "[1 2 5 6 9 10]"},
		{"x[5:9] clamps", x.Slice("5:9"), "[]"},
	}
	for _, tc := range tests {
		if got := fmt.Sprint(tc.got.Int64s()); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
		if !tc.got.SharesStorage(x) {
			t.Errorf("%s does not share storage", tc.name)
		}
	}
	if got := x.Slice("None, 0").Shape().String(); got != "torch.Size([1, 4])" {
		t.Errorf("x[None, 0] shape = %s", got)
	}
	for _, bad := range []string{"0, 0, 0", "a", "1:2:3:4", "::0"} {
		if err := tensor.Maybe(func() { x.Slice(bad) }); err == nil {
			t.Errorf("Slice(%q) succeeded", bad)
		}
	}
}

func TestInPlace(t *testing.T) {
	x := tensor.New([]float64{1, 2, 3})
	y := x.Add_(1).Mul_(2)
	if y != x || fmt.Sprint(x.Float64s()) != "[4 6 8]" {
		t.Errorf("Add_(1).Mul_(2) = %v", x)
	}
	x.Clamp_(5, 7)
	if fmt.Sprint(x.Float64s()) != "[5 6 7]" {
		t.Errorf("Clamp_ = %v", x)
	}
	col := tensor.Zeros(2, 3)
	col.Slice(":, 1").Fill_(9)
	if got := fmt.Sprint(col.Float64s()); got != "[0 9 0 0 9 0]" {
		t.Errorf("Fill_ through a slice = %s", got)
	}
	msg := mustFail(t, func() { tensor.New([]int{1}).Add_(0.5) })
	if msg != "result type Float can't be cast to the desired output type Long" {
		t.Errorf("int Add_(0.5) = %q", msg)
	}
	msg = mustFail(t, func() { tensor.Zeros(3).Add_(tensor.Zeros(2, 3)) })
	if msg != "output with shape [3] doesn't match the broadcast shape [2, 3]" {
		t.Errorf("Add_ broadcasting the receiver = %q", msg)
	}
}

func TestElementwiseHand(t *testing.T) {
	x := tensor.New([]float64{-2, -0.5, 0, 1, 4})
	tests := []struct {
		name string
		got  *tensor.Tensor
		want string
	}{
		{"relu", x.ReLU(), "[0 0 0 1 4]"},
		{"abs", x.Abs(), "[2 0.5 0 1 4]"},
		{"clamp", x.Clamp(-1, 1), "[-1 -0.5 0 1 1]"},
		{"neg", x.Neg(), "[2 0.5 -0 -1 -4]"},
		{"pow2", x.Pow(2), "[4 0.25 0 1 16]"},
		{"gt", x.Gt(0), "[0 0 0 1 1]"},
		{"where", tensor.Where(x.Lt(0), 0.0, x), "[0 0 0 1 4]"},
		{"sqrt", tensor.New([]float64{4, 9}).Sqrt(), "[2 3]"},
		{"int pow", tensor.New([]int{2, 3}).Pow(3), "[8 27]"},
		{"maximum", x.Maximum(0.5), "[0.5 0.5 0.5 1 4]"},
		{"sum int", tensor.New([]int32{1, 2}).Sum(), "[3]"},
	}
	for _, tc := range tests {
		if got := fmt.Sprint(tc.got.Float64s()); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
	}
	if d := tensor.New([]int32{1, 2}).Sum().DType(); d != tensor.Int64 {
		t.Errorf("int32 Sum dtype = %v, want int64", d)
	}
	if d := x.Gt(0).DType(); d != tensor.Bool {
		t.Errorf("Gt dtype = %v, want bool", d)
	}
	if got := tensor.New([]float64{math.NaN(), 1}).Max().Item(); !math.IsNaN(got) {
		t.Errorf("Max with NaN = %v, want NaN", got)
	}
}

func TestDevice(t *testing.T) {
	x := tensor.Ones(2)
	if x.Device().String() != "cpu" || x.To("cpu") != x || x.CPU() != x {
		t.Errorf("CPU tensor device = %v", x.Device())
	}
	err := tensor.Maybe(func() { x.To("cuda") })
	if err == nil {
		t.Skip("a CUDA device is present; the CPU-only path is not testable here")
	}
	if !strings.HasPrefix(err.Error(), "CUDA is not available") {
		t.Errorf("To(\"cuda\") without a GPU = %q, want it to start with \"CUDA is not available\"", err)
	}
	if err := tensor.Maybe(func() { x.To("tpu") }); err == nil {
		t.Error("To(\"tpu\") succeeded")
	}
}

func TestFormatVerbs(t *testing.T) {
	y := tensor.New(13.0)
	if got := fmt.Sprintf("%.1f|%v|%s", y, y, y); got != "13.0|tensor(13.)|tensor(13.)" {
		t.Errorf("Sprintf = %q", got)
	}
}

// A fractional clamp bound makes an integer tensor's result float, as a Python float bound does
// in PyTorch 1.13; in place, that float cannot be written back. Expected values are PyTorch's.
func TestClampIntegerBounds(t *testing.T) {
	tests := []struct {
		name   string
		x      *tensor.Tensor
		lo, hi float64
		want   string
	}{
		{"int64 fractional lo", tensor.New([]int{-5, 3, 7}), -2.5, 10, "tensor([-2.5000,  3.0000,  7.0000])"},
		{"int64 fractional hi", tensor.New([]int{-5, 3, 7}), -2, 6.5, "tensor([-2.0000,  3.0000,  6.5000])"},
		{"int32 fractional", tensor.New([]int32{-5, 3, 7}), -2.5, 10, "tensor([-2.5000,  3.0000,  7.0000])"},
		{"bool fractional", tensor.New([]bool{true}), 0.5, 1, "tensor([1.])"},
		{"int64 whole bounds", tensor.New([]int{-5, 3, 7}), -2, 6, "tensor([-2,  3,  6])"},
		{"int64 one-sided", tensor.New([]int{-5, 3, 7}), math.Inf(-1), 6, "tensor([-5,  3,  6])"},
		{"int32 whole bounds", tensor.New([]int32{-5, 3, 7}), -2, 10, "tensor([-2,  3,  7], dtype=torch.int32)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.x.Clamp(tc.lo, tc.hi).String(); got != tc.want {
				t.Errorf("%v.Clamp(%v, %v) = %s, want %s", tc.x, tc.lo, tc.hi, got, tc.want)
			}
		})
	}
	inplace := []struct {
		name   string
		x      *tensor.Tensor
		lo, hi float64
		want   string
	}{
		{"int64", tensor.New([]int{-5, 3, 7}), -2.5, 10, "result type Float can't be cast to the desired output type long int"},
		{"int32", tensor.New([]int32{-5, 3, 7}), 0.5, 1, "result type Float can't be cast to the desired output type int"},
		{"bool", tensor.New([]bool{true}), 0.5, 1, "result type Float can't be cast to the desired output type bool"},
	}
	for _, tc := range inplace {
		t.Run("Clamp_ "+tc.name, func(t *testing.T) {
			before := tc.x.String()
			err := tensor.Maybe(func() { tc.x.Clamp_(tc.lo, tc.hi) })
			if err == nil || err.Error() != tc.want || !errors.Is(err, tensor.ErrDType) {
				t.Errorf("%s.Clamp_(%v, %v) = %v, want %q", before, tc.lo, tc.hi, err, tc.want)
			}
			if after := tc.x.String(); after != before {
				t.Errorf("failed Clamp_ changed its receiver: %s, want %s", after, before)
			}
		})
	}
	x := tensor.New([]int{-5, 3, 7})
	if got := x.Clamp_(-2, 6).String(); got != "tensor([-2,  3,  6])" {
		t.Errorf("Clamp_(-2, 6) on int64 = %s, want tensor([-2,  3,  6])", got)
	}
}
