package invoke

// How large the host's payload can get, for sizing a handler's body limit
// from the limits its tools enforce (so that a call over a tool's limit
// reaches the tool and gets the tool's own message, not a generic failure).
//
// One byte of a string argument appears four times in an invocation:
//
//   - twice in the trigger value (Data.context and Metadata.context),
//     encoded three times: System.Text.Json's default encoder writes a
//     control character, '"' or any of & < > ' + ` as \u00XX (6 bytes),
//     then Newtonsoft escapes its backslash twice over: 9 bytes;
//   - in Metadata.mcptoolargs and Metadata.arguments, written once by
//     Newtonsoft: a control character as \u00XX, 6 bytes.
//
// So 9+9+6+6 = 30 bytes at most; characters beyond ASCII cost less per
// byte (é, two bytes, takes 22). A blob input's byte appears once,
// encoded twice by Newtonsoft: at most 7 bytes. The request headers of
// the MCP call appear four times too (the trigger twice, mcptoolcontext,
// Metadata.transport).
const (
	// ArgumentExpansion is the most payload bytes one byte of a string
	// argument takes.
	ArgumentExpansion = 30
	// BlobExpansion is the most payload bytes one byte of a blob input
	// takes.
	BlobExpansion = 7
	// MaxRequestHeaderBytes is what the headers of one MCP request can
	// add up to: the 32 KiB Kestrel allows in front of the host
	// (KestrelServerLimits.MaxRequestHeadersTotalSize).
	MaxRequestHeaderBytes = 32 << 10
	// payloadOverhead covers the rest: names, the session id, sys and the
	// JSON around them.
	payloadOverhead = 64 << 10
)

// MaxPayloadBytes is the largest payload the host sends for a call whose
// string arguments add up to argBytes bytes and whose blob inputs add up to
// blobBytes bytes.
func MaxPayloadBytes(argBytes, blobBytes int64) int64 {
	return ArgumentExpansion*argBytes + BlobExpansion*blobBytes + ArgumentExpansion*MaxRequestHeaderBytes + payloadOverhead
}
