// Package guid makes random version-4 GUIDs in the lower-case form the
// Functions host uses for invocation and worker ids.
package guid

import (
	"crypto/rand"
	"encoding/hex"
)

// New returns a random version-4 GUID, such as
// "3f2504e0-4f89-41d3-9a0c-0305e82c3301".
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:16])
	return string(out[:])
}
