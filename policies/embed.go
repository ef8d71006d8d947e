// Package policies embeds the casbin model and policy so the binary carries the reviewed
// rules; there is no run-time policy loading.
package policies

import _ "embed"

//go:embed model.conf
var Model string

//go:embed policy.csv
var Policy string

//go:embed expected_matrix.csv
var ExpectedMatrix string
