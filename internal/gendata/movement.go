package gendata

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/textfold"
	"github.com/ntmflow/ntmflow/internal/units"
)

// The movement's yearly figures (SPEC §11) at national scale: every Xã holds its titles
// and has one criteria status row for StatusYear, so the aggregates of a province and of
// the whole country read realistic volumes.

// title is a commune title a Xã holds, decided in year.
type title struct {
	typ  criteria.Type
	year int
}

// Shares of the Xã holding each title by the end of StatusYear (about the national
// picture of 2021: two Xã in three met the NTM standard), and the first year titles
// were given.
const (
	ntmShare      = 0.62
	advancedShare = 0.2 // of the NTM communes
	modelShare    = 0.1 // of the advanced ones
	firstTitle    = 2012
)

// planTitles decides, once, which Xã hold which titles and since when. Wards and towns
// hold none: the titles are for Xã only.
func (g *gen) planTitles() {
	if g.titles != nil {
		return
	}
	g.titles = map[string][]title{}
	last := g.opt.StatusYear
	span := func(from int) int { return from + g.mrng.IntN(last-from+1) }
	for _, c := range g.communes {
		if c.Kind != units.KindRuralCommune || g.mrng.Float64() >= ntmShare {
			continue
		}
		held := []title{{criteria.NTMCommune, span(firstTitle)}}
		if g.mrng.Float64() < advancedShare && held[0].year < last {
			held = append(held, title{criteria.AdvancedNTMCommune, span(held[0].year + 1)})
			if g.mrng.Float64() < modelShare && held[1].year < last {
				held = append(held, title{criteria.ModelNTMCommune, span(held[1].year + 1)})
			}
		}
		g.titles[c.Code] = held
	}
}

// statuses writes one confirmed criteria status per Xã for StatusYear against its
// province's NTM commune set: all 19 criteria for a commune holding the title, else 5 to
// 18, the easier criteria first (as a province's reports show).
func (g *gen) statuses(ctx context.Context, w writer, st *Stats) error {
	g.planTitles()
	now := time.Now().UTC()
	var rows [][]any
	for _, c := range g.communes {
		if c.Kind != units.KindRuralCommune {
			continue
		}
		set := g.sets[units.SplitPath(c.Path)[0]][string(criteria.NTMCommune)]
		n := len(set.Criteria)
		if len(g.titles[c.Code]) == 0 {
			n = 5 + g.mrng.IntN(n-5)
		}
		met, _ := json.Marshal(metCodes(set, n, g.mrng.IntN(10)))
		rows = append(rows, []any{g.id("criteria_status"), c.Code, c.Path, g.opt.StatusYear, set.ID, string(met), n,
			"confirmed", "", 1, nil, now})
	}
	var err error
	st.Statuses, err = w.copy(ctx, "criteria_status", []string{"id", "unit_code", "unit_path", "year", "criteria_set_id", "met",
		"met_count", "status", "note", "version", "updated_by", "updated_at"}, rows)
	if err == nil {
		fmt.Fprintf(g.log, "criteria status: %d Xã in %d\n", st.Statuses, g.opt.StatusYear)
	}
	return err
}

// easeOrder is the order in which communes usually come to meet the national criteria:
// planning, electricity, communications, defence first; income, production and the
// environment last.
var easeOrder = []string{"1", "4", "8", "19", "15", "18", "16", "12", "9", "14", "11", "5", "7", "3", "2", "6", "10", "13", "17"}

// metCodes are the n criteria a commune meets: the easier ones first, the order of the
// harder ten turned by rot so communes with the same count differ; in the set's order.
func metCodes(set *criteria.Set, n, rot int) []string {
	order := append([]string(nil), easeOrder[:9]...)
	hard := easeOrder[9:]
	for i := range hard {
		order = append(order, hard[(i+rot)%len(hard)])
	}
	take := map[string]bool{}
	for _, code := range order[:min(n, len(order))] {
		take[code] = true
	}
	out := make([]string, 0, n)
	for _, c := range set.Criteria {
		if take[c.Code] {
			out = append(out, c.Code)
		}
	}
	return out
}

// titleDecisions numbers the generated title decisions apart from the nominations'
// ("1/QĐ-UBND" onwards per province): a decision number is unique in its province.
const titleDecisions = 1_000_000

// titleNominations writes the planned titles as the province approver records decisions
// taken before ntmflow (nomination.Service.Record): an approved nomination of version 1
// with one "record" history entry from no status, and its recognition without expiry or
// campaign, on the decision day.
func (g *gen) titleNominations(ctx context.Context, w writer, st *Stats) error {
	g.planTitles()
	var noms, hist, decs, recs [][]any
	seq := map[string]int{}
	for _, c := range g.communes {
		held := g.titles[c.Code]
		if len(held) == 0 {
			continue
		}
		province, district := units.SplitPath(c.Path)[0], districtOf(c)
		for _, t := range held {
			set := g.sets[province][string(t.typ)]
			id, rid := g.id("nominations"), g.id("recognitions")
			decided := time.Date(t.year, time.Month(9+g.mrng.IntN(4)), 1+g.mrng.IntN(28), 0, 0, 0, 0, time.UTC)
			at := decided.Add(time.Duration(2+g.mrng.IntN(8)) * time.Hour)
			name := titleNames[t.typ]
			title := fmt.Sprintf("%s đạt chuẩn %s năm %d", c.Name, name, t.year)
			subject := fmt.Sprintf(`{"satisfaction_pct":%d}`, 85+g.mrng.IntN(15))
			res := criteria.Evaluate(set, map[string]any{})
			hash := nomination.DossierHash(string(t.typ), c.Code, set.ID, title, json.RawMessage(subject), nil, nil, nil)
			seq[province]++
			d := nomination.Decision{Number: fmt.Sprintf("%d/QĐ-UBND", titleDecisions+seq[province]),
				Date: decided.Format(time.DateOnly), Signer: "Chủ tịch UBND tỉnh"}
			details, _ := json.Marshal(map[string]any{"decision": d, "recognition_id": rid, "valid_until": nil})
			approver := g.approver[province]
			noms = append(noms, []any{id, string(t.typ), string(nomination.Approved), 1, c.Code, district, province, c.Path, nil,
				set.ID, title, "", "", textfold.Fold(title), subject, "[]", nil, res.Total, res.Passes, approver,
				at, at, nil, rid, hash})
			hist = append(hist, []any{g.id("nomination_history"), id, at, approver, "tinh." + province, nomination.ActionRecord,
				nil, string(nomination.Approved), "", string(details), hash})
			dec, named := g.decisionRow(province, d.Number, decided, at, d.Signer)
			decs = append(decs, dec)
			recs = append(recs, append([]any{rid, id, string(t.typ), c.Code, district, province, c.Path, nil, title,
				"", "", d.Number, decided, d.Signer, nil, nil, "", at}, named...))
		}
	}
	if _, err := w.copy(ctx, "nominations", nominationColumns, noms); err != nil {
		return err
	}
	if _, err := w.copy(ctx, "nomination_history", historyColumns, hist); err != nil {
		return err
	}
	if _, err := w.copy(ctx, "decisions", decisionColumns, decs); err != nil {
		return err
	}
	n, err := w.copy(ctx, "recognitions", recognitionColumns, recs)
	st.Titles = n
	if err == nil {
		fmt.Fprintf(g.log, "commune titles recorded: %d\n", n)
	}
	return err
}

// titleNames are the titles as a decision names them.
var titleNames = map[criteria.Type]string{
	criteria.NTMCommune:         "nông thôn mới",
	criteria.AdvancedNTMCommune: "nông thôn mới nâng cao",
	criteria.ModelNTMCommune:    "nông thôn mới kiểu mẫu",
}
