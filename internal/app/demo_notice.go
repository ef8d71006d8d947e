package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// The demo's public notice (SPEC §13): an NTM commune title reviewed and endorsed on the
// day the demo is seeded, so /public/notices lists it, anyone may object, and the
// province cannot approve it before the notice ends. Its commune is one that holds no
// NTM title in the demo, in the world seeded.
var (
	threeTierNotice = demoNomination{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.NTMCommune,
		title: "Xã Mẫu Sơn đề nghị công nhận đạt chuẩn nông thôn mới", subject: map[string]any{"satisfaction_pct": 93.6},
		passing: true, steps: []string{"submit", "start_review", "review", "endorse"}}
	twoTierNotice = demoNomination{commune: "06463", officer: "xa.chilang", reviewer: "thamdinh", typ: criteria.NTMCommune,
		title: "Xã Chi Lăng đề nghị công nhận đạt chuẩn nông thôn mới", subject: map[string]any{"satisfaction_pct": 91.8},
		passing: true, steps: []string{"submit", "start_review", "review", "endorse"}}
)

// seedNotice takes d through the workflow today, unless its commune already has an NTM
// commune title dossier that is not yet approved (the seed run again).
func seedNotice(ctx context.Context, s *Services, d demoNomination, out io.Writer) error {
	var open int64
	if err := s.Store.DB(ctx).Table("nominations").
		Where("type = ? AND commune_code = ? AND status <> ?", string(d.typ), d.commune, string(nomination.Approved)).
		Count(&open).Error; err != nil || open > 0 {
		return err
	}
	if err := runDemoOn(ctx, s, d, time.Now()); err != nil {
		return fmt.Errorf("demo notice %q: %w", d.title, err)
	}
	fmt.Fprintf(out, "demo public notice: %q endorsed today\n", d.title)
	return nil
}
