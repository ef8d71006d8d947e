package app_test

import (
	"io"
	"sync"

	"github.com/ntmflow/ntmflow/internal/identity"
)

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func newRealUser() identity.NewUser {
	return identity.NewUser{Username: "nguyen.van.a", FullName: "Nguyễn Văn A", Password: "mat-khau-rat-dai",
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "20"}}}
}
