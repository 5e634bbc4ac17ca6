package kernel

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// splitFrames turns fuzz input into ZeroMQ frames: frames are separated by
// a NUL byte (JSON text never holds one), so corpus files stay readable.
func splitFrames(data []byte) [][]byte { return bytes.Split(data, []byte{0}) }

// FuzzDecodeFrames feeds arbitrary frames to the message decoder with and
// without a key. It must never panic, must accept only correctly signed
// messages when a key is set, and what it accepts must re-encode.
func FuzzDecodeFrames(f *testing.F) {
	h := []byte(`{"msg_id":"1","session":"s","username":"u","date":"2026-11-21T00:00:00Z","msg_type":"execute_request","version":"5.4"}`)
	c := []byte(`{"code":"fmt.Println(1)","silent":false}`)
	keyed, _ := NewSigner("hmac-sha256", "k")
	for _, s := range []*Signer{keyed, {}} {
		sig := []byte(s.Sign(h, []byte("{}"), []byte("{}"), c))
		f.Add(bytes.Join([][]byte{[]byte("id"), delimiter, sig, h, []byte("{}"), []byte("{}"), c}, []byte{0}))
	}
	f.Add([]byte("<IDS|MSG>"))
	f.Add([]byte("<IDS|MSG>\x00\x00{}\x00{}\x00{}\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := splitFrames(data)
		for _, s := range []*Signer{keyed, {}} {
			m, err := DecodeFrames(frames, s)
			if err != nil {
				continue
			}
			if m.Header.MsgType == "" || !json.Valid(m.Content) || !json.Valid(m.Parent) || m.Metadata == nil {
				t.Fatalf("DecodeFrames accepted an incomplete message: %+v", m)
			}
			if s.Enabled() {
				i := 0
				for !bytes.Equal(frames[i], delimiter) {
					i++
				}
				r := frames[i+1:]
				if string(r[0]) != s.Sign(r[1], r[2], r[3], r[4]) {
					t.Fatalf("DecodeFrames accepted signature %q", r[0])
				}
			}
			out, err := encodeFrames(&outgoing{identities: m.Identities, header: m.Header, parent: m.Parent, metadata: m.Metadata, content: m.Content}, s)
			if err != nil {
				t.Fatalf("re-encoding an accepted message: %v", err)
			}
			if _, err := DecodeFrames(out, s); err != nil {
				t.Fatalf("DecodeFrames(encodeFrames(m)) = %v", err)
			}
		}
	})
}

// FuzzGuardScan feeds arbitrary bytes, in arbitrary chunks, to the ZMTP
// framing guard. It must never panic, and while it accepts the stream, every
// frame it has seen must fit the limit.
func FuzzGuardScan(f *testing.F) {
	g := make([]byte, 64)
	g[0], g[9], g[10] = 0xff, 0x7f, 3
	ready := []byte{0x04, 5, 5, 'R', 'E', 'A', 'D'}
	long := []byte{0x02, 0, 0, 0, 0, 0, 0, 1, 0}
	f.Add(append(append(append([]byte{}, g...), ready...), long...), uint8(7))
	f.Add(append(append([]byte{}, g...), 0x01, 3, 'a', 'b', 'c', 0x00, 1, 'd'), uint8(1))
	huge := []byte{0x02, 0x40, 0, 0, 0, 0, 0, 0, 0}
	f.Add(append(append([]byte{}, g...), huge...), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		const limit = 1000
		c := &framer{limit: limit, greeting: 64}
		step := int(chunk)%16 + 1
		for i := 0; i < len(data); i += step {
			end := min(i+step, len(data))
			if err := c.scan(data[i:end]); err != nil {
				return
			}
			if c.msgSize > limit || c.body > limit {
				t.Fatalf("guard accepted %d bytes of a message (frame rest %d), limit %d", c.msgSize, c.body, limit)
			}
		}
		// Cross-check with a direct parse of the same bytes.
		if len(data) <= 64 {
			return
		}
		b := data[64:]
		var msg uint64
		for len(b) > 0 {
			flag := b[0]
			var size uint64
			switch {
			case flag&0x02 != 0 && len(b) >= 9:
				size, b = binary.BigEndian.Uint64(b[1:9]), b[9:]
			case flag&0x02 == 0 && len(b) >= 2:
				size, b = uint64(b[1]), b[2:]
			default:
				return
			}
			msg += size
			if size > limit || msg > limit {
				t.Fatalf("guard accepted a frame of %d bytes (message %d), limit %d", size, msg, limit)
			}
			if uint64(len(b)) < size {
				return
			}
			b = b[size:]
			if flag&0x01 == 0 {
				msg = 0
			}
		}
	})
}

// FuzzValidCommand checks the guard's command check against zmq4's own
// parser: whatever validCommand accepts, zmq4's metadata parser must read
// without panicking.
func FuzzValidCommand(f *testing.F) {
	f.Add([]byte("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER"))
	f.Add([]byte("\x05READY\x0bSocket-Type"))
	f.Add([]byte("\x05READY\xc8x"))
	f.Add([]byte("\x04PING\x00\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if validCommand(b) != nil || string(b[1:1+int(b[0])]) != "READY" {
			return
		}
		md := zmq4.Metadata{}
		if err := md.UnmarshalZMTP(b[1+int(b[0]):]); err != nil {
			t.Logf("zmq4 refuses what validCommand accepts (fine, no panic): %v", err)
		}
	})
}

// BenchmarkEncodeStream encodes and signs the stream message of 10,000
// printed lines (88 KB of text).
func BenchmarkEncodeStream(b *testing.B) {
	s, _ := NewSigner("hmac-sha256", "key")
	var text bytes.Buffer
	for i := range 10000 {
		text.WriteString("line <" + string(rune('0'+i%10)) + ">\n")
	}
	o := &outgoing{header: newHeader("stream", "s", "u", time.Now()), parent: json.RawMessage(`{"msg_id":"x"}`),
		content: streamContent{Name: "stdout", Text: text.String()}}
	b.SetBytes(int64(text.Len()))
	for range b.N {
		if _, err := encodeFrames(o, s); err != nil {
			b.Fatal(err)
		}
	}
}
