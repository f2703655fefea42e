package funcapp

import (
	"encoding/json"
	"fmt"
)

// ParseFunction reads one function.json from its bytes, as [Load] reads
// the files of an app, and checks it the same way: for a function that
// exists only in memory, such as one generated from a Go declaration. path
// names it in problems.
func ParseFunction(name, path string, data []byte) (*Function, error) {
	f := &Function{Name: name, Path: path}
	var probs problems
	if err := json.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON for this file: %v", path, err)
	}
	f.check(&probs)
	if len(probs) > 0 {
		return f, &Error{Problems: probs}
	}
	return f, nil
}
