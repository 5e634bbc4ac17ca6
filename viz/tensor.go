package viz

import (
	"fmt"
	"math"
	"strings"

	"gotensor/tensor"
)

// This file adapts *tensor.Tensor to the plain renderers. viz imports tensor, never the other way round: the
// runtime (or autograd) calls these functions when it displays a tensor or a graph.

// TensorInfoOf describes t for TensorInfoHTML. A CPU tensor's values are read through views (Index, then Narrow
// on the last dim) of a detached t. A tensor on another device is first cut down on the device to the edges
// the default view can show (Narrow and Cat along each long dim), and that small tensor is copied to the host
// once; so only about what is shown leaves the device (a view with larger HTMLOptions than the defaults then
// reports the values as unavailable). Stats come from all values on the host for a CPU tensor; for another
// device from reductions on the device (Min, Max, Mean, Std, and NaN/Inf counts from comparisons), left out if
// those fail.
func TensorInfoOf(t *tensor.Tensor) TensorInfo {
	d := t.Detach()
	info := TensorInfo{
		Shape:        []int(t.Shape()),
		DType:        strings.TrimPrefix(t.DType().String(), "torch."),
		ElemSize:     t.DType().Size(),
		Device:       t.Device().String(),
		RequiresGrad: t.RequiresGrad(),
		Name:         t.Name(),
	}
	if fn := t.GradFn(); fn != nil {
		info.GradFn = fn.Name()
	}
	info.Segment = func(index []int, start, n int) []float64 {
		v := d
		if len(index) > 0 {
			v = v.Index(index...)
		}
		if v.Dim() > 0 {
			v = v.Narrow(v.Dim()-1, start, n)
		}
		return v.Float64s()
	}
	if d.Device().Type != "cpu" || gatherOnCPU {
		if seg, ok := gatheredSegment(d); ok {
			info.Segment = seg
		}
	}
	if t.Numel() > 1 {
		info.Stats = tensorStats(d)
	}
	return info
}

// gatherOnCPU makes TensorInfoOf take the device path for CPU tensors too, so tests can check it without a GPU.
var gatherOnCPU = false

// Edges kept per dim by gatheredSegment: enough for the default HTMLOptions (which show at most 20 values of
// the last two dims whole, else 8 from each end; of a leading dim 6 whole, else 3 from each end).
const (
	gatherEdgeInner = 10
	gatherEdgeLead  = 3
	gatherMaxValues = 1 << 20
)

// gatheredSegment cuts d down on its device to the first and last few entries of every long dim, copies that
// to the host in one transfer, and returns a Segment reading from the copy. ok is false when the device could
// not do it or the cut-down tensor would still be large; the caller then reads through views.
func gatheredSegment(d *tensor.Tensor) (seg func(index []int, start, n int) []float64, ok bool) {
	shape := []int(d.Shape())
	nd := len(shape)
	keep := make([]int, nd) // entries kept from each end of a cut dim; 0 when the dim is kept whole
	small := make([]int, nd)
	total := 1
	for i, n := range shape {
		k := gatherEdgeLead
		if i >= nd-2 {
			k = gatherEdgeInner
		}
		small[i] = n
		if n > 2*k {
			keep[i], small[i] = k, 2*k
		}
		total *= small[i]
	}
	if total > gatherMaxValues {
		return nil, false
	}
	var host []float64
	err := tensor.Maybe(func() {
		g := d
		for i, k := range keep {
			if k > 0 {
				g = tensor.Cat([]*tensor.Tensor{g.Narrow(i, 0, k), g.Narrow(i, shape[i]-k, k)}, i)
			}
		}
		host = g.Float64s()
	})
	if err != nil || len(host) != total {
		return nil, false
	}
	// at maps an index of d to the cut-down copy; it panics for an entry that was not copied.
	at := func(dim, i int) int {
		k := keep[dim]
		switch {
		case k == 0 || i < k:
			return i
		case i >= shape[dim]-k:
			return i - (shape[dim] - 2*k)
		}
		panic(fmt.Sprintf("entry %d of dim %d was not copied from the device", i, dim))
	}
	return func(index []int, start, n int) []float64 {
		off := 0
		for i, x := range index {
			off = off*small[i] + at(i, x)
		}
		if nd == 0 {
			return host[:1]
		}
		last := nd - 1
		off *= small[last]
		a, b := at(last, start), at(last, start+n-1)
		if b-a != n-1 {
			panic(fmt.Sprintf("values %d..%d of the last dim span a cut", start, start+n-1))
		}
		return host[off+a : off+b+1]
	}, true
}

// tensorStats summarises d, or returns nil when it cannot.
func tensorStats(d *tensor.Tensor) *Stats {
	if d.Device().Type == "cpu" {
		st := ComputeStats(d.Float64s())
		return &st
	}
	var st Stats
	err := tensor.Maybe(func() {
		// On a device, reduce there and copy back a handful of scalars. Min, Max, Mean and Std propagate NaN
		// (PyTorch's semantics) rather than skip it as ComputeStats does, and Mean and Std ±Inf too
		// (FiniteMean stays false, so the stats line says plain "mean"); the counts say why.
		st.Count = d.Numel()
		st.NaN = int(d.Ne(d).Sum().Item())
		st.Inf = int(d.Abs().Eq(inf).Sum().Item())
		st.Min, st.Max = d.Min().Item(), d.Max().Item()
		st.Mean, st.Std = d.Mean().Item(), d.Std().Item()
	})
	if err != nil {
		return nil
	}
	return &st
}

var inf = math.Inf(1)

// TensorHTML renders t as the HTML view described at TensorInfoHTML, with default options. A nil tensor
// renders as "<nil>"; a failure reading values is shown in the HTML rather than panicking.
func TensorHTML(t *tensor.Tensor) (html string) {
	if t == nil {
		return "<pre>&lt;nil&gt;</pre>"
	}
	defer func() {
		if r := recover(); r != nil {
			html = `<pre>` + escapeText(fmt.Sprintf("tensor display failed: %v", r)) + `</pre>`
		}
	}()
	return TensorInfoHTML(TensorInfoOf(t), HTMLOptions{})
}

// TensorBundle is the MIME bundle a notebook shows for t: text/plain is t.String() (PyTorch's printed form),
// text/html the TensorHTML view.
func TensorBundle(t *tensor.Tensor) map[string]any {
	return map[string]any{"text/plain": t.String(), "text/html": TensorHTML(t)}
}

// LinePlotTensor draws a 1-D tensor (or any tensor, flattened) against its index.
func LinePlotTensor(t *tensor.Tensor, opts PlotOptions) (*Figure, error) {
	v, err := hostValues(t)
	if err != nil {
		return nil, fmt.Errorf("line plot: %w", err)
	}
	return LinePlot(v, opts)
}

// ScatterPlotTensors draws one dot per element pair of x and y (flattened; same number of elements).
func ScatterPlotTensors(x, y *tensor.Tensor, opts PlotOptions) (*Figure, error) {
	xs, err := hostValues(x)
	if err != nil {
		return nil, fmt.Errorf("scatter plot: x: %w", err)
	}
	ys, err := hostValues(y)
	if err != nil {
		return nil, fmt.Errorf("scatter plot: y: %w", err)
	}
	return ScatterPlot(xs, ys, opts)
}

// HeatmapPlotTensor draws a 2-D tensor as a heatmap (see HeatmapPlot).
func HeatmapPlotTensor(t *tensor.Tensor, opts PlotOptions) (*Figure, error) {
	if t == nil || t.Dim() != 2 {
		dims := -1
		if t != nil {
			dims = t.Dim()
		}
		return nil, fmt.Errorf("heatmap plot: want a 2-D tensor, got %d dims", dims)
	}
	v, err := hostValues(t)
	if err != nil {
		return nil, fmt.Errorf("heatmap plot: %w", err)
	}
	s := t.Shape()
	return HeatmapPlot(s[0], s[1], v, opts)
}

// hostValues copies t's values to the host, turning a tensor panic into an error.
func hostValues(t *tensor.Tensor) (v []float64, err error) {
	if t == nil {
		return nil, fmt.Errorf("nil tensor")
	}
	err = tensor.Maybe(func() { v = t.Detach().Float64s() })
	return v, err
}
