package tensor

import (
	"errors"
	"strings"
	"testing"
)

func TestViewOfTensorChangedInPlace(t *testing.T) {
	catch := func(f func()) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err, _ = r.(error)
				if err == nil {
					t.Fatalf("panic %v", r)
				}
			}
		}()
		f()
		return nil
	}
	// y changed in place after the view: PyTorch gives x.grad [6 6]; gotensor refuses.
	x := New([]float64{1, 2}, RequiresGrad())
	y := x.Mul(2)
	v := y.View(2)
	y.Mul_(3)
	err := catch(func() { v.Sum().Backward() })
	if err == nil || !errors.Is(err, ErrAutograd) || !strings.Contains(err.Error(), "this view (ViewBackward0) was taken of a tensor that an in-place operation changed afterwards") {
		t.Errorf("using a stale view = %v, want the view error", err)
	}
	err = catch(func() { y.Index(0).Backward() })
	if err != nil {
		t.Errorf("a view taken after the in-place op: Backward = %v, want none", err)
	}
	// A view used before the in-place op kept the right edge: torch gives x.grad [2 2].
	x4 := New([]float64{1, 2}, RequiresGrad())
	y4 := x4.Mul(2)
	z4 := y4.View(2).Sum()
	y4.Add_(1)
	z4.Backward()
	if got := x4.Grad().Float64s(); got[0] != 2 || got[1] != 2 {
		t.Errorf("x4.Grad() = %v, want [2 2]", got)
	}
	// A view of a view answers to the first base.
	x6 := New([]float64{1, 2, 3, 4}, RequiresGrad())
	y6 := x6.Mul(2)
	vv := y6.View(2, 2).T()
	y6.Mul_(3)
	if err := catch(func() { vv.Sum().Backward() }); err == nil || !strings.Contains(err.Error(), "TBackward0") {
		t.Errorf("a stale view of a view = %v, want the view error", err)
	}
	// Backward called on the stale view itself.
	x5 := New([]float64{1, 2}, RequiresGrad())
	y5 := x5.Mul(2)
	h5 := y5.Index(0)
	y5.Mul_(3)
	if err := catch(func() { h5.Backward() }); err == nil || !strings.Contains(err.Error(), "SelectBackward0") {
		t.Errorf("h5.Backward() on a stale view = %v, want the view error", err)
	}
	// The view taken after the in-place op is right: d(sum(6x))/dx = 6.
	x2 := New([]float64{1, 2}, RequiresGrad())
	y2 := x2.Mul(2)
	y2.Mul_(3)
	y2.View(2).Sum().Backward()
	if got := x2.Grad().Float64s(); got[0] != 6 || got[1] != 6 {
		t.Errorf("x2.Grad() = %v, want [6 6]", got)
	}
	// An in-place change under NoGrad keeps y's history: no error, the old graph's gradient (as torch).
	x3 := New([]float64{1, 2}, RequiresGrad())
	y3 := x3.Mul(2)
	v3 := y3.View(2)
	prev := SetGradEnabled(false)
	y3.Mul_(3)
	SetGradEnabled(prev)
	v3.Sum().Backward()
	if got := x3.Grad().Float64s(); got[0] != 2 {
		t.Errorf("x3.Grad() = %v, want [2 2]", got)
	}
	// An in-place op on a view with an operand that requires grad, its base not: refused.
	w := New([]float64{1, 1}, RequiresGrad())
	base := Zeros(2, 2)
	err = catch(func() { base.Index(0).Add_(w) })
	if err == nil || !strings.Contains(err.Error(), "in-place operation on a view with an operand that requires grad") {
		t.Errorf("base.Index(0).Add_(w) = %v, want the CopySlices error", err)
	}
	if got := base.Sum().Item(); got != 0 {
		t.Errorf("base after the refused op sums to %v, want 0 (unchanged)", got)
	}
}
