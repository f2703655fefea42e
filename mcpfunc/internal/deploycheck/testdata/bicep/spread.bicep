// Valid Bicep, but the pinned grammar does not know the spread operator
// (line 5), so the check must report it: write union() instead.
var base = { a: 1 }
var merged = {
  ...base
  b: 2
}
