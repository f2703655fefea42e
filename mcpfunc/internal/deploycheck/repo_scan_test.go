package deploycheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDeclarations(t *testing.T) {
	src := `targetScope = 'subscription'

// a comment
@description('x')
@allowed([
  'a'
])
param location string = 'a'
param count int
var x = {
  a: 1
}
@metadata({
  azd: {}
})
module m 'app/m.bicep' = {
  name: 'm'
}
output o string = x.a
`
	ds := declarations(src)
	var kinds []string
	for _, d := range ds {
		kinds = append(kinds, d.kind+" "+d.name)
	}
	assert.Equal(t, []string{"targetScope =", "param location", "param count", "var x", "module m", "output o"}, kinds)
	assert.Contains(t, ds[1].text, "@allowed([\n  'a'\n])")
	assert.Contains(t, ds[4].text, "azd: {}")
	assert.Contains(t, ds[3].text, "a: 1")

	ps := params(src)
	assert.Equal(t, param{typ: "string", hasDefault: true, def: "'a'"}, ps["location"])
	assert.Equal(t, param{typ: "int"}, ps["count"])
}
