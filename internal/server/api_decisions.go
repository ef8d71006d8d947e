package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/export"
	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/recognition"
)

// decisionRequest is the body of POST /api/v1/decisions (SPEC §13).
type decisionRequest struct {
	Number      string                    `json:"number"`
	Date        string                    `json:"date"`
	Signer      string                    `json:"signer"`
	SignerTitle string                    `json:"signer_title"` // "Chủ tịch" (default) or "Phó Chủ tịch"
	Items       []nomination.DecisionItem `json:"items"`
}

func (r decisionRequest) input() nomination.DecisionInput {
	return nomination.DecisionInput{Items: r.Items,
		Decision: nomination.Decision{Number: r.Number, Date: r.Date, Signer: r.Signer, SignerTitle: r.SignerTitle}}
}

// createDecision approves every listed nomination under one decision, or none.
func (s *Server) createDecision(c echo.Context) error {
	var in decisionRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	id, err := s.nominations.ApproveUnderDecision(ctx, principal(c), in.input())
	if err != nil {
		return err
	}
	d, err := s.recognitions.GetDecision(ctx, principal(c), s.units, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, apiPrefix+"/decisions/"+strconv.FormatInt(id, 10))
	return c.JSON(http.StatusCreated, d.View(time.Now().UTC()))
}

func (s *Server) decision(c echo.Context) (recognition.DecisionRecord, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return recognition.DecisionRecord{}, err
	}
	return s.recognitions.GetDecision(c.Request().Context(), principal(c), s.units, id)
}

func (s *Server) getDecision(c echo.Context) error {
	d, err := s.decision(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d.View(time.Now().UTC()))
}

// decisionAnnex is the annex of a decision: the list of what it recognises, as the
// province attaches it to the signed decision (in Vietnamese, the paperwork's language).
func (s *Server) decisionAnnex(c echo.Context) error {
	d, err := s.decision(c)
	if err != nil {
		return err
	}
	return writeExport(c, fmt.Sprintf("phu-luc-quyet-dinh-%d.xlsx", d.Decision.ID), s.annexTable(d), export.XLSX)
}

func (s *Server) annexTable(d recognition.DecisionRecord) export.Table {
	t := func(id string, kv ...any) string { return s.exportT(id, kv...) }
	dec := d.Decision
	tbl := export.Table{
		Title: t("decisions.annex.title", "Number", dec.Number, "Date", i18n.Date("vi", dec.DecisionDate),
			"Signer", dec.Signer, "Title", dec.SignerTitle),
		Sheet: t("decisions.annex.sheet"),
		Headers: []string{t("decisions.col.seq"), t("decisions.col.certificate"), t("export.type"), t("export.title"),
			t("export.owner"), t("export.village"), t("export.commune"), t("export.district"), t("decisions.col.valid_until")},
	}
	for i, r := range d.Recognitions {
		commune, district := r.CommuneCode, r.DistrictCode
		if r.Place != nil {
			commune, district = r.Place.CommuneName, r.Place.DistrictName
		}
		var until any
		if r.ValidUntil != nil {
			until = i18n.Date("vi", *r.ValidUntil)
		}
		tbl.Rows = append(tbl.Rows, []any{i + 1, r.CertificateNumber, t("type." + r.Type), r.Title, r.OwnerName, r.Village,
			commune, district, until})
	}
	return tbl
}
