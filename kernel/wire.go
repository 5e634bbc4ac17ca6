package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/google/uuid"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel speaks.
const ProtocolVersion = "5.4"

// delimiter separates routing identities from the signed part of a message.
var delimiter = []byte("<IDS|MSG>")

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one decoded Jupyter message.
//
// The header of an incoming message is kept both decoded (Header) and as the
// exact bytes the client sent (RawHeader), so that replies echo it unchanged as
// their parent_header, including fields this package does not know about.
type Message struct {
	Identities [][]byte        // ROUTER routing prefix, echoed on replies
	Header     Header          // decoded header
	RawHeader  json.RawMessage // header bytes as received
	Parent     json.RawMessage // parent_header bytes ("{}" when none)
	Metadata   map[string]any  // metadata (never nil after decoding)
	Content    json.RawMessage // content bytes, decoded per message type by handlers
	Buffers    [][]byte        // extra binary buffers
}

// Wire errors returned by DecodeFrames. They are sentinel values so that
// callers (and the fuzzer) can tell a forged message from a malformed one.
var (
	ErrNoDelimiter  = errors.New("no <IDS|MSG> delimiter")
	ErrShortMessage = errors.New("fewer than 5 frames after the identities")
	ErrBadSignature = errors.New("signature does not match")
)

// Signer signs and verifies messages with the connection file's key.
// A Signer with an empty key signs nothing and accepts any signature, as the
// protocol prescribes. A Signer is safe for concurrent use.
type Signer struct {
	key     []byte
	newHash func() hash.Hash
}

// NewSigner returns a Signer for a connection file's signature_scheme and key.
// An empty key disables signing whatever the scheme.
func NewSigner(scheme, key string) (*Signer, error) {
	if key == "" {
		return &Signer{}, nil
	}
	var h func() hash.Hash
	switch scheme {
	case "hmac-sha256", "":
		h = sha256.New
	case "hmac-sha512":
		h = sha512.New
	case "hmac-sha1":
		h = sha1.New
	default:
		return nil, fmt.Errorf("unsupported signature_scheme %q (want hmac-sha256)", scheme)
	}
	return &Signer{key: []byte(key), newHash: h}, nil
}

// Enabled reports whether messages are signed.
func (s *Signer) Enabled() bool { return len(s.key) > 0 }

// Sign returns the hex signature of the four signed frames, or "" when signing
// is disabled.
func (s *Signer) Sign(header, parent, metadata, content []byte) string {
	if !s.Enabled() {
		return ""
	}
	return hex.EncodeToString(s.mac(header, parent, metadata, content))
}

func (s *Signer) mac(frames ...[]byte) []byte {
	m := hmac.New(s.newHash, s.key)
	for _, f := range frames {
		m.Write(f)
	}
	return m.Sum(nil)
}

// Verify reports whether sig is the signature of the four signed frames: the
// lower-case hex digest, byte for byte, as jupyter_client compares it (an
// upper-case spelling of the right digest is refused there too). The
// comparison takes the same time wherever the first difference lies.
func (s *Signer) Verify(sig, header, parent, metadata, content []byte) bool {
	if !s.Enabled() {
		return true
	}
	want := hex.EncodeToString(s.mac(header, parent, metadata, content))
	return hmac.Equal(sig, []byte(want))
}

// DecodeFrames splits raw ZeroMQ frames into a Message, checking the signature
// before looking at any JSON. It never panics, whatever the frames hold.
//
// When the signature and the header are good but the parent header, metadata
// or content is not, DecodeFrames returns the message decoded so far along
// with the error, so that the kernel can answer the request with an error
// reply instead of leaving the client waiting.
func DecodeFrames(frames [][]byte, s *Signer) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, ErrNoDelimiter
	}
	rest := frames[i+1:]
	if len(rest) < 5 {
		return nil, ErrShortMessage
	}
	sig, header, parent, metadata, content := rest[0], rest[1], rest[2], rest[3], rest[4]
	if !s.Verify(sig, header, parent, metadata, content) {
		return nil, ErrBadSignature
	}
	m := &Message{
		Identities: frames[:i],
		RawHeader:  json.RawMessage(header),
		Buffers:    rest[5:],
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("decode header: empty msg_type")
	}
	if len(bytes.TrimSpace(parent)) == 0 {
		parent = []byte("{}")
	} else if !json.Valid(parent) {
		return m, errors.New("decode parent_header: invalid JSON")
	}
	m.Parent = json.RawMessage(parent)
	m.Content = json.RawMessage("{}")
	if len(bytes.TrimSpace(metadata)) > 0 {
		if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
			return m, fmt.Errorf("decode metadata: %w", err)
		}
	}
	if m.Metadata == nil {
		m.Metadata = map[string]any{}
	}
	if len(bytes.TrimSpace(content)) == 0 {
		content = []byte("{}")
	} else if !json.Valid(content) {
		return m, errors.New("decode content: invalid JSON")
	}
	m.Content = json.RawMessage(content)
	return m, nil
}

// outgoing is a message the kernel is about to send.
type outgoing struct {
	identities [][]byte
	header     Header
	parent     json.RawMessage
	metadata   any
	content    any
}

// EncodeFrames serialises and signs an outgoing message into ZeroMQ frames.
func encodeFrames(o *outgoing, s *Signer) ([][]byte, error) {
	header, err := json.Marshal(o.header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte(o.parent)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	metadata := []byte("{}")
	if o.metadata != nil {
		if metadata, err = marshal(o.metadata); err != nil {
			return nil, fmt.Errorf("encode metadata of %s: %w", o.header.MsgType, err)
		}
	}
	content, err := marshal(o.content)
	if err != nil {
		return nil, fmt.Errorf("encode content of %s: %w", o.header.MsgType, err)
	}
	frames := make([][]byte, 0, len(o.identities)+6)
	frames = append(frames, o.identities...)
	frames = append(frames, delimiter, []byte(s.Sign(header, parent, metadata, content)),
		header, parent, metadata, content)
	return frames, nil
}

// marshal is json.Marshal without HTML escaping: Jupyter content is full of
// HTML (display data, tracebacks), and escaping every <, > and & as \u003c
// only makes messages larger and slower to encode. A MarshalJSON or
// MarshalText method that panics, as a cell's value may, is an error here, not
// a dead kernel.
func marshal(v any) (_ []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("json: panic while encoding %T: %v", v, r)
		}
	}()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// newHeader returns a complete header for a new message of the given type.
func newHeader(msgType, session, username string, now time.Time) Header {
	return Header{
		MsgID:    uuid.NewString(),
		Session:  session,
		Username: username,
		Date:     now.UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}
