package bindingtest

import "testing"

func TestConditions(t *testing.T) {
	s := NewStore()
	CheckConditions(t, s, "notes", "n.txt", func(container, blob string) { s.Remove(container + "/" + blob) })
}

func TestListing(t *testing.T) {
	CheckListing(t, NewStore(), "listing")
}
