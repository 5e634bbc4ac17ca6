package kernel

import (
	"fmt"
	"sort"
	"strings"
)

// A MIME bundle comes from the cell: a JSON() method that returns +Inf or NaN,
// a MIMEBundle() map holding a func or a channel, a cyclic map. One such entry
// makes the whole message unencodable, and dropping the message would leave
// the user with no output and no explanation. So an iopub message whose
// content carries bundles is sent without the entries that cannot be encoded,
// and a stderr line names each dropped entry and why. text/plain, a string,
// always survives. Bundles are only taken apart after the whole message failed
// to encode, so well-formed output costs nothing extra.

// bundleContent is message content that carries cell-provided MIME bundles.
type bundleContent interface {
	// withoutUnencodable returns a copy of the content without the bundle
	// entries that cannot be encoded as JSON, and a description of each
	// dropped entry.
	withoutUnencodable() (any, []droppedEntry)
}

// droppedEntry is a bundle entry left out of a message.
type droppedEntry struct {
	key string // MIME type, "metadata image/png" for a metadata entry
	err error  // why it could not be encoded
}

var (
	_ bundleContent = displayContent{}
	_ bundleContent = executeResult{}
)

func (c displayContent) withoutUnencodable() (any, []droppedEntry) {
	var dropped, d []droppedEntry
	c.Data, dropped = dropUnencodable(c.Data, "")
	c.Metadata, d = dropUnencodable(c.Metadata, "metadata ")
	return c, append(dropped, d...)
}

func (c executeResult) withoutUnencodable() (any, []droppedEntry) {
	var dropped, d []droppedEntry
	c.Data, dropped = dropUnencodable(c.Data, "")
	c.Metadata, d = dropUnencodable(c.Metadata, "metadata ")
	return c, append(dropped, d...)
}

// dropUnencodable returns m without the entries whose value cannot be encoded
// as JSON (m itself when all can), and each dropped entry, its key prefixed
// with prefix, in key order. m is not modified.
func dropUnencodable(m map[string]any, prefix string) (map[string]any, []droppedEntry) {
	var dropped []droppedEntry
	var kept map[string]any
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if _, err := marshal(m[key]); err != nil {
			dropped = append(dropped, droppedEntry{key: prefix + key, err: err})
			continue
		}
		if kept == nil {
			kept = make(map[string]any, len(m))
		}
		kept[key] = m[key]
	}
	if len(dropped) == 0 {
		return m, nil
	}
	if kept == nil {
		kept = map[string]any{}
	}
	return kept, dropped
}

// droppedNotice is the stderr text telling the user which entries of a
// msgType's bundle could not be sent.
func droppedNotice(msgType string, dropped []droppedEntry) string {
	var b strings.Builder
	for _, d := range dropped {
		fmt.Fprintf(&b, "%s: %s was not sent: it cannot be encoded as JSON (%v)\n", msgType, d.key, d.err)
	}
	return b.String()
}
