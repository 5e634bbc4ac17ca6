package nn_test

import (
	"strings"
	"testing"

	"gotensor/autograd/nn"
	"gotensor/autograd/optim"
	"gotensor/gpu"
	"gotensor/tensor"
)

// scaled is a module with a parameter of its own, as a cell might define.
type scaled struct{ s *tensor.Tensor }

func (m *scaled) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Mul(m.s) }
func (m *scaled) Parameters() []*tensor.Tensor            { return []*tensor.Tensor{m.s} }

func TestToCPU(t *testing.T) {
	tensor.Seed(2)
	lin := nn.NewLinear(3, 2)
	seq := nn.NewSequential([]nn.Module{nn.NewLinear(3, 4), nn.Tanh{}, &scaled{tensor.Ones(4, tensor.RequiresGrad())}})
	cases := []struct {
		name string
		m    nn.Module
		to   func(device string) nn.Module
	}{
		{"Linear", lin, func(d string) nn.Module { return lin.To(d) }},
		{"Sequential", seq, func(d string) nn.Module { return seq.To(d) }},
		{"nn.To on a cell module", seq.Layers[2], func(d string) nn.Module { return nn.To(seq.Layers[2], d) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.m.Parameters()
			values := make([]*tensor.Tensor, len(before))
			for i, p := range before {
				values[i] = p.Clone()
			}
			opt := optim.NewSGD(before, optim.SGDOptions{LR: 0.1})
			if got := tc.to("cpu"); got != tc.m {
				t.Fatalf("To(\"cpu\") returned %v, want the module itself", got)
			}
			for i, p := range tc.m.Parameters() {
				if p != before[i] || !p.Equal(values[i]) || p.Device() != tensor.CPUDevice || !p.IsLeaf() || !p.RequiresGrad() {
					t.Errorf("parameter %d after To(\"cpu\"): same tensor %v, same values %v, device %v, leaf %v, requires grad %v; want true, true, cpu, true, true",
						i, p == before[i], p.Equal(values[i]), p.Device(), p.IsLeaf(), p.RequiresGrad())
				}
			}
			// The optimizer made before the move still trains the module.
			x := tensor.Randn(5, tc.m.Parameters()[0].Shape()[len(tc.m.Parameters()[0].Shape())-1])
			loss := func() *tensor.Tensor { return tc.m.Forward(x).Pow(2).Mean() }
			first := loss()
			first.Backward()
			opt.Step()
			if after := loss().Item(); !(after < first.Item()) {
				t.Errorf("loss after an SGD step = %v, want below %v", after, first.Item())
			}
		})
	}
}

func TestToCUDAWithoutGPU(t *testing.T) {
	if gpu.Available() {
		t.Skip("a GPU is usable here; TestToCUDA covers this host")
	}
	tensor.Seed(3)
	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 3), nn.ReLU{}, nn.NewLinear(3, 1)})
	before := model.Parameters()
	err := tensor.Maybe(func() { model.To("cuda") })
	if err == nil || !strings.Contains(err.Error(), "CUDA is not available") {
		t.Fatalf("To(\"cuda\") on a host without a GPU = %v, want the CUDA-not-available error", err)
	}
	for i, p := range model.Parameters() {
		if p != before[i] || p.Device() != tensor.CPUDevice {
			t.Errorf("parameter %d moved to %v by a failed To(\"cuda\"), want it left on the cpu", i, p.Device())
		}
	}
}

func TestToCUDA(t *testing.T) {
	if !gpu.Available() {
		t.Skipf("no CUDA device: %v", gpu.Err())
	}
	tensor.Seed(4)
	l := nn.NewLinear(2, 3)
	w := l.Weight.Clone()
	l.To("cuda")
	if l.Weight.Device().Type != "cuda" || !l.Weight.IsLeaf() || !l.Weight.RequiresGrad() {
		t.Fatalf("Weight after To(\"cuda\"): device %v, leaf %v, requires grad %v", l.Weight.Device(), l.Weight.IsLeaf(), l.Weight.RequiresGrad())
	}
	if !l.To("cpu").Weight.Equal(w) {
		t.Errorf("a round trip through the GPU changed the weights")
	}
}

func TestToRefusesComputedParameters(t *testing.T) {
	w := tensor.Ones(2, tensor.RequiresGrad())
	m := nn.NewSequential([]nn.Module{&scaled{w}, &scaled{w.Mul(2)}})
	err := tensor.Maybe(func() { m.To("cpu") })
	if err == nil || !strings.Contains(err.Error(), "parameter 1 (MulBackward0) is computed, not a leaf") {
		t.Errorf("To(\"cpu\") with a computed parameter = %v, want an error naming parameter 1", err)
	}
}
