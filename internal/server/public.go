package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/units"
)

// publicRecognition is what the public registry shows: no personal data beyond the
// owner's name and village. ValidUntil is null for a commune title (no expiry).
type publicRecognition struct {
	ID             int64   `json:"id"`
	Type           string  `json:"type"`
	Title          string  `json:"title"`
	OwnerName      string  `json:"owner_name"`
	Village        string  `json:"village"`
	CommuneCode    string  `json:"commune_code"`
	CommuneName    string  `json:"commune_name"`
	DistrictCode   string  `json:"district_code"`
	DistrictName   string  `json:"district_name"`
	ProvinceCode   string  `json:"province_code"`
	ProvinceName   string  `json:"province_name"`
	DecisionNumber string  `json:"decision_number"`
	DecisionDate   string  `json:"decision_date"`
	ValidUntil     *string `json:"valid_until"`
	Status         string  `json:"status"`
	URL            string  `json:"url"`
}

func (s *Server) publicViews(c echo.Context, list []recognition.Recognition) ([]publicRecognition, error) {
	var codes []string
	for _, r := range list {
		codes = append(codes, r.CommuneCode, r.DistrictCode, r.ProvinceCode)
	}
	names, err := s.units.GetMany(c.Request().Context(), codes)
	if err != nil {
		return nil, err
	}
	now := s.recognitions.Now()
	out := make([]publicRecognition, len(list))
	for i, r := range list {
		v := recognition.ToView(r, now)
		out[i] = publicRecognition{ID: r.ID, Type: r.Type, Title: r.Title, OwnerName: r.OwnerName, Village: r.Village,
			CommuneCode: r.CommuneCode, CommuneName: names[r.CommuneCode].Name, DistrictCode: r.DistrictCode,
			DistrictName: names[r.DistrictCode].Name, ProvinceCode: r.ProvinceCode, ProvinceName: names[r.ProvinceCode].Name,
			DecisionNumber: r.DecisionNumber, DecisionDate: v.DecisionDate, ValidUntil: v.ValidUntil, Status: v.Status,
			URL: s.baseURL(c) + fmt.Sprintf("/public/recognitions/%d", r.ID)}
	}
	return out, nil
}

// baseURL is where the public registry lives: the configured public URL, else this
// request's scheme and host when the host is in the allow-list, else the list's first
// entry. The Host header is the client's to choose, and these links end up in printed QR
// codes and in caches (the public list is cacheable).
func (s *Server) baseURL(c echo.Context) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	host := s.allowedHosts[0]
	for _, h := range s.allowedHosts {
		if strings.EqualFold(h, c.Request().Host) {
			host = h
			break
		}
	}
	return c.Scheme() + "://" + host
}

func publicFilter(c echo.Context) (recognition.PublicFilter, error) {
	f := recognition.PublicFilter{Province: c.QueryParam("province"), District: c.QueryParam("district"), Commune: c.QueryParam("commune"),
		Type: c.QueryParam("type"), Cursor: c.QueryParam("cursor"), Query: c.QueryParam("q")}
	v := apperr.NewValidation()
	if y := c.QueryParam("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			v.Add("year", "must be a year such as 2022")
		}
		f.Year = n
	}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			v.Add("limit", "must be 1 to 200")
		}
		f.Limit = n
	}
	return f, v.Err()
}

func (s *Server) publicRecognitionsAPI(c echo.Context) error {
	f, err := publicFilter(c)
	if err != nil {
		return err
	}
	page, err := s.recognitions.PublicList(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items, err := s.publicViews(c, page.Items)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.JSON(http.StatusOK, publicPage{Items: items, NextCursor: page.NextCursor})
}

// publicPage is one page of the public registry.
type publicPage struct {
	Items      []publicRecognition `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

// publicOne loads the recognition named in the path, as the registry shows it.
func (s *Server) publicOne(c echo.Context) (publicRecognition, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return publicRecognition{}, err
	}
	r, err := s.recognitions.GetPublic(c.Request().Context(), id)
	if err != nil {
		return publicRecognition{}, err
	}
	items, err := s.publicViews(c, []recognition.Recognition{r})
	if err != nil {
		return publicRecognition{}, err
	}
	return items[0], nil
}

func (s *Server) publicRecognitionAPI(c echo.Context) error {
	one, err := s.publicOne(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, one)
}

type publicListData struct {
	Items     []publicRecognition
	Districts []units.Unit
	Communes  []units.Unit
	Filter    recognition.PublicFilter
	NextURL   string
	Years     []int
	Province  units.Unit
	Types     []criteria.Type // the type filter's choices
}

// publicRecognitionsPage is the registry anyone can browse, without signing in. It shows
// one province at a time (Lạng Sơn by default, ?province= for another).
func (s *Server) publicRecognitionsPage(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := publicFilter(c)
	if err != nil {
		return err
	}
	if f.Province == "" {
		f.Province = "20"
	}
	province := f.Province
	d := publicListData{Filter: f, Types: criteria.Types}
	if d.Province, err = s.units.Get(ctx, province); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	if err != nil || d.Province.Level != units.Province {
		return apperr.ErrNotFound
	}
	page, err := s.recognitions.PublicList(ctx, f)
	if err != nil {
		return err
	}
	if d.Items, err = s.publicViews(c, page.Items); err != nil {
		return err
	}
	if d.Districts, err = s.units.Children(ctx, province); err != nil {
		return err
	}
	if f.District != "" {
		if d.Communes, err = s.units.Children(ctx, f.District); err != nil {
			return err // ErrNotFound for an unknown district; a database error stays one
		}
	}
	if page.NextCursor != "" {
		q := c.QueryParams()
		q.Set("cursor", page.NextCursor)
		d.NextURL = "/public/recognitions?" + q.Encode()
	}
	for y := s.recognitions.Now().Year(); y >= 2020; y-- {
		d.Years = append(d.Years, y)
	}
	return s.render(c, http.StatusOK, "public_recognitions", s.page(c, "public", "public.registry_title", d))
}

func (s *Server) publicRecognitionPage(c echo.Context) error {
	one, err := s.publicOne(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "public_recognition", s.page(c, "public", "public.one_title", one))
}

// certificate serves the printable certificate of a recognition in the caller's scope.
func (s *Server) certificate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.recognitions.Get(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	names, err := s.units.GetMany(c.Request().Context(), []string{r.CommuneCode, r.DistrictCode, r.ProvinceCode})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = recognition.Certificate(&buf, recognition.CertificateData{Recognition: r,
		CommuneName: names[r.CommuneCode].Name, DistrictName: names[r.DistrictCode].Name, ProvinceName: names[r.ProvinceCode].Name,
		VerifyURL: s.baseURL(c) + fmt.Sprintf("/public/recognitions/%d", r.ID)})
	if err != nil {
		return err
	}
	name := fmt.Sprintf("giay-chung-nhan-%d.pdf", r.ID)
	c.Response().Header().Set(echo.HeaderContentDisposition, "inline; filename=\""+name+"\"")
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
