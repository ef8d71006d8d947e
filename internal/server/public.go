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
	ID           int64  `json:"id"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	OwnerName    string `json:"owner_name"`
	Village      string `json:"village"`
	CommuneCode  string `json:"commune_code"`
	CommuneName  string `json:"commune_name"`
	DistrictCode string `json:"district_code"`
	DistrictName string `json:"district_name"`
	ProvinceCode string `json:"province_code"`
	ProvinceName string `json:"province_name"`
	// When the commune changed since the decision (SPEC §12): today's unit(s) it went
	// into, and "partial" when only part of it went there. The names above are those of
	// the decision date.
	Now            string   `json:"now,omitempty"`
	NowCodes       []string `json:"now_codes,omitempty"`
	Share          string   `json:"share,omitempty"`
	DecisionNumber string   `json:"decision_number"`
	DecisionDate   string   `json:"decision_date"`
	// CertificateNumber is the number printed on the certificate, "<decision number>-<n>".
	CertificateNumber string  `json:"certificate_number"`
	ValidUntil        *string `json:"valid_until"`
	Status            string  `json:"status"`
	URL               string  `json:"url"`
}

// publicViews shapes recognitions whose places are described (recognition.Describe):
// units named as on the decision date, and what the commune is now.
func (s *Server) publicViews(c echo.Context, list []recognition.Recognition) []publicRecognition {
	now := s.recognitions.Now()
	out := make([]publicRecognition, len(list))
	for i, r := range list {
		v := recognition.ToView(r, now)
		out[i] = publicRecognition{ID: r.ID, Type: r.Type, Title: r.Title, OwnerName: r.OwnerName, Village: r.Village,
			CommuneCode: r.CommuneCode, CommuneName: v.CommuneName, DistrictCode: r.DistrictCode,
			DistrictName: v.DistrictName, ProvinceCode: r.ProvinceCode, Now: v.Now, NowCodes: v.NowCodes, Share: v.Share,
			DecisionNumber: r.DecisionNumber, DecisionDate: v.DecisionDate, CertificateNumber: r.CertificateNumber, ValidUntil: v.ValidUntil, Status: v.Status,
			URL: s.baseURL(c) + fmt.Sprintf("/public/recognitions/%d", r.ID)}
		if r.Place != nil {
			out[i].ProvinceName = r.Place.ProvinceName
		}
	}
	return out
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
		Unit: c.QueryParam("unit"), Type: c.QueryParam("type"), Cursor: c.QueryParam("cursor"), Query: c.QueryParam("q")}
	// The search term is bounded as the registry searches it (the input says so too).
	if r := []rune(f.Query); len(r) > recognition.MaxQuery {
		f.Query = string(r[:recognition.MaxQuery])
	}
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
	page, err := s.recognitions.PublicList(c.Request().Context(), s.units, f)
	if err != nil {
		return err
	}
	items := s.publicViews(c, page.Items)
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
	one := []recognition.Recognition{r}
	if err := recognition.Describe(c.Request().Context(), s.units, one, ""); err != nil {
		return publicRecognition{}, err
	}
	return s.publicViews(c, one)[0], nil
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
	Unit      units.Unit      // the unit of today filtered on (?unit=), with its predecessors
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
	page, err := s.recognitions.PublicList(ctx, s.units, f)
	if err != nil {
		return err
	}
	d.Items = s.publicViews(c, page.Items)
	if f.Unit != "" {
		if d.Unit, err = s.units.Get(ctx, f.Unit); err != nil {
			return err // PublicList has already refused a unit that is not current
		}
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
	// The certificate names the units as they stood on the decision date, never today's
	// names (a code can be reused: 06220 was Xã Hải Yến, is Xã Công Sơn).
	one := []recognition.Recognition{r}
	if err := recognition.Describe(c.Request().Context(), s.units, one, ""); err != nil {
		return err
	}
	var buf bytes.Buffer
	err = recognition.Certificate(&buf, recognition.CertificateDataFor(one[0], s.baseURL(c)+fmt.Sprintf("/public/recognitions/%d", r.ID)))
	if err != nil {
		return err
	}
	name := fmt.Sprintf("giay-chung-nhan-%d.pdf", r.ID)
	c.Response().Header().Set(echo.HeaderContentDisposition, "inline; filename=\""+name+"\"")
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
