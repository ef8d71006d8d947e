package store

import "testing"

// Every PostgreSQL URL gets a connect timeout unless it sets its own, so a request never
// waits minutes for a host that does not answer.
func TestWithConnectTimeout(t *testing.T) {
	cases := map[string]string{
		"postgres://u@h:5432/db":                            "postgres://u@h:5432/db?connect_timeout=5",
		"postgresql://u@h/db?sslmode=disable":               "postgresql://u@h/db?connect_timeout=5&sslmode=disable",
		"postgres://u@h/db?connect_timeout=2":               "postgres://u@h/db?connect_timeout=2",
		"host=h user=u dbname=db":                           "host=h user=u dbname=db",
		"postgres://u@h/db?search_path=t_1&sslmode=require": "postgres://u@h/db?connect_timeout=5&search_path=t_1&sslmode=require",
	}
	for in, want := range cases {
		if got := withConnectTimeout(in); got != want {
			t.Errorf("withConnectTimeout(%q) = %q, want %q", in, got, want)
		}
	}
}
