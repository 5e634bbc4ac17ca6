package display

import (
	"image"
	"image/color"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

type card struct{ name string }

func (c card) HTML() string     { return "<b>" + c.name + "</b>" }
func (c card) String() string   { return "card " + c.name }
func (c card) Markdown() string { return "**" + c.name + "**" }

type chart struct{}

func (chart) SVG() string { return "<svg/>" }
func (chart) JSON() any   { return map[string]int{"n": 1} }

type custom struct{}

func (custom) MIMEBundle() map[string]any {
	return map[string]any{"text/plain": "custom", "text/latex": "$x$", "text/html": "<i>c</i>"}
}
func (custom) HTML() string { return "<b>ignored</b>" }

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

func TestBundle(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.White)
	tests := []struct {
		name  string
		v     any
		keys  []string
		plain string
		html  string
	}{
		{"int", 3, []string{"text/plain"}, "3", ""},
		{"HTMLer+Stringer+Markdowner", card{"ace"}, []string{"text/html", "text/markdown", "text/plain"}, "card ace", "<b>ace</b>"},
		{"SVGer+JSONer", chart{}, []string{"application/json", "image/svg+xml", "text/plain"}, "{}", ""},
		{"MIMEBundler wins", custom{}, []string{"text/html", "text/latex", "text/plain"}, "custom", "<i>c</i>"},
		{"image.Image", img, []string{"image/png", "text/plain"}, "", ""},
		{"Data", MIME("text/markdown", "# t"), []string{"text/markdown", "text/plain"}, "# t", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Bundle(tc.v)
			if got := keys(b); !reflect.DeepEqual(got, tc.keys) {
				t.Errorf("Bundle(%v) keys = %v, want %v", tc.v, got, tc.keys)
			}
			if tc.plain != "" && b["text/plain"] != tc.plain {
				t.Errorf("Bundle(%v)[text/plain] = %v, want %q", tc.v, b["text/plain"], tc.plain)
			}
			if tc.html != "" && b["text/html"] != tc.html {
				t.Errorf("Bundle(%v)[text/html] = %v, want %q", tc.v, b["text/html"], tc.html)
			}
		})
	}
	png, _ := Bundle(img)["image/png"].([]byte)
	if !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("Bundle(image)[image/png] does not start with the PNG signature: %q", png[:min(8, len(png))])
	}
}

type call struct {
	data   map[string]any
	id     string
	update bool
	clear  bool
}

type fakePublisher struct {
	mu    sync.Mutex
	calls []call
}

func (p *fakePublisher) Display(data, _ map[string]any, id string, update bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, call{data: data, id: id, update: update})
}

func (p *fakePublisher) Clear(wait bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, call{clear: true, update: wait})
}

func TestPublishing(t *testing.T) {
	p := &fakePublisher{}
	prev := SetPublisher(p)
	defer SetPublisher(prev)

	HTML("<b>x</b>")
	SVG("<svg/>")
	Markdown("# m")
	JSON(map[string]int{"a": 1})
	JSON(func() {}) // not marshalable: shown as an error text
	h := NewHandle()
	h.Update("first") // before Show: shows
	h.Update("second")
	Clear(true)

	want := []struct {
		mime   string
		id     string
		update bool
		clear  bool
	}{
		{"text/html", "", false, false},
		{"image/svg+xml", "", false, false},
		{"text/markdown", "", false, false},
		{"application/json", "", false, false},
		{"text/plain", "", false, false},
		{"text/plain", h.ID(), false, false},
		{"text/plain", h.ID(), true, false},
		{"", "", true, true},
	}
	if len(p.calls) != len(want) {
		t.Fatalf("published %d outputs, want %d: %+v", len(p.calls), len(want), p.calls)
	}
	for i, w := range want {
		c := p.calls[i]
		if c.clear != w.clear || c.update != w.update || c.id != w.id {
			t.Errorf("output %d = %+v, want %+v", i, c, w)
		}
		if w.mime != "" && c.data[w.mime] == nil {
			t.Errorf("output %d has no %s: %v", i, w.mime, c.data)
		}
	}
	if got := p.calls[4].data["text/plain"].(string); !strings.Contains(got, "unsupported type") {
		t.Errorf("JSON(func) shows %q, want the marshal error", got)
	}
	if a, b := NewHandle().ID(), NewHandle().ID(); a == b || len(a) != 24 {
		t.Errorf("NewHandle IDs %q, %q: want distinct 24-hex-digit IDs", a, b)
	}
}
