//go:build !darwin && !linux

package proc

import "context"

// watchParent does nothing: Windows children
// are in a job object closed with their parent (see start_windows.go).
func watchParent(context.Context, func()) {}
