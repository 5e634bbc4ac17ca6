package optim_test

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gotensor/autograd/optim"
	"gotensor/tensor"
)

// readTrajectories reads testdata/torch_trajectories.txt (made by testdata/gen_torch.py).
func readTrajectories(t *testing.T) map[string][]float64 {
	t.Helper()
	f, err := os.Open("testdata/torch_trajectories.txt")
	if err != nil {
		t.Fatalf("open reference: %v", err)
	}
	defer f.Close()
	out := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		for _, s := range fields[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("parse %q: %v", s, err)
			}
			out[fields[0]] = append(out[fields[0]], v)
		}
	}
	return out
}

// TestAgainstTorch runs each optimizer for 5 steps on loss = Σ s·(w - 0.5)² and compares every
// step with PyTorch's trajectory.
func TestAgainstTorch(t *testing.T) {
	ref := readTrajectories(t)
	cases := []struct {
		name string
		make func(p []*tensor.Tensor) optim.Optimizer
	}{
		{"sgd_plain", func(p []*tensor.Tensor) optim.Optimizer { return optim.NewSGD(p, optim.SGDOptions{LR: 0.1}) }},
		{"sgd_momentum_wd", func(p []*tensor.Tensor) optim.Optimizer {
			return optim.NewSGD(p, optim.SGDOptions{LR: 0.05, Momentum: 0.9, Dampening: 0.1, WeightDecay: 0.01})
		}},
		{"sgd_nesterov", func(p []*tensor.Tensor) optim.Optimizer {
			return optim.NewSGD(p, optim.SGDOptions{LR: 0.05, Momentum: 0.8, Nesterov: true})
		}},
		{"adam_default", func(p []*tensor.Tensor) optim.Optimizer { return optim.NewAdam(p, optim.AdamOptions{}) }},
		{"adam_custom", func(p []*tensor.Tensor) optim.Optimizer {
			return optim.NewAdam(p, optim.AdamOptions{LR: 0.1, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.01})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := ref[tc.name]
			if len(want) != 15 {
				t.Fatalf("reference %s has %d values, want 15", tc.name, len(want))
			}
			w := tensor.New([]float64{1, -2, 3}, tensor.Float64, tensor.RequiresGrad())
			s := tensor.New([]float64{1, 2, 3}, tensor.Float64)
			opt := tc.make([]*tensor.Tensor{w})
			for step := 0; step < 5; step++ {
				opt.ZeroGrad()
				s.Mul(w.Sub(0.5).Pow(2)).Sum().Backward()
				opt.Step()
				got := w.Float64s()
				for j, g := range got {
					if wv := want[3*step+j]; math.Abs(g-wv) > 1e-12*math.Max(1, math.Abs(wv)) {
						t.Errorf("%s step %d: w[%d] = %.17g, want %.17g (torch)", tc.name, step+1, j, g, wv)
					}
				}
			}
			if !w.IsLeaf() || w.GradFn() != nil {
				t.Errorf("%s: Step recorded a graph on the parameter (GradFn %v)", tc.name, w.GradFn())
			}
		})
	}
}

func TestStepSkipsParamsWithoutGrad(t *testing.T) {
	a := tensor.New([]float64{1, 2}, tensor.Float64, tensor.RequiresGrad())
	b := tensor.New([]float64{3, 4}, tensor.Float64, tensor.RequiresGrad())
	for _, opt := range []optim.Optimizer{
		optim.NewSGD([]*tensor.Tensor{a, b}, optim.SGDOptions{LR: 0.5, Momentum: 0.9}),
		optim.NewAdam([]*tensor.Tensor{a, b}, optim.AdamOptions{LR: 0.5}),
	} {
		a.SetGrad(nil)
		a.Sum().Backward()
		opt.Step() // b has no gradient: untouched
		opt.ZeroGrad()
		if got := b.Float64s(); got[0] != 3 || got[1] != 4 {
			t.Errorf("%T.Step() changed a parameter without gradient: %v, want [3 4]", opt, got)
		}
		if b.Grad() != nil {
			t.Errorf("%T.ZeroGrad() gave a gradient-less parameter a gradient %v", opt, b.Grad())
		}
		if got := a.Grad().Float64s(); got[0] != 0 || got[1] != 0 {
			t.Errorf("%T.ZeroGrad(): a.Grad() = %v, want zeros", opt, got)
		}
	}
}

// TestStepBumpsVersion checks that a step between forward and backward is caught, as in PyTorch.
func TestStepBumpsVersion(t *testing.T) {
	w := tensor.New([]float64{1, 2}, tensor.Float64, tensor.RequiresGrad())
	opt := optim.NewSGD([]*tensor.Tensor{w}, optim.SGDOptions{LR: 0.1})
	w.Pow(2).Sum().Backward()
	loss := w.Pow(2).Sum() // saves w
	opt.Step()
	err := tensor.Maybe(func() { loss.Backward() })
	if err == nil || !strings.Contains(err.Error(), "modified by an inplace operation") {
		t.Errorf("Backward after Step changed a saved parameter: error %v, want the in-place modification error", err)
	}
}

func TestOptimizerErrors(t *testing.T) {
	good := []*tensor.Tensor{tensor.Ones(2, tensor.RequiresGrad())}
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"sgd_empty", func() { optim.NewSGD(nil, optim.SGDOptions{}) }, "empty parameter list"},
		{"sgd_nil", func() { optim.NewSGD([]*tensor.Tensor{nil}, optim.SGDOptions{}) }, "parameter 0 is nil"},
		{"sgd_int", func() { optim.NewSGD([]*tensor.Tensor{tensor.New([]int{1})}, optim.SGDOptions{}) }, "only floating-point"},
		{"sgd_nonleaf", func() { optim.NewSGD([]*tensor.Tensor{good[0].Mul(2)}, optim.SGDOptions{}) }, "not a leaf"},
		{"sgd_lr", func() { optim.NewSGD(good, optim.SGDOptions{LR: -1}) }, "Invalid learning rate: -1"},
		{"sgd_nesterov", func() { optim.NewSGD(good, optim.SGDOptions{Nesterov: true}) }, "Nesterov momentum requires"},
		{"adam_beta", func() { optim.NewAdam(good, optim.AdamOptions{Beta1: 1}) }, "Invalid beta parameter at index 0: 1"},
		{"adam_eps", func() { optim.NewAdam(good, optim.AdamOptions{Eps: -1}) }, "Invalid epsilon value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tensor.Maybe(tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
			}
		})
	}
}
