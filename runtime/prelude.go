package runtime

// prelude is interpreted Go compiled into every session before the first
// cell. Its names start with _gt_ so cells do not collide with them.
//
// The rich-value checks live here, in interpreted code, on purpose: a value
// of a type defined in a cell loses its methods when it crosses into
// compiled code as an interface (a yaegi limitation), so only interpreted
// code can ask it for HTML(), SVG() and the rest.
const prelude = `
import (
	_gtrt "gtrt"
	_gtfmt "fmt"
	_gtdisplay "gotensor/display"
	_gtimage "image"
)

// yaegi v0.16.1 answers "x, ok := v.(I)" and type switches on interpreted
// types unreliably (wrong matches, reflect.Set panics); what works is a
// blank comma-ok assertion to test, then a binding type switch to call.
func _gt_hasMIMEBundle(v interface{}) bool {
	_, ok := v.(interface{ MIMEBundle() map[string]interface{} })
	return ok
}

func _gt_getMIMEBundle(v interface{}) map[string]interface{} {
	switch h := v.(type) {
	case interface{ MIMEBundle() map[string]interface{} }:
		return h.MIMEBundle()
	}
	return nil
}

func _gt_hasHTML(v interface{}) bool {
	_, ok := v.(interface{ HTML() string })
	return ok
}

func _gt_getHTML(v interface{}) string {
	switch h := v.(type) {
	case interface{ HTML() string }:
		return h.HTML()
	}
	return ""
}

func _gt_hasSVG(v interface{}) bool {
	_, ok := v.(interface{ SVG() string })
	return ok
}

func _gt_getSVG(v interface{}) string {
	switch h := v.(type) {
	case interface{ SVG() string }:
		return h.SVG()
	}
	return ""
}

func _gt_hasMarkdown(v interface{}) bool {
	_, ok := v.(interface{ Markdown() string })
	return ok
}

func _gt_getMarkdown(v interface{}) string {
	switch h := v.(type) {
	case interface{ Markdown() string }:
		return h.Markdown()
	}
	return ""
}

func _gt_hasPNG(v interface{}) bool {
	_, ok := v.(interface{ PNG() []byte })
	return ok
}

func _gt_getPNG(v interface{}) []byte {
	switch h := v.(type) {
	case interface{ PNG() []byte }:
		return h.PNG()
	}
	return nil
}

func _gt_hasJSON(v interface{}) bool {
	_, ok := v.(interface{ JSON() interface{} })
	return ok
}

func _gt_getJSON(v interface{}) interface{} {
	switch h := v.(type) {
	case interface{ JSON() interface{} }:
		return h.JSON()
	}
	return nil
}

func _gt_hasString(v interface{}) bool {
	_, ok := v.(interface{ String() string })
	return ok
}

func _gt_getString(v interface{}) string {
	switch h := v.(type) {
	case interface{ String() string }:
		return h.String()
	}
	return ""
}

func _gt_hasError(v interface{}) bool {
	_, ok := v.(interface{ Error() string })
	return ok
}

func _gt_getError(v interface{}) string {
	switch h := v.(type) {
	case interface{ Error() string }:
		return h.Error()
	}
	return ""
}

func _gt_bundle(v interface{}) map[string]interface{} {
	if v == nil {
		return map[string]interface{}{"text/plain": "<nil>"} // as fmt prints it
	}
	if b, ok := _gtrt.Rich(v); ok {
		return b // viz renders tensors (text/html table + text/plain)
	}
	b := _gtdisplay.Bundle(v)
	if len(b) > 1 {
		return b // a compiled type that renders itself: Bundle saw it all
	}
	if d, ok := v.(_gtdisplay.Data); ok && d["text/plain"] != nil {
		return b // display.MIME("text/plain", s): its own text wins
	}
	hasPlain := false
	if _gt_hasMIMEBundle(v) {
		for k, x := range _gt_getMIMEBundle(v) {
			b[k] = x
			hasPlain = hasPlain || k == "text/plain"
		}
	}
	if _gt_hasHTML(v) {
		b["text/html"] = _gt_getHTML(v)
	}
	if _gt_hasSVG(v) {
		b["image/svg+xml"] = _gt_getSVG(v)
	}
	if _gt_hasMarkdown(v) {
		b["text/markdown"] = _gt_getMarkdown(v)
	}
	if _gt_hasPNG(v) {
		b["image/png"] = _gt_getPNG(v)
	} else if _, ok := v.(_gtimage.Image); ok {
		if p, err := _gtdisplay.EncodePNG(v.(_gtimage.Image)); err == nil {
			b["image/png"] = p
		}
	}
	if _gt_hasJSON(v) {
		b["application/json"] = _gt_getJSON(v)
	}
	switch {
	case hasPlain:
	case _gt_hasError(v):
		b["text/plain"] = _gt_getError(v)
	case _gt_hasString(v):
		b["text/plain"] = _gt_getString(v)
	default:
		b["text/plain"] = _gtrt.Text(v)
	}
	return b
}

func _gt_emit(v interface{}) { _gtrt.SetResult(_gt_bundle(v)) }

func _gt_rich(v interface{}) interface{} { return _gtdisplay.Data(_gt_bundle(v)) }

func _gt_gorecover() {
	if r := recover(); r != nil {
		_gtrt.GoPanic(r)
	}
}

type _gt_ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func min[T _gt_ordered](x T, y ...T) T {
	for _, v := range y {
		if v < x {
			x = v
		}
	}
	return x
}

func max[T _gt_ordered](x T, y ...T) T {
	for _, v := range y {
		if v > x {
			x = v
		}
	}
	return x
}
`
