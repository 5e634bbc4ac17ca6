package autograd_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"gotensor/autograd"
	"gotensor/tensor"
)

func TestNoGrad(t *testing.T) {
	x := tensor.New(2.0, tensor.RequiresGrad())
	var y *tensor.Tensor
	autograd.NoGrad(func() { y = x.Mul(3) })
	if y.RequiresGrad() || y.GradFn() != nil {
		t.Errorf("x.Mul(3) under NoGrad: RequiresGrad() = %v, GradFn() = %v, want false, nil", y.RequiresGrad(), y.GradFn())
	}
	if !autograd.IsGradEnabled() {
		t.Fatalf("IsGradEnabled() after NoGrad = false, want true")
	}
	if z := x.Mul(3); z.GradFn() == nil || z.GradFn().Name() != "MulBackward0" {
		t.Errorf("x.Mul(3) after NoGrad: GradFn() = %v, want <MulBackward0>", z.GradFn())
	}
}

func TestGradModeNesting(t *testing.T) {
	x := tensor.New(2.0, tensor.RequiresGrad())
	var inner, after *tensor.Tensor
	var modes []bool
	autograd.NoGrad(func() {
		modes = append(modes, autograd.IsGradEnabled())
		autograd.EnableGrad(func() {
			modes = append(modes, autograd.IsGradEnabled())
			inner = x.Pow(2)
			autograd.NoGrad(func() { modes = append(modes, autograd.IsGradEnabled()) })
			modes = append(modes, autograd.IsGradEnabled())
		})
		modes = append(modes, autograd.IsGradEnabled())
		after = x.Pow(2)
	})
	modes = append(modes, autograd.IsGradEnabled())
	if want := []bool{false, true, false, true, false, true}; fmt.Sprint(modes) != fmt.Sprint(want) {
		t.Errorf("grad modes through nested scopes = %v, want %v", modes, want)
	}
	if !inner.RequiresGrad() || after.RequiresGrad() {
		t.Errorf("EnableGrad inside NoGrad: inner.RequiresGrad() = %v, after.RequiresGrad() = %v, want true, false", inner.RequiresGrad(), after.RequiresGrad())
	}
}

func TestNoGradRestoresOnPanic(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		t.Run(fmt.Sprint("enabled=", enabled), func(t *testing.T) {
			prev := autograd.SetGradEnabled(enabled)
			defer autograd.SetGradEnabled(prev)
			err := tensor.Maybe(func() {
				autograd.NoGrad(func() {
					tensor.Zeros(2).Add(tensor.Zeros(3)) // panics: shape mismatch
				})
			})
			if err == nil {
				t.Fatalf("NoGrad(shape mismatch) did not propagate the panic")
			}
			if got := autograd.IsGradEnabled(); got != enabled {
				t.Errorf("IsGradEnabled() after a panic inside NoGrad = %v, want %v", got, enabled)
			}
			func() {
				defer func() { _ = recover() }()
				autograd.EnableGrad(func() { panic("boom") })
			}()
			if got := autograd.IsGradEnabled(); got != enabled {
				t.Errorf("IsGradEnabled() after a panic inside EnableGrad = %v, want %v", got, enabled)
			}
		})
	}
}

func TestGrad(t *testing.T) {
	// z = x*y + sin(x): dz/dx = y + cos(x), dz/dy = x.
	x := tensor.New(0.5, tensor.Float64, tensor.RequiresGrad())
	y := tensor.New(-2.0, tensor.Float64, tensor.RequiresGrad())
	w := tensor.New(1.0, tensor.Float64, tensor.RequiresGrad()) // unused
	z := x.Mul(y).Add(x.Sin())
	g := autograd.Grad([]*tensor.Tensor{z}, []*tensor.Tensor{x, y, w})
	if got, want := g[0].Item(), -2+math.Cos(0.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("Grad(z, x) = %v, want %v", got, want)
	}
	if got := g[1].Item(); got != 0.5 {
		t.Errorf("Grad(z, y) = %v, want 0.5", got)
	}
	if g[2] != nil {
		t.Errorf("Grad(z, unused w) = %v, want nil", g[2])
	}
	if x.Grad() != nil || y.Grad() != nil {
		t.Errorf("Grad accumulated into leaves: x.Grad() = %v, y.Grad() = %v, want nil", x.Grad(), y.Grad())
	}
	// Non-scalar output with a Gradient per output.
	v := tensor.New([]float64{1, 2, 3}, tensor.Float64, tensor.RequiresGrad())
	gv := autograd.Grad([]*tensor.Tensor{v.Pow(2)}, []*tensor.Tensor{v}, autograd.Gradient(tensor.New([]float64{1, 0, -1}, tensor.Float64)))
	if got := gv[0].Float64s(); fmt.Sprint(got) != "[2 0 -6]" {
		t.Errorf("Grad(v², v, Gradient([1 0 -1])) = %v, want [2 0 -6]", got)
	}
	// Misuse panics with PyTorch's message.
	msg := tensor.Maybe(func() { autograd.Grad([]*tensor.Tensor{v.Pow(2)}, []*tensor.Tensor{v}) })
	if msg == nil || !strings.Contains(msg.Error(), "grad can be implicitly created only for scalar outputs") {
		t.Errorf("Grad(non-scalar, no Gradient) error = %v, want PyTorch's implicit-grad error", msg)
	}
}

func TestHigherOrder(t *testing.T) {
	// d/dx x³ = 3x² = 12 at 2; d²/dx² = 6x = 12; d³/dx³ = 6.
	x := tensor.New(2.0, tensor.RequiresGrad())
	y := x.Pow(3)
	d1 := autograd.Grad([]*tensor.Tensor{y}, []*tensor.Tensor{x}, autograd.CreateGraph())[0]
	d2 := autograd.Grad([]*tensor.Tensor{d1}, []*tensor.Tensor{x}, autograd.CreateGraph())[0]
	d3 := autograd.Grad([]*tensor.Tensor{d2}, []*tensor.Tensor{x})[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"dy/dx", d1.Item(), 12}, {"d²y/dx²", d2.Item(), 12}, {"d³y/dx³", d3.Item(), 6}} {
		if c.got != c.want {
			t.Errorf("%s of x³ at 2 = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Through matmul: f(W) = sum((W x)²) has ∇f = 2 (W x) xᵀ, and d/dW of sum(∇f) has every row
	// equal to 2 · sum(x) · xᵀ.
	W := tensor.New([][]float64{{1, 2}, {3, 4}}, tensor.Float64, tensor.RequiresGrad())
	xv := tensor.New([]float64{1, 2}, tensor.Float64)
	f := W.Matmul(xv).Pow(2).Sum()
	gW := autograd.Grad([]*tensor.Tensor{f}, []*tensor.Tensor{W}, autograd.CreateGraph())[0]
	ggW := autograd.Grad([]*tensor.Tensor{gW.Sum()}, []*tensor.Tensor{W})[0]
	if got := ggW.Float64s(); fmt.Sprint(got) != "[6 12 6 12]" { // 2 · x_j · (1+2)
		t.Errorf("second derivative through matmul = %v, want [6 12 6 12]", got)
	}
}

// TestConcurrentBackward runs forward and backward of separate graphs from separate goroutines
// (run with -race): each goroutine's gradients must be its own, and goroutines sharing a leaf
// must accumulate every contribution into it.
func TestConcurrentBackward(t *testing.T) {
	const workers, rounds = 8, 20
	shared := tensor.New([]float64{1, 2, 3}, tensor.Float64, tensor.RequiresGrad())
	data := tensor.Linspace(-1, 1, 12, tensor.Float64).Reshape(4, 3) // read by all
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				scale := float64(w + 1)
				x := tensor.Full([]int{3}, scale, tensor.Float64, tensor.RequiresGrad())
				// y = sum(tanh(data @ x)) · shared·x summed: separate graph per goroutine.
				h := data.Matmul(x).Tanh().Sum()
				y := h.Add(x.Mul(shared).Sum())
				y.Backward()
				// dy/dx = dataᵀ (1 - tanh²(data x)) + shared
				th := data.Matmul(x.Detach()).Tanh()
				want := data.T().Matmul(th.Pow(2).Neg().Add(1)).Add(shared.Detach())
				if !x.Grad().AllClose(want, 1e-12, 1e-12) {
					errs <- fmt.Sprintf("worker %d round %d: x.Grad() = %v, want %v", w, r, x.Grad(), want)
				}
				g := autograd.Grad([]*tensor.Tensor{x.Pow(2).Sum()}, []*tensor.Tensor{x})[0]
				if got := g.Float64s(); got[0] != 2*scale {
					errs <- fmt.Sprintf("worker %d round %d: Grad(sum x², x) = %v, want all %v", w, r, got, 2*scale)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// shared got Σ over workers and rounds of x = (w+1) in every element.
	want := 0.0
	for w := 0; w < workers; w++ {
		want += float64(rounds * (w + 1))
	}
	if got := shared.Grad().Float64s(); got[0] != want || got[1] != want || got[2] != want {
		t.Errorf("shared.Grad() after concurrent backward = %v, want all %v", got, want)
	}
}
