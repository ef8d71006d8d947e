// The delegation page (SPEC §13): what the signed-in user delegated and received, the
// form to delegate a role, and revocation.

package server

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/delegation"
	"github.com/ntmflow/ntmflow/internal/units"
)

type delegationsData struct {
	Offers   []delegation.Offer
	Given    []delegation.View
	Received []delegation.View
	// Others are the delegations an admin sees at the units of their province, neither
	// given nor received by them.
	Others []delegation.View
	Form   delegationForm
	Errors map[string]string // problems by form field: grant, to_user_id, from, until
	Today  string            // YYYY-MM-DD, the earliest first day
}

// delegationForm is the form's values as typed. Grant is "role@unit_code".
type delegationForm struct {
	Grant, ToUserID, From, Until string
}

func (s *Server) delegationsPage(c echo.Context) error {
	return s.renderDelegations(c, http.StatusOK, &delegationsData{Errors: map[string]string{}})
}

// renderDelegations fills the lists and the form's choices and renders the page.
func (s *Server) renderDelegations(c echo.Context, status int, d *delegationsData) error {
	ctx, p := c.Request().Context(), principal(c)
	var err error
	if d.Offers, err = s.delegations.Offers(ctx, p); err != nil {
		return err
	}
	all, err := s.delegations.List(ctx, p, delegation.Filter{Limit: 500})
	if err != nil {
		return err
	}
	for _, v := range all {
		switch {
		case v.FromUserID == p.UserID:
			d.Given = append(d.Given, v)
		case v.ToUserID == p.UserID:
			d.Received = append(d.Received, v)
		default:
			d.Others = append(d.Others, v)
		}
	}
	d.Today = units.Today(time.Now()).Format(time.DateOnly)
	if d.Form.Grant == "" && len(d.Offers) > 0 {
		d.Form.Grant = d.Offers[0].Role + "@" + d.Offers[0].UnitCode
	}
	return s.render(c, status, "delegations", s.page(c, "delegations", "delegations.title", d))
}

// dmy is a date typed as dd/mm/yyyy, which the form accepts beside the YYYY-MM-DD of a
// date picker.
var dmy = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// formDate reads a typed date as YYYY-MM-DD for the domain, which validates it.
func formDate(v string) string {
	v = strings.TrimSpace(v)
	if m := dmy.FindStringSubmatch(v); m != nil {
		day, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		return m[3] + "-" + twoDigits(month) + "-" + twoDigits(day)
	}
	return v
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// delegationFields maps the domain's fields to the form's.
var delegationFields = map[string]string{"role": "grant", "unit_code": "grant", "to_user_id": "to_user_id", "from": "from", "until": "until"}

func (s *Server) delegateSubmit(c echo.Context) error {
	f := delegationForm{Grant: c.FormValue("grant"), ToUserID: c.FormValue("to_user_id"), From: c.FormValue("from"), Until: c.FormValue("until")}
	role, unit, _ := strings.Cut(f.Grant, "@")
	in := delegation.Input{Role: role, UnitCode: unit, From: formDate(f.From), Until: formDate(f.Until)}
	if f.ToUserID != "" {
		id, err := strconv.ParseInt(f.ToUserID, 10, 64)
		if err != nil {
			return apperr.Invalid("to_user_id", "must be a user id")
		}
		in.ToUserID = id
	}
	_, err := s.delegations.Create(c.Request().Context(), principal(c), in)
	if err == nil {
		setFlash(c, "ok", "delegations.flash.created")
		return c.Redirect(http.StatusSeeOther, "/delegations")
	}
	d := &delegationsData{Form: f, Errors: map[string]string{}}
	o := formOutcome(err)
	switch {
	case errors.Is(err, apperr.ErrConflict):
		d.Errors["form"] = "delegations.flash.overlap"
	case o.Fields != nil:
		for field := range o.Fields {
			if mine, ok := delegationFields[field]; ok {
				d.Errors[mine] = "delegations.err." + mine
			} else {
				d.Errors["form"] = "err.invalid"
			}
		}
	default:
		return err // forbidden and the rest: the error page, as the API answers
	}
	return s.renderDelegations(c, o.Status, d)
}

func (s *Server) revokeDelegationSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.delegations.Revoke(c.Request().Context(), principal(c), id)
	switch {
	case err == nil:
		setFlash(c, "ok", "delegations.flash.revoked")
	case errors.Is(err, apperr.ErrConflict):
		setFlash(c, "error", "delegations.flash.not_revocable")
	default:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/delegations")
}

// DelegationError translates the problem of a delegation form's field ("form" for the
// form as a whole), or "" when it has none.
func (p *Page) DelegationError(errs map[string]string, field string) string {
	if key, ok := errs[field]; ok {
		return p.T(key)
	}
	return ""
}
