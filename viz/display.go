package viz

import (
	"gotensor/display"
	"gotensor/tensor"
)

// DisplaySink publishes a live view into the notebook through a display handle: the first publication shows
// the view, later ones replace it in place (update_display_data under the same display_id). It is the Sink a
// live view uses when its options name none. Outside a notebook (no display publisher installed) the display
// package prints each publication's text line to standard output instead.
type DisplaySink struct{ h *display.Handle }

var _ Sink = (*DisplaySink)(nil)

// NewDisplaySink returns a sink with a fresh display id; nothing is shown before its first Publish.
func NewDisplaySink() *DisplaySink { return &DisplaySink{h: display.NewHandle()} }

// Publish shows or updates the view with its HTML and text forms.
func (s *DisplaySink) Publish(html, text string, final bool) {
	s.h.Update(display.Data{"text/html": html, "text/plain": text})
}

// ID returns the display_id the view is published under.
func (s *DisplaySink) ID() string { return s.h.ID() }

// Discard is a Sink that drops every publication: a live view then only answers HTML and String.
var Discard Sink = SinkFunc(func(string, string, bool) {})

// sinkOr returns s, or a new DisplaySink when s is nil.
func sinkOr(s Sink) Sink {
	if s == nil {
		return NewDisplaySink()
	}
	return s
}

// Rich returns the MIME bundle viz renders for v, and whether it has one: a *tensor.Tensor gets TensorBundle
// (text/plain from its String, text/html from TensorHTML). Graph, Figure, Progress and LossCurve need no help:
// they implement display's MIMEBundler or HTMLer themselves. The runtime calls Rich before display.Bundle.
func Rich(v any) (map[string]any, bool) {
	if t, ok := v.(*tensor.Tensor); ok && t != nil {
		return TensorBundle(t), true
	}
	return nil, false
}
