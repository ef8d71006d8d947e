package gendata

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ntmflow/ntmflow/internal/store"
)

func newWriter(_ context.Context, st *store.Store) (writer, error) {
	if st.Dialect() == store.Postgres {
		return &pgWriter{db: st.SQL()}, nil
	}
	return &sqliteWriter{st: st}, nil
}

// pgWriter loads rows with COPY, by far the fastest way into PostgreSQL.
type pgWriter struct{ db *sql.DB }

func (w *pgWriter) copy(ctx context.Context, table string, columns []string, rows [][]any) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		n, err = pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("copy into %s: %w", table, err)
	}
	return int(n), nil
}

// sqliteWriter inserts in multi-row batches inside one transaction per call.
type sqliteWriter struct{ st *store.Store }

func (w *sqliteWriter) copy(ctx context.Context, table string, columns []string, rows [][]any) (int, error) {
	batch := max(1, 30000/len(columns)) // SQLite allows 32,766 parameters
	err := w.st.WithTx(ctx, func(ctx context.Context) error {
		for start := 0; start < len(rows); start += batch {
			part := rows[start:min(start+batch, len(rows))]
			ph := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
			var sb strings.Builder
			sb.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ",") + ") VALUES ")
			args := make([]any, 0, len(part)*len(columns))
			for i, r := range part {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(ph)
				args = append(args, r...)
			}
			// Straight to database/sql: gorm's statement builder is slow with 30,000 arguments.
			if _, err := w.st.DB(ctx).Statement.ConnPool.ExecContext(ctx, sb.String(), args...); err != nil {
				return fmt.Errorf("insert into %s: %w", table, err)
			}
		}
		return nil
	})
	return len(rows), err
}

// finish moves the id sequences past the generated ids and refreshes planner statistics.
func finish(ctx context.Context, st *store.Store) error {
	tables := []string{"users", "role_grants", "campaigns", "campaign_targets", "nominations", "nomination_history", "decisions", "recognitions", "criteria_status"}
	if st.Dialect() == store.Postgres {
		for _, t := range tables {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT MAX(id) FROM %s), 1))", t, t)
			if err := st.DB(ctx).Exec(q).Error; err != nil {
				return err
			}
		}
		// VACUUM sets the visibility map, so the progress counts are true index-only scans.
		return st.DB(ctx).Exec("VACUUM ANALYZE").Error
	}
	return st.DB(ctx).Exec("ANALYZE").Error
}

// dropIndexes removes the secondary indexes of tables on PostgreSQL and returns the func
// that recreates them from their saved definitions. On SQLite it does nothing.
func dropIndexes(ctx context.Context, st *store.Store, tables []string) (func() error, error) {
	if st.Dialect() != store.Postgres {
		return func() error { return nil }, nil
	}
	var defs []struct {
		Name string
		Def  string
	}
	err := st.DB(ctx).Raw(`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename IN ? AND i.indexname NOT IN (
			SELECT c.conname FROM pg_constraint c WHERE c.contype IN ('p', 'u'))`, tables).Scan(&defs).Error
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		if err := st.DB(ctx).Exec("DROP INDEX " + pgQuote(d.Name)).Error; err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, d := range defs {
			if err := st.DB(ctx).Exec(d.Def).Error; err != nil {
				return fmt.Errorf("rebuild index %s: %w", d.Name, err)
			}
		}
		return nil
	}, nil
}

func pgQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
