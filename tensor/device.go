package tensor

import (
	"fmt"
	"strconv"
	"strings"
)

// Device names where a tensor's storage lives: Type "cpu" or "cuda", and the device index.
type Device struct {
	Type  string
	Index int
}

// CPUDevice is the host.
var CPUDevice = Device{Type: "cpu"}

// String returns PyTorch's spelling: "cpu" or "cuda:0".
func (d Device) String() string {
	if d.Type == "cpu" {
		return "cpu"
	}
	return fmt.Sprintf("%s:%d", d.Type, d.Index)
}

// ParseDevice reads "cpu", "cuda" (device 0) or "cuda:N".
func ParseDevice(s string) (Device, error) {
	typ, idx, hasIdx := strings.Cut(strings.TrimSpace(s), ":")
	switch typ {
	case "cpu":
		return CPUDevice, nil
	case "cuda":
		d := Device{Type: "cuda"}
		if hasIdx {
			n, err := strconv.Atoi(idx)
			if err != nil || n < 0 {
				return Device{}, fmt.Errorf("invalid device string: %q", s)
			}
			d.Index = n
		}
		return d, nil
	}
	return Device{}, fmt.Errorf("Expected one of cpu, cuda device type at start of device string: %s", s)
}

// backend is what a device offers tensor/: moving storage in and out. Compute kernels for a
// device plug in beside it; today only the CPU computes.
type backend interface {
	// upload copies a CPU storage onto device d.
	upload(src *storage, d Device) (*storage, error)
	// download copies elements [lo, lo+n) of a device storage into a new CPU storage of n
	// elements, so a view brings back only its own span.
	download(src *storage, lo, n int) (*storage, error)
}

// span returns the storage range a view reads: its first element and how many elements up to
// and including its last (strides are never negative). An empty view reads none.
func span(t *Tensor) (lo, n int) {
	if t.Numel() == 0 {
		return t.offset, 0
	}
	hi := t.offset
	for i, d := range t.shape {
		hi += (d - 1) * t.strides[i]
	}
	return t.offset, hi - t.offset + 1
}

// backends maps a device type to its backend. "cpu" needs none.
var backends = map[string]backend{}

// To returns t on the named device ("cpu", "cuda", "cuda:0"); t itself when already there.
// Like every tensor op it panics with a *Error when it cannot, for example
// "CUDA is not available: ..." on a host without a usable GPU. The copy is differentiable.
func (t *Tensor) To(device string) *Tensor {
	d, err := ParseDevice(device)
	if err != nil {
		fail(ErrDevice, "To", "%v", err)
	}
	if d == t.st.dev {
		return t
	}
	var out *Tensor
	switch {
	case d.Type == "cpu":
		// Download only the span t reads, then lay it out on the host like t.
		lo, n := span(t)
		st, err := backends[t.st.dev.Type].download(t.st, lo, n)
		if err != nil {
			fail(ErrDevice, "To", "copy to cpu: %v", err)
		}
		out = fromStorage(st, append([]int(nil), t.shape...), append([]int(nil), t.strides...), t.offset-lo).Contiguous()
	default:
		src := t
		if t.st.dev.Type != "cpu" {
			src = t.Detach().CPU()
		}
		b, ok := backends[d.Type]
		if !ok {
			fail(ErrDevice, "To", "device type %q is not supported", d.Type)
		}
		src = src.Detach().Contiguous()
		st, err := b.upload(src.st, d)
		if err != nil {
			fail(ErrDevice, "To", "%v", err)
		}
		out = fromStorage(st, append([]int(nil), t.shape...), contiguousStrides(t.shape), 0)
	}
	if needsGrad(t) {
		from := t.st.dev.String()
		record("ToCopyBackward0", out, []*Tensor{t}, nil, func(c *bctx, g *Tensor) []*Tensor {
			return []*Tensor{g.To(from)}
		})
	}
	return out
}

// CPU returns t on the host (PyTorch's x.cpu()).
func (t *Tensor) CPU() *Tensor { return t.To("cpu") }

// CUDA returns t on the default GPU (PyTorch's x.cuda()).
func (t *Tensor) CUDA() *Tensor { return t.To("cuda") }

// sameDevice panics unless all tensors live on one device.
func sameDevice(op string, ts ...*Tensor) {
	for _, t := range ts[1:] {
		if t.st.dev != ts[0].st.dev && !t.wrapped && !ts[0].wrapped {
			fail(ErrDevice, op, "Expected all tensors to be on the same device, but found at least two devices, %v and %v!", ts[0].st.dev, t.st.dev)
		}
	}
}
