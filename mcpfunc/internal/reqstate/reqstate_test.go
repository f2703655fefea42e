package reqstate

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	key  = bytes.Repeat([]byte{7}, 32)
	t0   = time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	args = []byte(`{"key":"secret-plan","size":12345678901234567890}`)
)

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSealer(t *testing.T, k []byte, c *clock) *Sealer {
	t.Helper()
	s, err := New(k, c.now)
	require.NoError(t, err)
	return s
}

func TestSealOpen(t *testing.T) {
	c := &clock{t0}
	s := newSealer(t, key, c)
	state, err := s.Seal("remove", args, "Remove item secret-plan?")
	require.NoError(t, err)

	got, err := s.Open(state, "remove", args)
	require.NoError(t, err)
	assert.Equal(t, "remove", got.Tool)
	assert.Equal(t, sha256.Sum256([]byte("Remove item secret-plan?")), got.Question)
	assert.True(t, got.Expires.Equal(t0.Add(5*time.Minute)), "expires %v", got.Expires)

	// The same arguments in another order and spacing are the same call.
	_, err = s.Open(state, "remove", []byte(` { "size" : 12345678901234567890, "key":"secret-plan" } `))
	assert.NoError(t, err)

	// Two states for the same question differ (random nonce and id).
	again, err := s.Seal("remove", args, "Remove item secret-plan?")
	require.NoError(t, err)
	assert.NotEqual(t, state, again)
}

// The state is AES-256-GCM under the HKDF-SHA256 key, as the package says:
// opened here with the standard library's primitives directly.
func TestFormat(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	state, err := s.Seal("t", []byte(`{}`), "q?")
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(state)
	require.NoError(t, err)
	k, err := hkdf.Key(sha256.New, key, nil, "mcpfunc request state AES-256-GCM", 32)
	require.NoError(t, err)
	block, err := aes.NewCipher(k)
	require.NoError(t, err)
	gcm, err := cipher.NewGCM(block)
	require.NoError(t, err)
	p, err := gcm.Open(nil, raw[:12], raw[12:], []byte("mcpfunc request state v1"))
	require.NoError(t, err)
	require.Len(t, p, 1+8+16+32+32+1)
	assert.Equal(t, byte(1), p[0])
	assert.Equal(t, uint64(t0.Add(5*time.Minute).Unix()), binary.BigEndian.Uint64(p[1:9]))
	h := sha256.Sum256([]byte(`{}`))
	assert.Equal(t, h[:], p[25:57])
	q := sha256.Sum256([]byte("q?"))
	assert.Equal(t, q[:], p[57:89])
	assert.Equal(t, "t", string(p[89:]))
}

// Nothing of the call is readable in the state: not the tool, not an
// argument, not the question.
func TestNothingInClear(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	state, err := s.Seal("remove", args, "Remove item secret-plan?")
	require.NoError(t, err)
	raw, _ := base64.RawURLEncoding.DecodeString(state)
	for _, secret := range []string{"remove", "secret-plan", "12345678901234567890", "Delete"} {
		assert.NotContains(t, state, secret)
		assert.False(t, bytes.Contains(raw, []byte(secret)), "%s in the sealed bytes", secret)
		assert.NotContains(t, state, base64.RawURLEncoding.EncodeToString([]byte(secret))[:8])
	}
}

// Each byte of the state changed, anywhere (nonce, sealed text, tag), and
// the state cut or lengthened: refused as forged.
func TestTamperedRefused(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	state, err := s.Seal("remove", args, "Delete?")
	require.NoError(t, err)
	raw, _ := base64.RawURLEncoding.DecodeString(state)
	for i := range raw {
		bad := bytes.Clone(raw)
		bad[i] ^= 0x01
		_, err := s.Open(base64.RawURLEncoding.EncodeToString(bad), "remove", args)
		require.ErrorIs(t, err, ErrForged, "byte %d flipped", i)
	}
	for _, bad := range []string{
		"",
		"not base64 !",
		state + "-TAMPERED", // what the conformance suite does
		state[:len(state)-1],
		state[:20],
		base64.RawURLEncoding.EncodeToString(append(raw, 0)),
		base64.StdEncoding.EncodeToString(raw), // another alphabet
	} {
		_, err := s.Open(bad, "remove", args)
		assert.ErrorIs(t, err, ErrForged, "%q", bad)
		assert.ErrorIs(t, err, ErrInvalid)
	}
}

func TestOtherCallRefused(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	state, err := s.Seal("remove", args, "Delete?")
	require.NoError(t, err)

	_, err = s.Open(state, "put", args)
	assert.ErrorIs(t, err, ErrOtherTool)
	_, err = s.Open(state, "Remove", args)
	assert.ErrorIs(t, err, ErrOtherTool, "names are case-sensitive")
	for _, other := range []string{
		`{"key":"other","size":12345678901234567890}`,
		`{"key":"secret-plan","size":12345678901234567891}`, // differs beyond float64's precision
		`{"key":"secret-plan"}`,
		`{"key":"secret-plan","size":12345678901234567890,"x":null}`,
		`{"Key":"secret-plan","size":12345678901234567890}`,
		`{}`,
		``,
		`not json`,
	} {
		_, err = s.Open(state, "remove", []byte(other))
		assert.ErrorIs(t, err, ErrOtherArgs, "%s", other)
	}
}

func TestNoArgumentsIsEmptyObject(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	state, err := s.Seal("hello", nil, "?")
	require.NoError(t, err)
	_, err = s.Open(state, "hello", []byte(`{}`))
	assert.NoError(t, err)
	_, err = s.Open(state, "hello", []byte(`{"a":1}`))
	assert.ErrorIs(t, err, ErrOtherArgs)
}

func TestExpiry(t *testing.T) {
	c := &clock{t0}
	s := newSealer(t, key, c)
	state, err := s.Seal("remove", args, "Delete?")
	require.NoError(t, err)

	c.t = t0.Add(5*time.Minute - time.Second)
	_, err = s.Open(state, "remove", args)
	assert.NoError(t, err, "a second before expiry")

	c.t = t0.Add(5 * time.Minute)
	_, err = s.Open(state, "remove", args)
	assert.ErrorIs(t, err, ErrExpired, "at expiry")

	c.t = t0.Add(time.Hour)
	_, err = s.Open(state, "remove", args)
	assert.ErrorIs(t, err, ErrExpired)
}

func TestWrongKey(t *testing.T) {
	c := &clock{t0}
	state, err := newSealer(t, key, c).Seal("remove", args, "Delete?")
	require.NoError(t, err)
	other := bytes.Clone(key)
	other[31] ^= 1
	_, err = newSealer(t, other, c).Open(state, "remove", args)
	assert.ErrorIs(t, err, ErrForged)
	// A longer key is another key too.
	_, err = newSealer(t, append(bytes.Clone(key), 0), c).Open(state, "remove", args)
	assert.ErrorIs(t, err, ErrForged)
}

func TestShortKeyRefused(t *testing.T) {
	_, err := New(make([]byte, 31), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at least 32")
	_, err = New(NewKey(), nil)
	assert.NoError(t, err)
	assert.NotEqual(t, NewKey(), NewKey())
}

func TestErrorsSayWhy(t *testing.T) {
	for err, want := range map[error]string{
		ErrForged:    "invalid requestState: it was not issued by this server",
		ErrExpired:   "invalid requestState: it has expired",
		ErrOtherTool: "invalid requestState: it was issued for another tool",
		ErrOtherArgs: "invalid requestState: it was issued for other arguments",
	} {
		assert.True(t, strings.HasPrefix(err.Error(), want), err.Error())
	}
}

// One Sealer serves every call at once (the race detector watches).
func TestConcurrent(t *testing.T) {
	s := newSealer(t, key, &clock{t0})
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			for j := range 50 {
				a := []byte(`{"k":` + string(rune('0'+i)) + `,"j":"` + strings.Repeat("x", j) + `"}`)
				state, err := s.Seal("t", a, "q")
				if err == nil {
					_, err = s.Open(state, "t", a)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}

// The cost of a confirmation's state: sealing it, and opening it with
// arguments of a typical size.
func BenchmarkSeal(b *testing.B) {
	s, _ := New(key, nil)
	for b.Loop() {
		_, _ = s.Seal("remove", args, "Remove item secret-plan?")
	}
}

func BenchmarkOpen(b *testing.B) {
	s, _ := New(key, nil)
	state, _ := s.Seal("remove", args, "Remove item secret-plan?")
	for b.Loop() {
		if _, err := s.Open(state, "remove", args); err != nil {
			b.Fatal(err)
		}
	}
}
