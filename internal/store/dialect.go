package store

import (
	"strconv"
	"strings"
	"sync"
)

// dialect holds everything that differs between SQLite and PostgreSQL. The
// SQL elsewhere is written once, with ? placeholders.
type dialect struct {
	name string
	// forUpdate locks selected rows until the transaction ends; SQLite needs
	// nothing, its write transaction already excludes other writers.
	forUpdate string
	// forNoKeyUpdate locks rows the transaction will update without
	// changing their key: on PostgreSQL it does not wait for the KEY SHARE
	// locks that inserts referencing the row take for their foreign key
	// (the roller's contributions, another batch's events).
	forNoKeyUpdate string
	// numbered turns ? placeholders into $1, $2, ...
	numbered bool
	// ilike matches text case-insensitively (SQLite's LIKE already does for ASCII).
	ilike string
	// rowAtATime writes a batch one row per statement. SQLite runs in
	// process: there is no round trip to save, and parsing a long
	// multi-row statement costs more than running short ones from the
	// statement cache. PostgreSQL is a round trip away: it gets multi-row
	// statements.
	rowAtATime bool
	// greatest is the two-argument maximum: MAX in SQLite, GREATEST in PostgreSQL.
	greatest string
	cache    sync.Map // query text -> rebound text
}

var (
	sqliteDialect   = &dialect{name: "sqlite", ilike: "LIKE", rowAtATime: true, greatest: "MAX"}
	postgresDialect = &dialect{name: "postgres", forUpdate: " FOR UPDATE", forNoKeyUpdate: " FOR NO KEY UPDATE", numbered: true, ilike: "ILIKE", greatest: "GREATEST"}
)

// q returns query with placeholders in the dialect's form.
func (d *dialect) q(query string) string {
	if !d.numbered {
		return query
	}
	if v, ok := d.cache.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	if len(query) < 4096 { // generated multi-row statements vary too much to cache
		d.cache.Store(query, out)
	}
	return out
}

// rebind numbers the ? placeholders of query outside string literals.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n, inString := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inString = !inString
		case c == '?' && !inString:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
