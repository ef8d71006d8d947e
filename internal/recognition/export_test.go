package recognition

// UnitPaths exposes unitPaths to the external tests.
var UnitPaths = unitPaths
