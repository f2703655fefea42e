package verify

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// differences compares two JSON values as values (key order, number
// spelling and whitespace aside): each difference as "at <JSON pointer>:
// the endpoint lists X, declared Y", at most max of them.
func differences(listed, declared any, max int) []string {
	var out []string
	diff(generic(listed), generic(declared), "", &out, max)
	return out
}

// generic is v as encoding/json decodes its JSON into an any.
func generic(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	var g any
	if err := json.Unmarshal(b, &g); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return g
}

const missing = "(nothing)"

func diff(got, want any, at string, out *[]string, max int) {
	if len(*out) >= max || reflect.DeepEqual(got, want) {
		return
	}
	g, gok := got.(map[string]any)
	w, wok := want.(map[string]any)
	if gok && wok {
		for _, k := range slices.Sorted(maps.Keys(merge(g, w))) {
			gv, gin := g[k]
			wv, win := w[k]
			p := at + "/" + escapePointer(k)
			switch {
			case !gin:
				*out = append(*out, fmt.Sprintf("at %s: the endpoint lists %s, declared %s", p, missing, show(wv)))
			case !win:
				*out = append(*out, fmt.Sprintf("at %s: the endpoint lists %s, declared %s", p, show(gv), missing))
			default:
				diff(gv, wv, p, out, max)
			}
			if len(*out) >= max {
				return
			}
		}
		return
	}
	ga, gok := got.([]any)
	wa, wok := want.([]any)
	if gok && wok && len(ga) == len(wa) {
		for i := range ga {
			diff(ga[i], wa[i], at+"/"+strconv.Itoa(i), out, max)
		}
		return
	}
	if at == "" {
		at = "/"
	}
	*out = append(*out, fmt.Sprintf("at %s: the endpoint lists %s, declared %s", at, show(got), show(want)))
}

func merge(a, b map[string]any) map[string]any {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// show is v as JSON, cut to a readable length.
func show(v any) string {
	b, _ := json.Marshal(v)
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
