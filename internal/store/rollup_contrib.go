package store

import (
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// Rollup levels: which dimensions a series keeps besides account, provider
// and direction (which every level keeps). A query reads the smallest level
// that has every dimension it groups or filters by, so the common questions
// (by country, by carrier) read few cells whatever the number of senders.
const (
	levelTotals  = 0 // account, provider, direction
	levelCountry = 1 // + country
	levelCarrier = 2 // + country, carrier
	levelSender  = 3 // + sender, country, carrier
	levels       = 4
)

// maxRolledTags bounds the tags of one message that get tag series (the
// first ones by key), so one message never writes an unbounded number of
// cells.
const maxRolledTags = 8

// DefaultMinuteRetention is how long minute cells are kept; hour and day
// cells are kept for ever.
const DefaultMinuteRetention = 48 * time.Hour

// seriesKey names a series: a level, the dimension values it keeps ("" for
// the others) and optionally one tag.
type seriesKey struct {
	level                                int
	account, provider, direction, sender string
	country, carrier, tagKey, tagValue   string
}

// at returns the key of the same messages at another level, with a tag.
func (k seriesKey) at(level int, tagKey, tagValue string) seriesKey {
	out := seriesKey{level: level, account: k.account, provider: k.provider, direction: k.direction,
		tagKey: tagKey, tagValue: tagValue}
	if level >= levelCountry {
		out.country = k.country
	}
	if level >= levelCarrier {
		out.carrier = k.carrier
	}
	if level >= levelSender {
		out.sender = k.sender
	}
	return out
}

// value returns the key's value of a dimension.
func (k seriesKey) value(d insight.Dimension) string {
	switch d {
	case insight.DimAccount:
		return k.account
	case insight.DimProvider:
		return k.provider
	case insight.DimDirection:
		return k.direction
	case insight.DimSender:
		return k.sender
	case insight.DimCountry:
		return k.country
	case insight.DimCarrier:
		return k.carrier
	}
	if d.TagKey() != "" && d.TagKey() == k.tagKey {
		return k.tagValue
	}
	return ""
}

// noTime marks a latency a contribution does not have.
const noTime = -1

// contribution is what one message adds to the rollups: the facts its
// figures are made of, as they were when it was last rolled up. Stored per
// message (rollup_contributions), it is subtracted exactly when the
// message changes.
type contribution struct {
	series    seriesKey // level levelSender, untagged
	seriesID  int64     // set once series is resolved
	createdAt int64     // Unix microseconds: the bucket
	tags      string    // the message's tags as stored (canonical JSON)
	status    string
	errorCode string
	segments  int64
	cost      int64 // micros
	// Latencies in milliseconds, noTime when absent.
	queuedSent, sentDelivered, converted, response int64
	optOut                                         bool
}

// same reports whether two contributions add the same figures to the same
// cells.
func (c *contribution) same(o *contribution) bool {
	return c.series == o.series && c.createdAt == o.createdAt && c.tags == o.tags && c.status == o.status &&
		c.errorCode == o.errorCode && c.segments == o.segments && c.cost == o.cost && c.queuedSent == o.queuedSent &&
		c.sentDelivered == o.sentDelivered && c.converted == o.converted && c.response == o.response && c.optOut == o.optOut
}

// rollupMessageColumns select what a contribution is made of from a
// message m, in scanContribution order.
const rollupMessageColumns = `m.id, m.account, m.provider, m.direction, m.from_number, m.to_number, m.country,
	m.carrier, m.tags, m.created_at, m.status, m.error_code, m.segments, m.price, m.queued_at, m.sent_at,
	m.delivered_at, m.response_time_ms, m.keyword,
	(SELECT MIN(a.at) FROM actions a WHERE a.message_id = m.id AND a.type <> 'unconfirmed')`

// rollupMessageQuery selects the contribution of every message.
const rollupMessageQuery = "SELECT " + rollupMessageColumns + " FROM messages m"

// scanContribution reads a row of rollupMessageQuery into the message's
// contribution.
func scanContribution(row scanner) (int64, *contribution, error) {
	return scanContributionInto(row)
}

// scanContributionInto reads rollupMessageColumns, then more columns into
// extra.
func scanContributionInto(row scanner, extra ...any) (int64, *contribution, error) {
	var (
		id                             int64
		c                              contribution
		direction, from, to, tags      string
		price, keyword                 string
		queued, sent, delivered, reply sql.NullInt64
		converted                      sql.NullInt64
	)
	dest := []any{&id, &c.series.account, &c.series.provider, &direction, &from, &to, &c.series.country,
		&c.series.carrier, &tags, &c.createdAt, &c.status, &c.errorCode, &c.segments, &price, &queued, &sent,
		&delivered, &reply, &keyword, &converted}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return 0, nil, err
	}
	c.series.level = levelSender
	c.series.direction = direction
	c.series.sender = from
	if smstrack.Direction(direction) == smstrack.Inbound {
		c.series.sender = to
	}
	c.tags = tags
	c.cost = insight.CostMicros(price)
	c.queuedSent = between(queued, sent)
	c.sentDelivered = between(sent, delivered)
	createdAt := sql.NullInt64{Int64: c.createdAt, Valid: true}
	c.converted = between(createdAt, converted)
	c.response = noTime
	outbound := smstrack.Direction(direction) == smstrack.Outbound
	if outbound && reply.Valid {
		c.response = max(reply.Int64, 0)
	}
	c.optOut = !outbound && keyword == "opt_out"
	return id, &c, nil
}

// between is the time from a to b in milliseconds (never negative: an
// action stamped before its message counts as instant), or noTime.
func between(a, b sql.NullInt64) int64 {
	if !a.Valid || !b.Valid {
		return noTime
	}
	return max(b.Int64-a.Int64, 0) / 1000
}

// figures returns what the contribution adds to each of its cells.
func (c *contribution) figures() *insight.Figures {
	f := &insight.Figures{Messages: 1, Segments: c.segments, CostMicros: c.cost}
	st := smstrack.Status(c.status)
	if i := st.Index(); i >= 0 {
		f.Status[i] = 1
	} else {
		f.NoStatus = 1
	}
	if c.errorCode != "" {
		f.AddError(c.errorCode, 1)
	}
	delivered := st == smstrack.StatusDelivered || st == smstrack.StatusRead
	if c.converted != noTime {
		f.Converted = 1
		f.CreatedToConverted.Add(float64(c.converted))
	} else if delivered {
		f.DeliveredUnconverted = 1
	}
	if c.response != noTime {
		f.Replied = 1
		f.ResponseTime.Add(float64(c.response))
	}
	if c.optOut {
		f.OptOuts = 1
	}
	if c.queuedSent != noTime {
		f.QueuedToSent.Add(float64(c.queuedSent))
	}
	if c.sentDelivered != noTime {
		f.SentToDelivered.Add(float64(c.sentDelivered))
	}
	return f
}

// cellRef names a cell before its series has an id.
type cellRef struct {
	series seriesKey
	grain  insight.Grain
	bucket int64
}

// cells lists the cells the contribution adds to: every level at hour and
// day, the levels below sender also per minute while the bucket is newer
// than minuteCutoff, and for each tag (up to maxRolledTags) the levels
// below sender at hour and day. Tags are left out of minute and sender
// cells so that a tagged message costs a bounded number of writes.
func (c *contribution) cells(minuteCutoff int64) []cellRef {
	out := make([]cellRef, 0, 16)
	for level := range levels {
		k := c.series.at(level, "", "")
		for _, g := range insight.Grains {
			b := g.FloorMicros(c.createdAt)
			if g == insight.Minute && (level == levelSender || b < minuteCutoff) {
				continue
			}
			out = append(out, cellRef{k, g, b})
		}
	}
	for _, t := range rolledTags(c.tags) {
		for level := range levelSender {
			k := c.series.at(level, t[0], t[1])
			for _, g := range []insight.Grain{insight.Hour, insight.Day} {
				out = append(out, cellRef{k, g, g.FloorMicros(c.createdAt)})
			}
		}
	}
	return out
}

// rolledTags returns the key/value pairs of stored tags that get series,
// in key order.
func rolledTags(stored string) [][2]string {
	if stored == "" {
		return nil
	}
	var tags map[string]string
	if json.Unmarshal([]byte(stored), &tags) != nil || len(tags) == 0 {
		return nil
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		if k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) > maxRolledTags {
		keys = keys[:maxRolledTags]
	}
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k, tags[k]}
	}
	return out
}
