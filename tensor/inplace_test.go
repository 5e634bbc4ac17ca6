package tensor

import (
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestInplaceKernels checks each in-place op against its out-of-place twin, that it writes
// through to the receiver's storage without a result-sized temporary, and that it bumps the
// version counter once.
func TestInplaceKernels(t *testing.T) {
	const n = 1 << 18 // 1 MiB of float32: a temporary would show in the allocation count
	cases := []struct {
		name    string
		inplace func(x *Tensor) *Tensor
		want    func(x *Tensor) *Tensor
	}{
		{"Add_", func(x *Tensor) *Tensor { return x.Add_(otherT) }, func(x *Tensor) *Tensor { return x.Add(otherT) }},
		{"Add_/row", func(x *Tensor) *Tensor { return x.Add_(rowT) }, func(x *Tensor) *Tensor { return x.Add(rowT) }},
		{"AddScaled_", func(x *Tensor) *Tensor { return x.AddScaled_(otherT, -0.25) }, func(x *Tensor) *Tensor { return x.Add(otherT.Mul(-0.25)) }},
		{"AddScaled_/scalar", func(x *Tensor) *Tensor { return x.AddScaled_(3.0, 0.5) }, func(x *Tensor) *Tensor { return x.Add(1.5) }},
		{"Sub_", func(x *Tensor) *Tensor { return x.Sub_(otherT) }, func(x *Tensor) *Tensor { return x.Sub(otherT) }},
		{"Mul_", func(x *Tensor) *Tensor { return x.Mul_(otherT) }, func(x *Tensor) *Tensor { return x.Mul(otherT) }},
		{"Mul_/scalar", func(x *Tensor) *Tensor { return x.Mul_(0.9) }, func(x *Tensor) *Tensor { return x.Mul(0.9) }},
		{"Div_", func(x *Tensor) *Tensor { return x.Div_(otherT) }, func(x *Tensor) *Tensor { return x.Div(otherT) }},
		{"Zero_", func(x *Tensor) *Tensor { return x.Zero_() }, func(x *Tensor) *Tensor { return ZerosLike(x) }},
		{"Fill_", func(x *Tensor) *Tensor { return x.Fill_(2.5) }, func(x *Tensor) *Tensor { return FullLike(x, 2.5) }},
		{"Copy_", func(x *Tensor) *Tensor { return x.Copy_(otherT) }, func(x *Tensor) *Tensor { return otherT.Clone() }},
	}
	Seed(7)
	otherT = Rand(n/512, 512).Add(0.5)
	rowT = Randn(512)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := Randn(n/512+1, 512)
			x := base.Narrow(0, 1, n/512) // a contiguous view at an offset
			want := tc.want(x)
			v := x.st.version.Load()
			var got *Tensor
			tc.inplace(x.Clone()) // warm up pools and goroutines
			bytes := allocated(func() { got = tc.inplace(x) })
			if got != x {
				t.Errorf("%s returned a new tensor, want its receiver", tc.name)
			}
			if !x.AllClose(want, 1e-6, 1e-6) || !base.Narrow(0, 1, n/512).Equal(x) {
				t.Errorf("%s = %v, want %v", tc.name, x, want)
			}
			if bytes > n/4 {
				t.Errorf("%s allocated %d bytes on a %d-byte tensor, want no result-sized temporary", tc.name, bytes, 4*n)
			}
			if d := x.st.version.Load() - v; d != 1 {
				t.Errorf("%s bumped the version by %d, want 1", tc.name, d)
			}
		})
	}
}

var otherT, rowT *Tensor

// TestInplaceEdges covers the cases the direct kernels must hand back or refuse.
func TestInplaceEdges(t *testing.T) {
	t.Run("aliased transpose", func(t *testing.T) {
		x := New([][]float64{{1, 2}, {3, 4}})
		x.Add_(x.T())
		if want := New([][]float64{{2, 5}, {5, 8}}); !x.Equal(want) {
			t.Errorf("x.Add_(x.T()) = %v, want %v", x, want)
		}
		y := Arange(4, Float64)
		y.Narrow(0, 1, 3).Copy_(y.Narrow(0, 0, 3))
		if want := New([]float64{0, 0, 1, 2}, Float64); !y.Equal(want) {
			t.Errorf("overlapping Copy_ = %v, want %v", y, want)
		}
	})
	t.Run("self", func(t *testing.T) {
		x := New([]float64{1, 2, 3})
		if want := New([]float64{2, 4, 6}); !x.Add_(x).Equal(want) {
			t.Errorf("x.Add_(x) = %v, want %v", x, want)
		}
	})
	t.Run("non-contiguous receiver", func(t *testing.T) {
		x := New([][]float64{{1, 2}, {3, 4}})
		x.T().Mul_(New([]float64{10, 100}))
		if want := New([][]float64{{10, 20}, {300, 400}}); !x.Equal(want) {
			t.Errorf("x.T().Mul_([10, 100]) = %v, want %v", x, want)
		}
		x.T().Fill_(1)
		if !x.Equal(OnesLike(x)) {
			t.Errorf("x.T().Fill_(1) = %v, want ones", x)
		}
	})
	t.Run("integer", func(t *testing.T) {
		x := New([]int{1, 2, 3})
		x.Mul_(2).Add_(New([]int{1, 1, 1}))
		if want := New([]int{3, 5, 7}); !x.Equal(want) {
			t.Errorf("int Mul_(2).Add_(1) = %v, want %v", x, want)
		}
	})
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"leaf requires grad", "a leaf Variable that requires grad", func() { Ones(3, RequiresGrad()).Add_(1) }},
		{"leaf requires grad AddScaled_", "a leaf Variable that requires grad", func() { Ones(3, RequiresGrad()).AddScaled_(Ones(3), 2) }},
		{"leaf requires grad Zero_", "a leaf Variable that requires grad", func() { Ones(3, RequiresGrad()).Zero_() }},
		{"leaf requires grad Copy_", "a leaf Variable that requires grad", func() { Ones(3, RequiresGrad()).Copy_(Zeros(3)) }},
		{"int receiver float result", "can't be cast to the desired output type", func() { New([]int{1, 2}).Mul_(0.5) }},
		{"int Div_", "can't be cast to the desired output type", func() { New([]int{1, 2}).Div_(2) }},
		{"broadcast grows receiver", "doesn't match the broadcast shape", func() { Ones(3).Add_(Ones(2, 3)) }},
		{"Copy_ grows receiver", "doesn't match the broadcast shape", func() { Ones(3).Copy_(Ones(2, 3)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Maybe(tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	t.Run("saved tensor changed", func(t *testing.T) {
		w := Ones(3, RequiresGrad())
		x := Full([]int{3}, 2.0)
		y := w.Mul(x).Sum()
		x.Mul_(3)
		err := Maybe(func() { y.Backward() })
		if err == nil || !strings.Contains(err.Error(), "is at version 1; expected version 0") {
			t.Errorf("Backward after x.Mul_ = %v, want the version error", err)
		}
	})
}
