package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

// readyz answers 200 only when the database answers and its schema is current, so a load
// balancer keeps traffic away from a replica that cannot serve it.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	body := map[string]string{"status": "ready", "database": "ok", "migrations": "current"}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["database"], body["migrations"], body["status"] = "unreachable", "unknown", "unavailable"
		status = http.StatusServiceUnavailable
	} else if ok, err := s.store.MigrationsCurrent(ctx); err != nil {
		body["database"], body["migrations"], body["status"] = "unreachable", "unknown", "unavailable"
		status = http.StatusServiceUnavailable
	} else if !ok {
		body["migrations"], body["status"] = "pending", "unavailable"
		status = http.StatusServiceUnavailable
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
	}
	return c.JSON(status, body)
}
