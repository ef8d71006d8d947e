// Package chaos holds fault-injection tests that need more than a test database: the
// PostgreSQL outage test stops and restarts a throwaway PostgreSQL cluster of its own under
// a running server and checks that nothing acknowledged is lost and that the server
// answers 503 while the database is away and recovers by itself. The tests run only with
// NTMFLOW_CHAOS=1 (make chaos); see docs/reliability.md.
package chaos
