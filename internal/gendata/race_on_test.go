//go:build race

package gendata_test

// The race detector makes the pure-Go SQLite engine dozens of times slower; the test
// generates less data under it.
const raceEnabled = true
