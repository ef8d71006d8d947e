package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ntmflow/ntmflow/internal/logx"
	"github.com/ntmflow/ntmflow/internal/server"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// edgeServer is another handler over the test app's database and accounts, with its own
// edge configuration.
func edgeServer(t *testing.T, a *testkit.App, edge server.Edge) *server.Server {
	t.Helper()
	svc := *a.Services
	svc.Edge = edge
	h, err := svc.Handler(logx.New(io.Discard, slog.LevelError))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serve sends req to h from remoteAddr ("" keeps httptest's 192.0.2.1:1234).
func serve(h http.Handler, req *http.Request, remoteAddr string) *httptest.ResponseRecorder {
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
