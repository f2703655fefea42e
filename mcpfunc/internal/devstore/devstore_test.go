package devstore

import "testing"

// The shortcut's meaning, as the emulator's documentation writes it out
// (https://learn.microsoft.com/azure/storage/common/storage-use-azurite#http-connection-strings).
func TestDefault(t *testing.T) {
	const want = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
		"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
		"BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" +
		"QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
		"TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
	if Default != want {
		t.Errorf("Default = %q, want %q", Default, want)
	}
}
