package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSignerVerify(t *testing.T) {
	s, err := NewSigner("hmac-sha256", "secret")
	if err != nil {
		t.Fatal(err)
	}
	h, p, m, c := []byte(`{"msg_type":"x"}`), []byte("{}"), []byte("{}"), []byte(`{"a":1}`)
	good := s.Sign(h, p, m, c)
	// Known answer: python3 -c 'import hmac,hashlib; print(hmac.new(b"secret", b"{\"msg_type\":\"x\"}{}{}{\"a\":1}", hashlib.sha256).hexdigest())'
	const want = "32972b1815408d08f4296c6fe7ec76ca2b7e7a96abe4a2babcb557017d696574"
	if good != want {
		t.Errorf("Sign = %s, want %s (Python's hmac)", good, want)
	}
	tests := []struct {
		name string
		sig  string
		ok   bool
	}{
		{"correct", good, true},
		{"upper case hex (refused, as by jupyter_client)", strings.ToUpper(good), false},
		{"empty", "", false},
		{"one digit off", good[:63] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[63])+1)%16]), false},
		{"truncated", good[:62], false},
		{"odd length", good[:63], false},
		{"not hex", strings.Repeat("zz", 32), false},
		{"too long", good + "00", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Verify([]byte(tc.sig), h, p, m, c); got != tc.ok {
				t.Errorf("Verify(%q) = %v, want %v", tc.sig, got, tc.ok)
			}
		})
	}
	if !s.Verify([]byte(good), h, p, m, c) || s.Verify([]byte(good), h, p, m, []byte(`{"a":2}`)) {
		t.Errorf("Verify does not depend on content")
	}
	none, _ := NewSigner("hmac-sha256", "")
	if none.Sign(h, p, m, c) != "" || !none.Verify(nil, h, p, m, c) {
		t.Errorf("empty key: Sign = %q, Verify(nil) = false; want signing disabled", none.Sign(h, p, m, c))
	}
	if _, err := NewSigner("hmac-md5", "k"); err == nil {
		t.Errorf("NewSigner(hmac-md5) = nil error, want unsupported scheme")
	}
}

func TestDecodeFrames(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "k")
	h := []byte(`{"msg_id":"1","session":"s","username":"u","date":"d","msg_type":"kernel_info_request","version":"5.4"}`)
	signed := func(id string, h, p, m, c []byte) [][]byte {
		return [][]byte{[]byte(id), delimiter, []byte(s.Sign(h, p, m, c)), h, p, m, c}
	}
	tests := []struct {
		name    string
		frames  [][]byte
		wantErr error
		errText string
	}{
		{"good", signed("id", h, []byte("{}"), []byte("{}"), []byte("{}")), nil, ""},
		{"good with buffers", append(signed("id", h, []byte("{}"), []byte("{}"), []byte("{}")), []byte("buf")), nil, ""},
		{"empty parent and metadata", signed("id", h, nil, nil, []byte("{}")), nil, ""},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrNoDelimiter, ""},
		{"short", [][]byte{delimiter, []byte("sig"), h}, ErrShortMessage, ""},
		{"forged", [][]byte{delimiter, []byte("00"), h, []byte("{}"), []byte("{}"), []byte("{}")}, ErrBadSignature, ""},
		{"bad header", signed("id", []byte("nope"), []byte("{}"), []byte("{}"), []byte("{}")), nil, "decode header"},
		{"no msg_type", signed("id", []byte(`{"msg_id":"1"}`), []byte("{}"), []byte("{}"), []byte("{}")), nil, "empty msg_type"},
		{"bad content", signed("id", h, []byte("{}"), []byte("{}"), []byte("{")), nil, "decode content"},
		{"bad metadata", signed("id", h, []byte("{}"), []byte("[1]"), []byte("{}")), nil, "decode metadata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeFrames(tc.frames, s)
			switch {
			case tc.wantErr == nil && tc.errText == "":
				if err != nil {
					t.Fatalf("DecodeFrames = %v, want a message", err)
				}
				if string(m.Identities[0]) != "id" || m.Header.MsgType != "kernel_info_request" || string(m.Parent) != "{}" {
					t.Errorf("DecodeFrames = %+v", m)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("DecodeFrames error = %v, want %v", err, tc.wantErr)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Errorf("DecodeFrames error = %v, want one mentioning %q", err, tc.errText)
				}
			}
		})
	}
}

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body, errText string
	}{
		{"tcp", `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}`, ""},
		{"ipc", `{"transport":"ipc","ip":"/tmp/kernel","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5,"key":""}`, ""},
		{"bad json", `{`, "parse connection file"},
		{"bad transport", `{"transport":"udp","ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`, "unknown transport"},
		{"bad ip", `{"transport":"tcp","ip":"example.com","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4,"hb_port":5}`, "not an IP"},
		{"missing port", `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"control_port":2,"stdin_port":3,"iopub_port":4}`, "hb_port 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".json")
			os.WriteFile(path, []byte(tc.body), 0o600)
			ci, err := ReadConnectionFile(path)
			if tc.errText == "" {
				if err != nil || ci.SignatureScheme != "hmac-sha256" {
					t.Errorf("ReadConnectionFile(%s) = %+v, %v", tc.name, ci, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("ReadConnectionFile(%s) error = %v, want %q", tc.name, err, tc.errText)
			}
		})
	}
	if _, err := ReadConnectionFile(filepath.Join(dir, "absent.json")); err == nil {
		t.Errorf("ReadConnectionFile(absent) = nil error")
	}
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		ci   ConnectionInfo
		want string
	}{
		{ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, "gotensor-tcp://127.0.0.1:5555"},
		{ConnectionInfo{Transport: "tcp", IP: "::1"}, "gotensor-tcp://[::1]:5555"},
		{ConnectionInfo{Transport: "ipc", IP: "/run/k"}, "gotensor-ipc:///run/k-5555"},
	}
	for _, tc := range tests {
		if got := tc.ci.endpoint(5555); got != tc.want {
			t.Errorf("endpoint(%+v) = %q, want %q", tc.ci, got, tc.want)
		}
	}
}

func TestGlobRegexp(t *testing.T) {
	tests := []struct {
		pattern, input string
		want           bool
	}{
		{"", "anything", true},
		{"*", "a\nb", true},
		{"x := *", "x := 1", true},
		{"x := *", "y := 1", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"[ab]x", "bx", true},
		{"[ab]x", "cx", false},
		{"fmt.Print*", "fmt.Println(1)", true},
		{"*(1)", "fmt.Println(1)", true},
		{"é*", "éa", true},
		{"[", "[", true},
	}
	for _, tc := range tests {
		re, err := globRegexp(tc.pattern)
		if err != nil {
			t.Errorf("globRegexp(%q) error %v", tc.pattern, err)
			continue
		}
		if got := re.MatchString(tc.input); got != tc.want {
			t.Errorf("globRegexp(%q).Match(%q) = %v, want %v", tc.pattern, tc.input, got, tc.want)
		}
	}
}

func TestHistoryBounds(t *testing.T) {
	h := &history{}
	big := strings.Repeat("é", maxHistoryOutput) // 2 bytes each: the cut falls inside the text
	for i := 1; i <= maxHistory+5; i++ {
		h.add(i, "x", &big)
	}
	got, err := h.query(HistoryRequest{HistAccessType: "tail", N: 1, Output: true})
	if err != nil {
		t.Fatal(err)
	}
	out := got[0][2].([]any)[1].(string)
	if len(h.entries) != maxHistory || got[0][1] != maxHistory+5 {
		t.Errorf("history keeps %d entries, newest line %v; want %d and %d", len(h.entries), got[0][1], maxHistory, maxHistory+5)
	}
	if !utf8.ValidString(out) || len(out) > maxHistoryOutput+len("…") || !strings.HasSuffix(out, "é…") {
		t.Errorf("stored output: %d bytes, valid UTF-8 %v, ends %q", len(out), utf8.ValidString(out), out[len(out)-8:])
	}
}
