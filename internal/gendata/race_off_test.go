//go:build !race

package gendata_test

const raceEnabled = false
