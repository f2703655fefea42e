// Package devstore is the Azure Storage emulator's well-known account, the
// one UseDevelopmentStorage=true means: its name, its key and its
// endpoints on loopback. The launcher (package azurite) serves it, and the
// storage client (package blobstore) translates the shortcut to it; both
// take it from here. It imports nothing, so the handler can use it without
// the launcher.
package devstore

import "strconv"

// The account: public and the same for everyone (it is in every Azure
// Storage emulator's documentation), so the key is no secret.
const (
	Account = "devstoreaccount1"
	Key     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// The default ports, the ones UseDevelopmentStorage=true points at.
const (
	BlobPort  = 10000
	QueuePort = 10001
	TablePort = 10002
)

// Endpoint is a service's URL for the account on a loopback port.
func Endpoint(port int) string {
	return "http://127.0.0.1:" + strconv.Itoa(port) + "/" + Account
}

// ConnectionString is an AzureWebJobsStorage value for the account on the
// given ports.
func ConnectionString(blob, queue, table int) string {
	return "DefaultEndpointsProtocol=http;AccountName=" + Account + ";AccountKey=" + Key + ";" +
		"BlobEndpoint=" + Endpoint(blob) + ";QueueEndpoint=" + Endpoint(queue) + ";TableEndpoint=" + Endpoint(table) + ";"
}

// Default is what UseDevelopmentStorage=true stands for.
var Default = ConnectionString(BlobPort, QueuePort, TablePort)
