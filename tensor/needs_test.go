package tensor

import (
	"strings"
	"testing"
)

// TestRulesSkipInputsWithoutGrad checks that every rule with several inputs returns no
// gradient for an input that needs none (its Next entry is nil), and the gradient it does
// return still has the right values.
func TestRulesSkipInputsWithoutGrad(t *testing.T) {
	m := func(rows, cols int) *Tensor { return Randn(rows, cols, Float64) }
	cases := []struct {
		name string
		op   func(a, b *Tensor) *Tensor
		a, b func() *Tensor
	}{
		{"Add", (*Tensor).addT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(1, 4) }},
		{"Sub", (*Tensor).subT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 1) }},
		{"Mul", (*Tensor).mulT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4) }},
		{"Div", (*Tensor).divT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4).Abs().Add(1) }},
		{"Pow", (*Tensor).powT, func() *Tensor { return m(3, 4).Abs().Add(1) }, func() *Tensor { return m(3, 4) }},
		{"Maximum", (*Tensor).maxT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4) }},
		{"Minimum", (*Tensor).minT, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4) }},
		{"Where", func(a, b *Tensor) *Tensor { return Where(a.Gt(0), a, b) }, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4) }},
		{"Mm", (*Tensor).Mm, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(4, 5) }},
		{"Bmm", (*Tensor).Bmm, func() *Tensor { return Randn(2, 3, 4, Float64) }, func() *Tensor { return Randn(2, 4, 5, Float64) }},
		{"Mv", (*Tensor).Mv, func() *Tensor { return m(3, 4) }, func() *Tensor { return Randn(4, Float64) }},
		{"Dot", (*Tensor).Dot, func() *Tensor { return Randn(4, Float64) }, func() *Tensor { return Randn(4, Float64) }},
		{"Cat", func(a, b *Tensor) *Tensor { return Cat([]*Tensor{a, b}, 0) }, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(2, 4) }},
		{"Stack", func(a, b *Tensor) *Tensor { return Stack([]*Tensor{a, b}, 1) }, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(3, 4) }},
		{"Copy_", func(a, b *Tensor) *Tensor { return a.Clone().Copy_(b) }, func() *Tensor { return m(3, 4) }, func() *Tensor { return m(1, 4) }},
	}
	for _, tc := range cases {
		for grad := 0; grad < 2; grad++ {
			t.Run(tc.name+"/input"+string(rune('0'+grad)), func(t *testing.T) {
				Seed(3)
				a, b := tc.a(), tc.b()
				in := []*Tensor{a, b}
				in[grad].SetRequiresGrad(true)
				y := tc.op(a, b)
				n := y.GradFn()
				g := OnesLike(y)
				got := n.apply(&bctx{n: n}, g)
				if got[1-grad] != nil {
					t.Errorf("%s backward with only input %d requiring grad computed a gradient for input %d", n.Name(), grad, 1-grad)
				}
				if got[grad] == nil {
					t.Fatalf("%s backward returned no gradient for input %d, which requires grad", n.Name(), grad)
				}
				// The same gradient through the full rule (both inputs requiring grad).
				a2, b2 := a.Detach().SetRequiresGrad(true), b.Detach().SetRequiresGrad(true)
				y2 := tc.op(a2, b2)
				full := y2.GradFn().apply(&bctx{n: y2.GradFn()}, g)
				if !got[grad].AllClose(full[grad], 1e-12, 1e-12) {
					t.Errorf("%s gradient of input %d = %v, want %v", n.Name(), grad, got[grad], full[grad])
				}
			})
		}
	}
}

func (t *Tensor) addT(o *Tensor) *Tensor { return t.Add(o) }
func (t *Tensor) subT(o *Tensor) *Tensor { return t.Sub(o) }
func (t *Tensor) mulT(o *Tensor) *Tensor { return t.Mul(o) }
func (t *Tensor) divT(o *Tensor) *Tensor { return t.Div(o) }
func (t *Tensor) powT(o *Tensor) *Tensor { return t.Pow(o) }
func (t *Tensor) maxT(o *Tensor) *Tensor { return t.Maximum(o) }
func (t *Tensor) minT(o *Tensor) *Tensor { return t.Minimum(o) }

// TestMmSkipsUnneededSavedTensor follows PyTorch: in y = a.mm(b) with only b requiring grad,
// b's values are not needed for backward, so changing b in place afterwards is no error.
func TestMmSkipsUnneededSavedTensor(t *testing.T) {
	a := Randn(3, 4)
	b := Randn(4, 2, RequiresGrad())
	y := a.Mm(b).Sum()
	prev := SetGradEnabled(false)
	b.Add_(1)
	SetGradEnabled(prev)
	if err := Maybe(func() { y.Backward() }); err != nil {
		t.Fatalf("Backward() after changing b in place = %v, want no error (a needs no gradient)", err)
	}
	want := a.SumDim(0, true).T().Expand(4, 2)
	if !b.Grad().AllClose(want, 1e-6, 1e-6) {
		t.Errorf("b.Grad() = %v, want %v", b.Grad(), want)
	}
	// The input that does need b's old values still detects the change.
	a2 := Randn(3, 4, RequiresGrad())
	y2 := a2.Mm(b).Sum()
	SetGradEnabled(false)
	b.Add_(1)
	SetGradEnabled(prev)
	err := Maybe(func() { y2.Backward() })
	if err == nil || !strings.Contains(err.Error(), "modified by an inplace operation") {
		t.Errorf("Backward() after changing b in place with a requiring grad = %v, want the version error", err)
	}
}
