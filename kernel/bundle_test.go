package kernel_test

import (
	"math"
	"strings"
	"testing"

	"gotensor/kernel"
)

// panicky is a value whose JSON encoding panics, as a cell type's MarshalJSON
// might.
type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("MarshalJSON exploded") }

// unencodable returns a MIME bundle with text/plain, a good text/html and an
// application/json entry that JSON cannot encode, of the given kind; with
// kind "meta" the bad value sits in the metadata instead.
func unencodable(kind string) (data, metadata map[string]any) {
	data = map[string]any{"text/plain": "plain " + kind, "text/html": "<b>" + kind + "</b>"}
	var bad any
	switch kind {
	case "inf":
		bad = map[string]any{"loss": math.Inf(1)}
	case "nan":
		bad = []float64{1, math.NaN()}
	case "func":
		bad = func() {}
	case "chan":
		bad = make(chan int)
	case "panic":
		bad = panicky{}
	case "meta":
		return data, map[string]any{"text/html": map[string]any{"width": math.Inf(-1)}, "isolated": true}
	}
	data["application/json"] = bad
	return data, nil
}

// TestUnencodableBundleEntriesAreDropped checks that a result or display whose
// bundle holds a value JSON cannot encode still reaches the client without
// that entry, followed by a stderr line naming it and saying why.
func TestUnencodableBundleEntriesAreDropped(t *testing.T) {
	p, _, _ := startKernel(t, "tcp", kernel.Options{})
	tests := []struct {
		code       string
		msgType    string
		droppedKey string // in data, or in metadata
		why        string // in the stderr notice
	}{
		{"badvalue inf", "execute_result", "application/json", "+Inf"},
		{"badvalue nan", "execute_result", "application/json", "NaN"},
		{"badvalue func", "execute_result", "application/json", "func()"},
		{"badvalue chan", "execute_result", "application/json", "chan int"},
		{"badvalue panic", "execute_result", "application/json", "MarshalJSON exploded"},
		{"badvalue meta", "execute_result", "metadata text/html", "-Inf"},
		{"baddisplay inf", "display_data", "application/json", "+Inf"},
		{"baddisplay func", "display_data", "application/json", "func()"},
		{"baddisplay meta", "display_data", "metadata text/html", "-Inf"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			reply, io := p.execute(tc.code, nil)
			if got := content(reply)["status"]; got != "ok" {
				t.Fatalf("execute(%q) status = %v, want ok", tc.code, got)
			}
			want := "status:busy execute_input " + tc.msgType + " stream status:idle"
			if got := types(io); got != want {
				t.Fatalf("execute(%q) iopub = %s, want %s", tc.code, got, want)
			}
			c := content(io[2])
			data, _ := c["data"].(map[string]any)
			md, _ := c["metadata"].(map[string]any)
			kind := strings.Fields(tc.code)[1]
			if data["text/plain"] != "plain "+kind || data["text/html"] != "<b>"+kind+"</b>" {
				t.Errorf("execute(%q) %s data = %v, want text/plain and text/html kept", tc.code, tc.msgType, data)
			}
			if key, ok := strings.CutPrefix(tc.droppedKey, "metadata "); ok {
				if _, present := md[key]; present || md["isolated"] != true {
					t.Errorf("execute(%q) metadata = %v, want %s dropped and isolated kept", tc.code, md, key)
				}
			} else if _, present := data[tc.droppedKey]; present {
				t.Errorf("execute(%q) data = %v, want %s dropped", tc.code, data, tc.droppedKey)
			}
			s := content(io[3])
			text, _ := s["text"].(string)
			if s["name"] != "stderr" || !strings.Contains(text, tc.msgType+": "+tc.droppedKey+" was not sent") || !strings.Contains(text, tc.why) {
				t.Errorf("execute(%q) notice = %v, want stderr naming %s and %q", tc.code, s, tc.droppedKey, tc.why)
			}
		})
	}

	t.Run("user_expressions", func(t *testing.T) {
		reply, _ := p.execute("print x", map[string]any{"user_expressions": map[string]any{"e": "badvalue inf"}})
		c := content(reply)
		e, _ := c["user_expressions"].(map[string]any)["e"].(map[string]any)
		data, _ := e["data"].(map[string]any)
		if c["status"] != "ok" || e["status"] != "ok" || data["text/plain"] != "plain inf" {
			t.Fatalf("execute_reply with user expression %q = %v, want ok with its text/plain", "badvalue inf", c)
		}
		if _, present := data["application/json"]; present {
			t.Errorf("user expression data = %v, want application/json dropped", data)
		}
	})

	// The kernel is still whole.
	if reply, io := p.execute("value 42", nil); content(reply)["status"] != "ok" || types(io) != "status:busy execute_input execute_result status:idle" {
		t.Errorf("execute(%q) after the bad bundles = %v, %s", "value 42", content(reply), types(io))
	}
}
