package tensor

import (
	"errors"
	"strings"
	"testing"
)

// fakeCUDA returns a float32 tensor of shape whose storage claims to live on cuda:0 but holds
// no device buffer. Every op on it must take the CUDA path and fail there (no GPU here, or no
// buffer where there is one), never compute on the host: that is what the dispatch test checks
// on machines without a GPU.
func fakeCUDA(shape ...int) *Tensor {
	n := numelOf(shape)
	st := &storage{dev: Device{Type: "cuda"}, dt: Float32, data: "no device buffer", n: n}
	return fromStorage(st, shape, contiguousStrides(shape), 0)
}

// cpuOnlyMessage is what cpuData says when a CPU kernel is handed a CUDA tensor: seeing it
// means an op has no CUDA dispatch.
const cpuOnlyMessage = "this operation is not implemented for cuda tensors yet"

func TestCUDADispatch(t *testing.T) {
	x, w := fakeCUDA(4, 3), fakeCUDA(2, 3)
	cpu := Ones(4, 3)
	tests := []struct {
		name string
		f    func()
	}{
		{"Add", func() { x.Add(x) }},
		{"Add scalar", func() { x.Add(1) }},
		{"Add broadcast", func() { x.Add(fakeCUDA(3)) }},
		{"Sub", func() { x.Sub(x.Mul(2)) }},
		{"Mul", func() { x.Mul(x) }},
		{"Div", func() { x.Div(3) }},
		{"Pow 2", func() { x.Pow(2) }},
		{"Pow -3", func() { x.Pow(-3) }},
		{"Pow 0.5", func() { x.Pow(0.5) }},
		{"Maximum", func() { x.Maximum(0) }},
		{"Neg", func() { x.Neg() }},
		{"ReLU", func() { x.ReLU() }},
		{"Exp", func() { x.Exp() }},
		{"Log", func() { x.Log() }},
		{"Sqrt", func() { x.Sqrt() }},
		{"Tanh", func() { x.Tanh() }},
		{"Sigmoid", func() { x.Sigmoid() }},
		{"Clamp", func() { x.Clamp(0, 1) }},
		{"Gt", func() { x.Gt(0) }},
		{"Eq", func() { x.Eq(x) }},
		{"Float of bool", func() { x.Gt(0).Float() }},
		{"ToDType", func() { x.ToDType(Float64) }},
		{"Contiguous of T", func() { x.T().Contiguous() }},
		{"Sum", func() { x.Sum() }},
		{"SumDim", func() { x.SumDim(0, false) }},
		{"Mean", func() { x.Mean() }},
		{"MaxDim", func() { x.MaxDim(1, true) }},
		{"ArgMaxDim", func() { x.ArgMaxDim(1, false) }},
		{"Softmax", func() { x.Softmax(1) }},
		{"LogSoftmax", func() { x.LogSoftmax(1) }},
		{"Matmul", func() { x.Matmul(w.T()) }},
		{"Fill_", func() { x.Fill_(0) }},
		{"Zero_", func() { x.Zero_() }},
		{"Mul_", func() { x.Mul_(0.5) }},
		{"AddScaled_", func() { x.AddScaled_(x, 0.5) }},
		{"Copy_", func() { x.Copy_(x.Add(1)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Maybe(tt.f)
			var te *Error
			if err == nil || !errors.As(err, &te) {
				t.Fatalf("%s on a CUDA tensor without a device buffer = %v, want a device error", tt.name, err)
			}
			msg := err.Error()
			if te.Kind != ErrDevice || strings.Contains(msg, cpuOnlyMessage) || !strings.Contains(msg, "cuda:0") {
				t.Errorf("%s = %q (kind %v), want an ErrDevice from the CUDA path naming cuda:0", tt.name, msg, te.Kind)
			}
		})
	}
	// Mixing devices is refused before anything runs, as in PyTorch.
	if err := Maybe(func() { x.Add(cpu) }); err == nil || !strings.Contains(err.Error(), "Expected all tensors to be on the same device") {
		t.Errorf("cuda + cpu = %v, want the same-device error", err)
	}
}

func TestCUDANotImplemented(t *testing.T) {
	x := fakeCUDA(2, 2)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Sin", func() { x.Sin() }, "sin is not implemented for CUDA tensors yet (dtype torch.float32 on cuda:0)"},
		{"Pow 1.5", func() { x.Pow(1.5) }, "pow is not implemented for CUDA tensors yet (only Go-number exponents that are integers in [-16, 16] or 0.5 on cuda:0)"},
		{"Pow tensor", func() { x.Pow(x) }, "pow is not implemented for CUDA tensors yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Maybe(tt.f); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s on CUDA = %v, want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
}
