package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PrintOptions mirror PyTorch's torch.set_printoptions defaults.
var PrintOptions = struct {
	Precision int // digits after the point
	Threshold int // more elements than this are summarized
	EdgeItems int // elements shown at each edge when summarized
	LineWidth int // characters per line
}{Precision: 4, Threshold: 1000, EdgeItems: 3, LineWidth: 80}

// String formats t exactly as PyTorch 1.13 prints it: tensor([[1, 2],\n        [3, 4]]), with
// dtype, device, requires_grad and grad_fn suffixes, scientific notation and edge summaries.
// Only the elements shown leave a device: a summarized CUDA tensor is cut down to its edges on
// the GPU first. When a device cannot give the values (a released buffer, a failed copy),
// the values read "<values unavailable: why>" and the size follows the device.
func (t *Tensor) String() string { return t.str("") }

// str is String with each shown element formatted by spec, a fmt format such as "%.2f" (see
// Format), instead of PyTorch's rules when spec is "".
func (t *Tensor) str(spec string) string {
	if t == nil || t.st == nil {
		return "<nil>"
	}
	prefix := "tensor("
	indent := len(prefix)
	var suffixes []string
	if t.st.dev.Type != "cpu" {
		suffixes = append(suffixes, "device='"+t.st.dev.String()+"'")
	}
	dt := t.dtype()
	var body string
	if t.Numel() == 0 {
		if t.Dim() != 1 {
			suffixes = append(suffixes, "size="+pyTuple(t.shape))
		}
		if dt != DefaultFloat {
			suffixes = append(suffixes, "dtype="+dt.String())
		}
		body = "[]"
	} else {
		var err error
		if body, err = tensorStr(t, indent, spec); err != nil {
			body = "<values unavailable: " + err.Error() + ">"
			suffixes = append(suffixes, "size="+pyTuple(t.shape))
		}
		if dt != DefaultFloat && dt != Int64 && dt != Bool {
			suffixes = append(suffixes, "dtype="+dt.String())
		}
	}
	if t.grad.fn != nil {
		suffixes = append(suffixes, "grad_fn=<"+t.grad.fn.name+">")
	} else if t.grad.requiresGrad {
		suffixes = append(suffixes, "requires_grad=True")
	}
	return addSuffixes(prefix+body, suffixes, indent)
}

func pyTuple(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.Itoa(d)
	}
	if len(s) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func addSuffixes(s string, suffixes []string, indent int) string {
	var b strings.Builder
	b.WriteString(s)
	lastLine := len(s) - strings.LastIndex(s, "\n") + 1
	for _, suf := range suffixes {
		if lastLine+len(suf)+2 > PrintOptions.LineWidth {
			b.WriteString(",\n" + strings.Repeat(" ", indent) + suf)
			lastLine = indent + len(suf)
		} else {
			b.WriteString(", " + suf)
			lastLine += len(suf) + 2
		}
	}
	b.WriteString(")")
	return b.String()
}

// formatter is PyTorch's _Formatter: one width and one notation for every element. With a
// spec (Format's verb), each element is formatted by fmt with it instead, to one width.
type formatter struct {
	floating, intMode, sciMode bool
	width                      int
	spec                       string
}

// newSpecFormatter returns the formatter of t's elements under spec (see Format).
func newSpecFormatter(t *Tensor, spec string) *formatter {
	f := &formatter{spec: spec, width: 1}
	for _, s := range specStrings(t, spec) {
		f.width = max(f.width, len(s))
	}
	return f
}

// specStrings formats each element of the host tensor t with spec, whose verb suits t's dtype
// (verbFits): Float32 elements as float32 (so %g prints them as short as fmt prints a float32),
// integers as int64 under %d and as float64 under a float verb.
func specStrings(t *Tensor, spec string) []string {
	var out []string
	switch t.dtype() {
	case Float32:
		for _, v := range t.Float32s() {
			out = append(out, fmt.Sprintf(spec, v))
		}
	case Float64:
		for _, v := range t.Float64s() {
			out = append(out, fmt.Sprintf(spec, v))
		}
	case Bool:
		for _, v := range t.Bools() {
			out = append(out, fmt.Sprintf(spec, v))
		}
	default:
		integer := strings.HasSuffix(spec, "d")
		for _, v := range t.Int64s() {
			if integer {
				out = append(out, fmt.Sprintf(spec, v))
			} else {
				out = append(out, fmt.Sprintf(spec, float64(v)))
			}
		}
	}
	return out
}

func newFormatter(t *Tensor) *formatter {
	f := &formatter{floating: t.dtype().IsFloat(), intMode: true, width: 1}
	if !f.floating {
		for _, s := range elemStrings(t) {
			f.width = max(f.width, len(s))
		}
		return f
	}
	var vals []float64
	for _, v := range t.Float64s() {
		if !math.IsInf(v, 0) && !math.IsNaN(v) && v != 0 {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return f
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range vals {
		a := math.Abs(v)
		lo, hi = min(lo, a), max(hi, a)
		if v != math.Ceil(v) {
			f.intMode = false
		}
	}
	p := PrintOptions.Precision
	switch {
	case f.intMode && (hi/lo > 1000 || hi > 1e8):
		f.sciMode = true
		for _, v := range vals {
			f.width = max(f.width, len(pyFloat(v, 'e', p)))
		}
	case f.intMode:
		for _, v := range vals {
			f.width = max(f.width, len(pyFloat(v, 'f', 0))+1)
		}
	case hi/lo > 1000 || hi > 1e8 || lo < 1e-4:
		f.sciMode = true
		for _, v := range vals {
			f.width = max(f.width, len(pyFloat(v, 'e', p)))
		}
	default:
		for _, v := range vals {
			f.width = max(f.width, len(pyFloat(v, 'f', p)))
		}
	}
	return f
}

// pyFloat formats like Python's '{:.Nf}' / '{:.Ne}' (nan and inf spelled as Python does).
func pyFloat(v float64, verb byte, prec int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, verb, prec, 64)
}

func (f *formatter) format(s string, v float64) string {
	if f.floating {
		switch {
		case f.sciMode:
			s = pyFloat(v, 'e', PrintOptions.Precision)
		case f.intMode:
			s = pyFloat(v, 'f', 0)
			if !math.IsInf(v, 0) && !math.IsNaN(v) {
				s += "."
			}
		default:
			s = pyFloat(v, 'f', PrintOptions.Precision)
		}
	}
	if n := f.width - len(s); n > 0 {
		s = strings.Repeat(" ", n) + s
	}
	return s
}

// elemStrings returns Python's str() of each element of a non-floating tensor.
func elemStrings(t *Tensor) []string {
	if t.dtype() == Bool {
		bs := t.Bools()
		out := make([]string, len(bs))
		for i, b := range bs {
			out[i] = "False"
			if b {
				out[i] = "True"
			}
		}
		return out
	}
	is := t.Int64s()
	out := make([]string, len(is))
	for i, v := range is {
		out[i] = strconv.FormatInt(v, 10)
	}
	return out
}

// elems returns the elements of a small tensor formatted by f.
func (f *formatter) elems(t *Tensor) []string {
	if f.floating {
		vs := t.Float64s()
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = f.format("", v)
		}
		return out
	}
	var out []string
	if f.spec != "" {
		out = specStrings(t, f.spec)
	} else {
		out = elemStrings(t)
	}
	for i, s := range out {
		out[i] = f.format(s, 0)
	}
	return out
}

// tensorStr formats the values of a non-empty t (each with spec unless it is ""), or says why
// it cannot read them.
func tensorStr(t *Tensor, indent int, spec string) (string, error) {
	summarize := t.Numel() > PrintOptions.Threshold
	var shown *Tensor
	if err := Maybe(func() { shown = shownOnHost(t, summarize) }); err != nil {
		return "", err
	}
	f := newFormatter
	if spec != "" {
		f = func(t *Tensor) *formatter { return newSpecFormatter(t, spec) }
	}
	return tensorStrWith(shown, t.shape, indent, summarize, f(shown)), nil
}

// shownOnHost returns, on the host, the elements String shows of t: t itself when nothing is
// summarized, else PyTorch's get_summarized_data (every dim of more than 2·EdgeItems entries
// cut to its first and last EdgeItems). A CUDA tensor is cut down on its device and only the
// cut is copied (cudaShown), so printing a huge GPU tensor copies a few hundred bytes.
func shownOnHost(t *Tensor, summarize bool) *Tensor {
	switch {
	case t.st.dev.Type == "cpu":
	case isGPUBuffer(t.st):
		return cudaShown(t, summarize)
	default:
		t = t.Detach().cpuView()
	}
	if summarize {
		return summarized(t)
	}
	return t
}

// summarized gathers the edge elements PyTorch shows of a large tensor (get_summarized_data).
func summarized(t *Tensor) *Tensor {
	e := PrintOptions.EdgeItems
	switch {
	case t.Dim() == 0:
		return t
	case t.Dim() == 1:
		if t.shape[0] > 2*e {
			return Cat([]*Tensor{t.SliceDim(0, 0, e, 1), t.SliceDim(0, t.shape[0]-e, t.shape[0], 1)}, 0)
		}
		return t
	}
	var idx []int
	if t.shape[0] > 2*e {
		for i := 0; i < e; i++ {
			idx = append(idx, i)
		}
		for i := t.shape[0] - e; i < t.shape[0]; i++ {
			idx = append(idx, i)
		}
	} else {
		for i := 0; i < t.shape[0]; i++ {
			idx = append(idx, i)
		}
	}
	parts := make([]*Tensor, len(idx))
	for j, i := range idx {
		parts[j] = summarized(t.Select(0, i))
	}
	return Stack(parts, 0)
}

// tensorStrWith formats shown, the elements shownOnHost kept of a tensor of shape full: when
// summarize, a dim of full longer than 2·EdgeItems holds its first and last EdgeItems entries
// in shown, with "..." printed between them.
func tensorStrWith(shown *Tensor, full []int, indent int, summarize bool, f *formatter) string {
	e := PrintOptions.EdgeItems
	switch len(full) {
	case 0:
		return f.elems(shown)[0]
	case 1:
		return vectorStr(shown, full[0], indent, summarize, f)
	}
	var slices []string
	row := func(i int) string { return tensorStrWith(shown.Select(0, i), full[1:], indent+1, summarize, f) }
	if summarize && full[0] > 2*e {
		for i := 0; i < e; i++ {
			slices = append(slices, row(i))
		}
		slices = append(slices, "...")
		for i := e; i < 2*e; i++ {
			slices = append(slices, row(i))
		}
	} else {
		for i := 0; i < full[0]; i++ {
			slices = append(slices, row(i))
		}
	}
	sep := "," + strings.Repeat("\n", len(full)-1) + strings.Repeat(" ", indent+1)
	return "[" + strings.Join(slices, sep) + "]"
}

// vectorStr formats the one-dim shown of a vector of n entries (see tensorStrWith).
func vectorStr(shown *Tensor, n, indent int, summarize bool, f *formatter) string {
	e := PrintOptions.EdgeItems
	perLine := max(1, (PrintOptions.LineWidth-indent)/(f.width+2))
	var data []string
	if summarize && n > 2*e {
		data = append(f.elems(shown.SliceDim(0, 0, e, 1)), " ...")
		data = append(data, f.elems(shown.SliceDim(0, e, 2*e, 1))...)
	} else {
		data = f.elems(shown)
	}
	var lines []string
	for i := 0; i < len(data); i += perLine {
		lines = append(lines, strings.Join(data[i:min(i+perLine, len(data))], ", "))
	}
	return "[" + strings.Join(lines, ",\n"+strings.Repeat(" ", indent+1)) + "]"
}

// Format implements fmt.Formatter. %v and %s print String, %q quotes it. A number verb
// formats every element String shows with that verb and its flags, width and precision, like
// fmt formats a Go value of the element's type, in String's layout: the tensor(...) wrapper and
// its suffixes, one width for all elements (right-aligned), rows, and the "..." of a summarized
// tensor, whose elements are the same edges (only those leave a device). So
// fmt.Sprintf("%.2f", x) of a 2×2 float tensor reads tensor([[ 0.12, -1.50],\n        [ 3.00,  0.25]]).
// The number verbs are %e, %E, %f, %F, %g and %G on floating and integer tensors (an integer
// as a float64), %d on integer tensors and %t on Bool tensors. A one-element tensor prints its
// value alone, formatted the same way (PyTorch's f"{y:.2f}"), whatever its number of dims.
//
// PyTorch formats only one-element tensors and raises for a format spec on any other; gotensor
// applies the verb to every element instead, which serves a Go Printf better than an error.
// A verb that does not fit the dtype (%d on a float tensor, %f on a Bool one, %x on any) prints
// fmt's complaint with the tensor's type and String, as fmt does for a Go value:
// %!d(*tensor.Tensor=tensor([0.5000, 1.0000])).
func (t *Tensor) Format(s fmt.State, verb rune) {
	if t == nil || t.st == nil {
		fmt.Fprint(s, "<nil>")
		return
	}
	switch {
	case verb == 'v' || verb == 's':
		fmt.Fprint(s, t.String())
	case verb == 'q':
		fmt.Fprintf(s, "%q", t.String())
	case !verbFits(verb, t.dtype()):
		fmt.Fprintf(s, "%%!%c(%T=%s)", verb, t, t.String())
	case t.Numel() == 1:
		spec := fmt.FormatString(s, verb)
		var host *Tensor
		if err := Maybe(func() { host = shownOnHost(t, false) }); err != nil {
			fmt.Fprint(s, t.str(spec)) // says why the value is unavailable
			return
		}
		fmt.Fprint(s, specStrings(host, spec)[0])
	default:
		fmt.Fprint(s, t.str(fmt.FormatString(s, verb)))
	}
}

// verbFits reports whether Format applies verb to each element of a tensor of dt.
func verbFits(verb rune, dt DType) bool {
	switch verb {
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return dt != Bool
	case 'd':
		return !dt.IsFloat() && dt != Bool
	case 't':
		return dt == Bool
	}
	return false
}
