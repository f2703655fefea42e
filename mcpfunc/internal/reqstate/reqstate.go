// Package reqstate seals the state a stateless server hands a client
// between the rounds of a multi round-trip request (protocol 2026-07-28,
// SEP-2322: an input_required result, then the client's retry with the
// answers and the state echoed back).
//
// The client holds the state, so whatever comes back is the client's
// input: the specification asks servers to treat it as untrusted, and
// go-sdk (v1.8.0) passes it to the handler as it came, unchecked
// (mcp/protocol.go, CallToolResult.RequestState: "Unauthenticated servers
// must encrypt, sign and verify this value"). A state here is sealed with
// AES-256-GCM (the standard library's, authenticated encryption) under a
// key the client never sees, and holds:
//
//   - the tool's name and a SHA-256 of the call's arguments in a canonical
//     form, so that the answer to "delete a?" cannot delete b, nor be
//     replayed on another tool;
//   - an expiry (a few minutes), so that an answer cannot be kept and
//     used later;
//   - a SHA-256 of the question asked, so that an answer goes with that
//     question only;
//   - a random id, so that no two states are alike.
//
// Nothing of it is readable without the key, and no secret is in it. A
// state that does not open (forged, cut, from another key), or that opens
// for another tool, other arguments or after its expiry, is refused with
// an error that says which, and nothing runs.
//
// Within its lifetime a state can be sent again: the server keeps nothing
// (it is stateless), so it cannot tell a second use from the first. That
// only confirms the same action on the same arguments again.
package reqstate

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MinKeyBytes is the least key material a Sealer accepts: 256 bits.
const MinKeyBytes = 32

// Lifetime is how long a sealed state is good for: long enough for a
// person to read a question and answer it, short enough that an answer
// left lying around is soon of no use.
const Lifetime = 5 * time.Minute

// version is the first byte of every sealed state; the format changes
// with it.
const version = 1

// aad binds a sealed state to this use: a ciphertext made under the same
// key for something else does not open as a request state.
var aad = []byte("mcpfunc request state v1")

// The ways a state is refused. Each wraps ErrInvalid.
var (
	ErrInvalid   = errors.New("invalid requestState")
	ErrForged    = fmt.Errorf("%w: it was not issued by this server (changed, cut, or sealed under another key)", ErrInvalid)
	ErrExpired   = fmt.Errorf("%w: it has expired", ErrInvalid)
	ErrOtherTool = fmt.Errorf("%w: it was issued for another tool", ErrInvalid)
	ErrOtherArgs = fmt.Errorf("%w: it was issued for other arguments", ErrInvalid)
)

// Sealer seals and opens request states under one key.
type Sealer struct {
	aead cipher.AEAD
	now  func() time.Time
}

// New returns a Sealer for key, at least MinKeyBytes of secret material;
// now is the clock (nil means time.Now). The AES-256 key is derived from
// key with HKDF-SHA256, so key may be any length from MinKeyBytes up (a
// setting made of random text, for one).
func New(key []byte, now func() time.Time) (*Sealer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("the request state key has %d bytes; it needs at least %d", len(key), MinKeyBytes)
	}
	k, err := hkdf.Key(sha256.New, key, nil, "mcpfunc request state AES-256-GCM", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Sealer{aead: aead, now: now}, nil
}

// NewKey returns a fresh random key.
func NewKey() []byte {
	k := make([]byte, MinKeyBytes)
	_, _ = rand.Read(k) // never fails (crypto/rand)
	return k
}

// Claims are what a state says.
type Claims struct {
	Tool     string   // the tool's name
	Args     [32]byte // ArgsHash of the call's arguments
	Question [32]byte // QuestionHash of what the client was asked
	Expires  time.Time
}

// plain is the sealed text: version, expiry (Unix seconds), random id,
// the two hashes, then the tool's name.
const (
	idBytes    = 16
	fixedBytes = 1 + 8 + idBytes + 32 + 32
)

// Seal returns the state for a question asked about a call of tool with
// args (its arguments as the client sent them): URL-safe base64 of a
// random nonce and the sealed claims, expiring Lifetime from now.
func (s *Sealer) Seal(tool string, args []byte, question string) (string, error) {
	h, err := ArgsHash(args)
	if err != nil {
		return "", err
	}
	p := make([]byte, fixedBytes, fixedBytes+len(tool))
	p[0] = version
	binary.BigEndian.PutUint64(p[1:9], uint64(s.now().Add(Lifetime).Unix()))
	_, _ = rand.Read(p[9 : 9+idBytes])
	copy(p[9+idBytes:], h[:])
	qh := QuestionHash(question)
	copy(p[9+idBytes+32:], qh[:])
	p = append(p, tool...)
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(p)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, p, aad)), nil
}

// Open opens state and checks it against the call it came back with: tool
// and args. The error is one of the Err… values.
func (s *Sealer) Open(state, tool string, args []byte) (Claims, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(state)
	n := s.aead.NonceSize()
	if err != nil || len(sealed) < n+s.aead.Overhead() {
		return Claims{}, ErrForged
	}
	p, err := s.aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil || len(p) < fixedBytes || p[0] != version {
		return Claims{}, ErrForged
	}
	var c Claims
	c.Expires = time.Unix(int64(binary.BigEndian.Uint64(p[1:9])), 0)
	copy(c.Args[:], p[9+idBytes:])
	copy(c.Question[:], p[9+idBytes+32:])
	c.Tool = string(p[fixedBytes:])
	if c.Tool != tool {
		return Claims{}, ErrOtherTool
	}
	if h, err := ArgsHash(args); err != nil || h != c.Args {
		return Claims{}, ErrOtherArgs
	}
	if !s.now().Before(c.Expires) {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// ArgsHash is the SHA-256 of a call's arguments in a canonical form: the
// JSON value with object members sorted by name, no spaces, strings
// escaped one way and numbers as written. A client that sends the same
// arguments again, in another order or spacing, gets the same hash; any
// other value gets another. Empty args (none sent) are {}.
func ArgsHash(args []byte) ([32]byte, error) {
	if len(bytes.TrimSpace(args)) == 0 {
		args = []byte("{}")
	}
	d := json.NewDecoder(bytes.NewReader(args))
	d.UseNumber() // numbers as written: 2^70 stays 2^70
	var v any
	if err := d.Decode(&v); err != nil {
		return [32]byte{}, fmt.Errorf("arguments: %w", err)
	}
	canon, err := json.Marshal(v) // map members sorted by name
	if err != nil {
		return [32]byte{}, fmt.Errorf("arguments: %w", err)
	}
	return sha256.Sum256(canon), nil
}

// QuestionHash is the SHA-256 of a question's text.
func QuestionHash(question string) [32]byte { return sha256.Sum256([]byte(question)) }
