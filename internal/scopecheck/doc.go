// Package scopecheck holds the test that keeps every query on a scoped table in its
// package's entry points (each domain package's scope.go; the counters' package,
// internal/progress), so a reader that forgets the caller's scope cannot be written
// without the test naming it. It has no code of its own.
package scopecheck
