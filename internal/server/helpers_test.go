package server_test

import (
	"strconv"

	"github.com/ntmflow/ntmflow/internal/identity"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func newHanoiUser() identity.NewUser {
	return identity.NewUser{Username: "hanoi.observer", FullName: "Người Hà Nội", Password: "mat-khau-dai-12",
		Roles: []identity.RoleAt{{Role: "observer", UnitCode: "01"}}}
}
