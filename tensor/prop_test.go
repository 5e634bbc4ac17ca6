package tensor_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gotensor/tensor"
)

// Property tests: broadcasting and views against a plain index model written here.

// unravel turns a flat row-major index into coordinates of shape.
func unravel(i int, shape []int) []int {
	c := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		c[d] = i % shape[d]
		i /= shape[d]
	}
	return c
}

func ravel(c, shape []int) int {
	i := 0
	for d := range shape {
		i = i*shape[d] + c[d]
	}
	return i
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func TestBroadcastProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 300; trial++ {
		nd := r.IntN(4) + 1
		out := make([]int, nd)
		for i := range out {
			out[i] = r.IntN(3) + 1
		}
		operand := func() []int {
			s := append([]int{}, out[r.IntN(nd+1):]...) // non-nil: FromSlice reads nil as 1-D
			for i := range s {
				if r.IntN(3) == 0 {
					s[i] = 1
				}
			}
			return s
		}
		sa, sb := operand(), operand()
		da, db := make([]float64, prod(sa)), make([]float64, prod(sb))
		for i := range da {
			da[i] = float64(r.IntN(19) - 9)
		}
		for i := range db {
			db[i] = float64(r.IntN(19) - 9)
		}
		a, b := tensor.FromSlice(da, sa...), tensor.FromSlice(db, sb...)
		name := fmt.Sprintf("%v op %v", sa, sb)
		got := a.Mul(b).Sub(b)
		gs := []int(got.Shape())
		want := broadcastModel(sa, sb)
		if fmt.Sprint(gs) != fmt.Sprint(want) {
			t.Fatalf("%s: shape = %v, want %v", name, gs, want)
		}
		vals := got.Float64s()
		for i := range vals {
			c := unravel(i, want)
			x, y := da[ravel(project(c, sa), sa)], db[ravel(project(c, sb), sb)]
			if vals[i] != x*y-y {
				t.Fatalf("%s: element %v = %v, want %v", name, c, vals[i], x*y-y)
			}
		}
		// The same through Expand, which must agree and share storage.
		if e := a.Expand(want...); !e.SharesStorage(a) || !e.Add(0).Equal(a.Add(tensor.Zeros(want, tensor.Float64))) {
			t.Fatalf("%s: Expand(%v) disagrees with broadcasting", name, want)
		}
	}
}

func broadcastModel(a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range out {
		x, y := 1, 1
		if k := i - (n - len(a)); k >= 0 {
			x = a[k]
		}
		if k := i - (n - len(b)); k >= 0 {
			y = b[k]
		}
		out[i] = max(x, y)
	}
	return out
}

// project maps output coordinates onto an operand of shape s (right-aligned, size-1 dims pinned).
func project(c, s []int) []int {
	p := make([]int, len(s))
	off := len(c) - len(s)
	for i := range s {
		if s[i] != 1 {
			p[i] = c[off+i]
		}
	}
	return p
}

// model is a view as a list of original flat indices in row-major order of shape.
type model struct {
	shape []int
	idx   []int
}

func (m model) remap(shape []int, from func(c []int) []int) model {
	out := model{shape: shape, idx: make([]int, prod(shape))}
	for i := range out.idx {
		out.idx[i] = m.idx[ravel(from(unravel(i, shape)), m.shape)]
	}
	return out
}

func TestViewProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 200; trial++ {
		shape := []int{r.IntN(3) + 2, r.IntN(3) + 2, r.IntN(3) + 1}
		base := tensor.Arange(prod(shape), tensor.Float64).Reshape(shape...)
		x := base
		m := model{shape: shape, idx: make([]int, prod(shape))}
		for i := range m.idx {
			m.idx[i] = i
		}
		var steps []string
		for step := 0; step < 4 && len(m.shape) > 0; step++ {
			nd := len(m.shape)
			switch op := r.IntN(6); {
			case op == 0 && nd >= 2:
				d0, d1 := r.IntN(nd), r.IntN(nd)
				ns := append([]int(nil), m.shape...)
				ns[d0], ns[d1] = ns[d1], ns[d0]
				m = m.remap(ns, func(c []int) []int {
					o := append([]int(nil), c...)
					o[d0], o[d1] = o[d1], o[d0]
					return o
				})
				x = x.Transpose(d0, d1)
				steps = append(steps, fmt.Sprintf("Transpose(%d,%d)", d0, d1))
			case op == 1:
				d := r.IntN(nd)
				n := m.shape[d]
				start, step := r.IntN(n), r.IntN(2)+1
				ns := append([]int(nil), m.shape...)
				ns[d] = (n - start + step - 1) / step
				m = m.remap(ns, func(c []int) []int {
					o := append([]int(nil), c...)
					o[d] = start + c[d]*step
					return o
				})
				x = x.SliceDim(d, start, n, step)
				steps = append(steps, fmt.Sprintf("SliceDim(%d,%d,%d,%d)", d, start, n, step))
			case op == 2 && nd >= 2:
				d := r.IntN(nd)
				i := r.IntN(m.shape[d])
				ns := append(append([]int(nil), m.shape[:d]...), m.shape[d+1:]...)
				m = m.remap(ns, func(c []int) []int {
					return append(append(append([]int(nil), c[:d]...), i), c[d:]...)
				})
				x = x.Select(d, i)
				steps = append(steps, fmt.Sprintf("Select(%d,%d)", d, i))
			case op == 3:
				d := r.IntN(nd + 1)
				ns := append(append(append([]int(nil), m.shape[:d]...), 1), m.shape[d:]...)
				m = m.remap(ns, func(c []int) []int {
					return append(append([]int(nil), c[:d]...), c[d+1:]...)
				})
				x = x.Unsqueeze(d)
				steps = append(steps, fmt.Sprintf("Unsqueeze(%d)", d))
			case op == 4:
				perm := r.Perm(nd)
				ns := make([]int, nd)
				for i, p := range perm {
					ns[i] = m.shape[p]
				}
				m = m.remap(ns, func(c []int) []int {
					o := make([]int, nd)
					for i, p := range perm {
						o[p] = c[i]
					}
					return o
				})
				x = x.Permute(perm...)
				steps = append(steps, fmt.Sprintf("Permute%v", perm))
			default:
				// Reshape to flat and back keeps the row-major order of the model.
				m = model{shape: []int{prod(m.shape)}, idx: m.idx}
				x = x.Reshape(-1)
				steps = append(steps, "Reshape(-1)")
			}
		}
		got := x.Float64s()
		if fmt.Sprint([]int(x.Shape())) != fmt.Sprint(m.shape) {
			t.Fatalf("%v: shape = %v, want %v", steps, x.Shape(), m.shape)
		}
		for i, v := range got {
			if int(v) != m.idx[i] {
				t.Fatalf("%v: element %d = %v, want %d", steps, i, v, m.idx[i])
			}
		}
		// Views (all but a copying Reshape) share storage: writing through one shows in base.
		if x.SharesStorage(base) && x.Numel() > 0 {
			x.Fill_(-1)
			bv := base.Float64s()
			for _, i := range m.idx {
				if bv[i] != -1 {
					t.Fatalf("%v: Fill_ through the view did not reach base[%d]", steps, i)
				}
			}
		}
	}
}

func TestViewErrorsLikePyTorch(t *testing.T) {
	x := tensor.Arange(6).Reshape(2, 3)
	if msg := mustFail(t, func() { x.T().View(-1) }); msg != "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead." {
		t.Errorf("View of a transpose = %q", msg)
	}
	// Reshape copies instead, and a view of a view that keeps contiguity chunks works.
	if got := fmt.Sprint(x.T().Reshape(-1).Int64s()); got != "[0 3 1 4 2 5]" {
		t.Errorf("T().Reshape(-1) = %s", got)
	}
	// A non-contiguous tensor can still be viewed when no new dim spans two strided chunks
	// (values from PyTorch: torch.arange(24).reshape(2,3,4).transpose(0,1).view(3,2,2,2)).
	y := tensor.Arange(24).Reshape(2, 3, 4).Transpose(0, 1)
	v := y.View(3, 2, 2, 2)
	want := "[0 1 2 3 12 13 14 15 4 5 6 7 16 17 18 19 8 9 10 11 20 21 22 23]"
	if got := fmt.Sprint(v.Int64s()); got != want || !v.SharesStorage(y) {
		t.Errorf("View(3, 2, 2, 2) of a transpose = %s (shares %v), want %s", got, v.SharesStorage(y), want)
	}
}

// TestBroadcastLarge covers the multi-core strided path (more than 65,536 output elements).
func TestBroadcastLarge(t *testing.T) {
	a := tensor.Arange(512, tensor.Float64).Reshape(512, 1)
	b := tensor.Arange(300, tensor.Float64).Reshape(1, 300).Mul(1000)
	got := a.Sub(b).T() // a non-contiguous result view
	vals := got.Contiguous().Float64s()
	for j := 0; j < 300; j++ {
		for i := 0; i < 512; i++ {
			if v, want := vals[j*512+i], float64(i)-1000*float64(j); v != want {
				t.Fatalf("(a - b)[%d, %d] = %v, want %v", i, j, v, want)
			}
		}
	}
	c := tensor.Arange(600*300, tensor.Float64).Reshape(600, 300).T().Add(tensor.Ones(600, tensor.Float64))
	cv := c.Float64s()
	for j := 0; j < 300; j++ {
		for i := 0; i < 600; i++ {
			if v, want := cv[j*600+i], float64(i*300+j)+1; v != want {
				t.Fatalf("(x.T() + 1)[%d, %d] = %v, want %v", j, i, v, want)
			}
		}
	}
}
