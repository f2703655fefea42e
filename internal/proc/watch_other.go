//go:build !darwin

package proc

import "context"

// watchParent does nothing: Linux children get Pdeathsig, Windows children
// are in a job object closed with their parent.
func watchParent(context.Context, func()) {}
