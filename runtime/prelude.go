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

func _gt_bundle(v interface{}) map[string]interface{} {
	b := _gtdisplay.Bundle(v)
	if len(b) > 1 {
		return b // a compiled type that renders itself: Bundle saw it all
	}
	plain := true
	if m, ok := v.(interface{ MIMEBundle() map[string]interface{} }); ok {
		for k, x := range m.MIMEBundle() {
			b[k] = x
			if k == "text/plain" {
				plain = false
			}
		}
	}
	if h, ok := v.(interface{ HTML() string }); ok {
		b["text/html"] = h.HTML()
	}
	if h, ok := v.(interface{ SVG() string }); ok {
		b["image/svg+xml"] = h.SVG()
	}
	if h, ok := v.(interface{ Markdown() string }); ok {
		b["text/markdown"] = h.Markdown()
	}
	if h, ok := v.(interface{ PNG() []byte }); ok {
		b["image/png"] = h.PNG()
	} else if img, ok := v.(_gtimage.Image); ok {
		if p, err := _gtdisplay.EncodePNG(img); err == nil {
			b["image/png"] = p
		}
	}
	if h, ok := v.(interface{ JSON() interface{} }); ok {
		b["application/json"] = h.JSON()
	}
	if plain {
		b["text/plain"] = _gtfmt.Sprint(v)
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
