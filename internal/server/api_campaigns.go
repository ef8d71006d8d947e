package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/export"
	"github.com/ntmflow/ntmflow/internal/i18n"
)

type campaignRequest struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	ProvinceCode string `json:"province_code"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
}

func (r campaignRequest) input() campaign.Input {
	return campaign.Input{Name: r.Name, Description: r.Description, ProvinceCode: r.ProvinceCode, StartsOn: r.StartsOn, EndsOn: r.EndsOn}
}

func (s *Server) createCampaign(c echo.Context) error {
	var in campaignRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.campaigns.Create(c.Request().Context(), principal(c), in.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/campaigns/%d", v.ID))
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) listCampaigns(c echo.Context) error {
	list, err := s.campaigns.List(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	items := make([]campaign.View, len(list))
	for i, cp := range list {
		items[i] = campaign.ToView(cp, nil)
	}
	return c.JSON(http.StatusOK, itemsOf[campaign.View]{Items: items})
}

func (s *Server) getCampaign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.campaigns.Get(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	if v.Targets == nil {
		v.Targets = []campaign.Target{}
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) updateCampaign(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in campaignRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.campaigns.Update(c.Request().Context(), principal(c), id, in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// targetsRequest replaces every target of a campaign (an empty list removes them all).
type targetsRequest struct {
	Items []campaign.Target `json:"items"`
}

func (s *Server) putTargets(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in targetsRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Items == nil {
		return apperr.Invalid("items", "is required (an empty list removes every target)")
	}
	v, err := s.campaigns.SetTargets(c.Request().Context(), principal(c), id, in.Items)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) progressReport(c echo.Context) (campaign.Report, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return campaign.Report{}, err
	}
	year := 0
	if y := c.QueryParam("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			return campaign.Report{}, apperr.Invalid("year", "must be a year such as 2022")
		}
	}
	return s.campaigns.Progress(c.Request().Context(), principal(c), id, year, c.QueryParam("unit"))
}

func (s *Server) getProgress(c echo.Context) error {
	rep, err := s.progressReport(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, progressJSON{CampaignID: rep.Campaign.ID, Year: rep.Year, UnitCode: rep.Unit.Code, Items: rep.Items})
}

// progressJSON is the progress report of SPEC §8.
type progressJSON struct {
	CampaignID int64          `json:"campaign_id"`
	Year       int            `json:"year"`
	UnitCode   string         `json:"unit_code"`
	Items      []campaign.Row `json:"items"`
}

// progressTable lays the report out for export, with Vietnamese headers (the language of
// the province's paperwork).
func (s *Server) progressTable(rep campaign.Report) export.Table {
	t := func(id string, kv ...any) string { return s.exportT(id, kv...) }
	tbl := export.Table{
		Title: t("export.progress_title", "Campaign", rep.Campaign.Name, "Year", rep.Year, "Unit", rep.Unit.Name,
			"At", i18n.DateTime("vi", time.Now())),
		Sheet:   t("export.progress_sheet"),
		Headers: []string{t("export.unit_code"), t("export.unit_name"), t("export.type"), t("export.target_min"), t("export.target_max"), t("export.recognized"), t("export.in_pipeline"), t("export.state")},
	}
	for _, r := range rep.Items {
		var minV, maxV any
		if r.TargetMin != nil {
			minV = *r.TargetMin
		}
		if r.TargetMax != nil {
			maxV = *r.TargetMax
		}
		state := ""
		if r.State != nil {
			state = t("state." + *r.State)
		}
		tbl.Rows = append(tbl.Rows, []any{r.UnitCode, r.UnitName, t("type." + r.Type), minV, maxV, r.Recognized, r.InPipeline, state})
	}
	return tbl
}

func (s *Server) exportT(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return s.pages.catalog.T("vi", id, data)
}

func (s *Server) progressCSV(c echo.Context) error {
	rep, err := s.progressReport(c)
	if err != nil {
		return err
	}
	return writeExport(c, fmt.Sprintf("tien-do-%d-%s.csv", rep.Year, rep.Unit.Code), s.progressTable(rep), export.CSV)
}

func (s *Server) progressXLSX(c echo.Context) error {
	rep, err := s.progressReport(c)
	if err != nil {
		return err
	}
	// The workbook adds the movement's sheets (page_movement_dash.go); the CSV stays one table.
	sheets, err := s.progressWorkbook(c.Request().Context(), rep)
	if err != nil {
		return err
	}
	return writeExport(c, fmt.Sprintf("tien-do-%d-%s.xlsx", rep.Year, rep.Unit.Code), sheets[0],
		func(w io.Writer, _ export.Table) error { return export.Workbook(w, sheets) })
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func writeExport(c echo.Context, filename string, t export.Table, write func(w io.Writer, t export.Table) error) error {
	ctype := "text/csv; charset=utf-8"
	if path.Ext(filename) == ".xlsx" {
		ctype = xlsxType
	}
	var buf bytes.Buffer
	if err := write(&buf, t); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

// nominationsTable exports the filtered list (every page, up to 10,000 rows) for the
// district and province levels; who may export is the route's can(report, read).
func (s *Server) nominationsTable(c echo.Context) (export.Table, error) {
	p := principal(c)
	f, err := nominationFilter(c)
	if err != nil {
		return export.Table{}, err
	}
	f.Limit, f.Cursor = 100, ""
	t := func(id string, kv ...any) string { return s.exportT(id, kv...) }
	tbl := export.Table{
		Title:   t("export.nominations_title", "At", i18n.DateTime("vi", time.Now())),
		Sheet:   t("export.nominations_sheet"),
		Headers: []string{t("export.id"), t("export.title"), t("export.type"), t("export.status"), t("export.commune"), t("export.district"), t("export.owner"), t("export.village"), t("export.self_score"), t("export.submitted_at"), t("export.updated_at")},
	}
	for len(tbl.Rows) < 10000 {
		page, err := s.nominations.List(c.Request().Context(), p, f)
		if err != nil {
			return export.Table{}, err
		}
		rows, err := s.listRows(c, page.Items)
		if err != nil {
			return export.Table{}, err
		}
		for _, r := range rows {
			submitted := ""
			if r.SubmittedAt != nil {
				submitted = i18n.Date("vi", *r.SubmittedAt)
			}
			tbl.Rows = append(tbl.Rows, []any{r.ID, r.Title, t("type." + r.Type), t("status." + string(r.Status)), r.CommuneName,
				r.DistrictName, r.OwnerName, r.Village, r.SelfScore, submitted, i18n.Date("vi", r.UpdatedAt)})
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	return tbl, nil
}

func (s *Server) nominationsCSV(c echo.Context) error {
	t, err := s.nominationsTable(c)
	if err != nil {
		return err
	}
	return writeExport(c, "ho-so-de-nghi.csv", t, export.CSV)
}

func (s *Server) nominationsXLSX(c echo.Context) error {
	t, err := s.nominationsTable(c)
	if err != nil {
		return err
	}
	return writeExport(c, "ho-so-de-nghi.xlsx", t, export.XLSX)
}
