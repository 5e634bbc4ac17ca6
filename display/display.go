package display

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"sync"
	"sync/atomic"
)

// HTMLer is implemented by values that render themselves as an HTML fragment
// (MIME type text/html).
type HTMLer interface {
	HTML() string
}

// SVGer is implemented by values that render themselves as an SVG document
// (MIME type image/svg+xml).
type SVGer interface {
	SVG() string
}

// Markdowner is implemented by values that render themselves as Markdown
// (MIME type text/markdown).
type Markdowner interface {
	Markdown() string
}

// PNGer is implemented by values that render themselves as PNG-encoded bytes
// (MIME type image/png). Any image.Image is encoded to PNG as well.
type PNGer interface {
	PNG() []byte
}

// JSONer is implemented by values that offer a JSON form (MIME type
// application/json). JSON returns a value that encoding/json can marshal.
type JSONer interface {
	JSON() any
}

// MIMEBundler is implemented by values that build their whole MIME bundle
// themselves: keys are MIME types, values strings (or, for application/json,
// any JSON-marshalable value). Its entries win over the other interfaces.
type MIMEBundler interface {
	MIMEBundle() map[string]any
}

// Data is a ready-made MIME bundle. It implements MIMEBundler, so it can be
// passed to Show, Handle.Update, or ended a cell with.
type Data map[string]any

// MIMEBundle returns d itself.
func (d Data) MIMEBundle() map[string]any { return d }

// MIME returns a bundle holding one representation, plus a text/plain
// fallback for consoles: the data itself when it is a string, else
// "<mime>".
func MIME(mime string, data any) Data {
	d := Data{mime: data}
	if _, ok := d["text/plain"]; !ok {
		if s, ok := data.(string); ok {
			d["text/plain"] = s
		} else {
			d["text/plain"] = fmt.Sprintf("<%s>", mime)
		}
	}
	return d
}

// Publisher receives what cells display. The gotensor runtime implements it;
// tests may install their own.
type Publisher interface {
	// Display publishes a MIME bundle; displayID is "" for an anonymous
	// output; update is true to replace the output shown under displayID.
	Display(data, metadata map[string]any, displayID string, update bool)
	// Clear clears the cell's output; with wait, only once new output arrives.
	Clear(wait bool)
}

// current is the Scope in force; it is never nil (init installs an empty one).
var current atomic.Pointer[Scope]

// setMu serialises SetPublisher, so that one scope's end hooks run before the next scope begins.
var setMu sync.Mutex

func init() { current.Store(&Scope{}) }

// SetPublisher installs p as the destination of display calls and returns the
// previous one (nil when none). A nil p restores the standard-output fallback.
//
// Each call ends the Scope in force and begins a new one: the functions
// registered with the old scope's AtEnd run first, while its publisher is still
// installed, so what they publish goes where the ending cell's output goes.
func SetPublisher(p Publisher) (prev Publisher) {
	setMu.Lock()
	defer setMu.Unlock()
	old := current.Load()
	old.end()
	current.Store(&Scope{p: p})
	return old.p
}

func publish(data map[string]any, id string, update bool) {
	if p := current.Load().p; p != nil {
		p.Display(data, map[string]any{}, id, update)
		return
	}
	if s, ok := data["text/plain"].(string); ok {
		fmt.Fprintln(os.Stdout, s)
	}
}

// Bundle returns every representation v offers, keyed by MIME type.
// text/plain is always present: v's MIMEBundle entry, else fmt's %v form.
func Bundle(v any) map[string]any {
	b := map[string]any{}
	if m, ok := v.(MIMEBundler); ok {
		for k, x := range m.MIMEBundle() {
			b[k] = x
		}
	}
	setIfAbsent := func(mime string, f func() any) {
		if _, ok := b[mime]; !ok {
			b[mime] = f()
		}
	}
	if h, ok := v.(HTMLer); ok {
		setIfAbsent("text/html", func() any { return h.HTML() })
	}
	if s, ok := v.(SVGer); ok {
		setIfAbsent("image/svg+xml", func() any { return s.SVG() })
	}
	if m, ok := v.(Markdowner); ok {
		setIfAbsent("text/markdown", func() any { return m.Markdown() })
	}
	if p, ok := v.(PNGer); ok {
		setIfAbsent("image/png", func() any { return p.PNG() })
	} else if img, ok := v.(image.Image); ok {
		if enc, err := EncodePNG(img); err == nil {
			setIfAbsent("image/png", func() any { return enc })
		}
	}
	if j, ok := v.(JSONer); ok {
		setIfAbsent("application/json", func() any { return j.JSON() })
	}
	setIfAbsent("text/plain", func() any { return fmt.Sprint(v) })
	return b
}

// EncodePNG encodes img as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("display: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// Show displays v with every representation it offers (see Bundle).
func Show(v any) { publish(Bundle(v), "", false) }

// HTML displays an HTML fragment.
func HTML(html string) { publish(MIME("text/html", html), "", false) }

// SVG displays an SVG document.
func SVG(svg string) { publish(MIME("image/svg+xml", svg), "", false) }

// Markdown displays Markdown text.
func Markdown(md string) { publish(MIME("text/markdown", md), "", false) }

// Text displays plain text as a display output (not as stream output).
func Text(s string) { publish(Data{"text/plain": s}, "", false) }

// PNG displays PNG-encoded bytes.
func PNG(b []byte) { publish(MIME("image/png", b), "", false) }

// Image displays any image.Image, encoded as PNG. An image that cannot be
// encoded is reported as text.
func Image(img image.Image) {
	b, err := EncodePNG(img)
	if err != nil {
		Text(err.Error())
		return
	}
	PNG(b)
}

// JSON displays v as application/json; v must be JSON-marshalable, else the
// marshalling error is shown as text.
func JSON(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		Text(fmt.Sprintf("display: JSON: %v", err))
		return
	}
	var generic any
	_ = json.Unmarshal(raw, &generic) // raw came from Marshal: always valid
	publish(Data{"application/json": generic, "text/plain": string(raw)}, "", false)
}

// Clear clears the cell's output area. With wait, the front end clears only
// when the next output arrives, which avoids flicker in animations.
func Clear(wait bool) {
	if p := current.Load().p; p != nil {
		p.Clear(wait)
	}
}

// Handle is a display output that can be replaced later, like IPython's
// display(..., display_id=True). The zero value is not usable: call NewHandle.
type Handle struct {
	id    string
	shown atomic.Bool
}

// NewHandle returns a handle with a fresh random display_id. Nothing is shown
// until Show or Update.
func NewHandle() *Handle {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return &Handle{id: hex.EncodeToString(b[:])}
}

// ID returns the handle's display_id.
func (h *Handle) ID() string { return h.id }

// Show displays v (see Bundle) as a new output carrying the handle's
// display_id. Showing the same handle twice shows two outputs that later
// Updates replace together.
func (h *Handle) Show(v any) {
	h.shown.Store(true)
	publish(Bundle(v), h.id, false)
}

// Update replaces every output shown under the handle's display_id with v
// (an update_display_data message). Before any Show, Update shows v.
func (h *Handle) Update(v any) {
	if !h.shown.Swap(true) {
		publish(Bundle(v), h.id, false)
		return
	}
	publish(Bundle(v), h.id, true)
}

// String returns a short description, so a handle ending a cell reads well.
func (h *Handle) String() string { return "display.Handle(" + h.id + ")" }
