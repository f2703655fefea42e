// Package freeport finds unused TCP ports on the loopback interface, the way
// the Functions host picks FUNCTIONS_CUSTOMHANDLER_PORT and the way tests
// pick ports beside a developer's own servers.
//
// A port is free when it is picked: another process may take it before the
// caller binds it. Callers that start a server on it must report a failed
// bind clearly (or retry), not assume the port stays free.
package freeport

import (
	"fmt"
	"net"
)

// Get returns one TCP port that was free on 127.0.0.1 a moment ago.
func Get() (int, error) {
	ports, err := GetN(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// GetN returns n distinct ports that were free on 127.0.0.1 a moment ago.
// They are held open together while picked, so no two are the same.
func GetN(n int) ([]int, error) {
	ports := make([]int, 0, n)
	lns := make([]net.Listener, 0, n)
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
