package routing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/phone"
)

// The look-back of advice, in days: the default and the most.
const (
	DefaultDays = 7
	MaxDays     = 90
)

// ParseDestination reads where advice is asked for, as the API and the
// console take it: a number (in E.164, or national in defaultRegion), or
// a country and optionally a carrier. Mistakes are EINVALID field errors.
func ParseDestination(number, country, carrier, defaultRegion string) (Destination, error) {
	number, country, carrier = strings.TrimSpace(number), strings.ToUpper(strings.TrimSpace(country)), strings.TrimSpace(carrier)
	switch {
	case number != "" && (country != "" || carrier != ""):
		return Destination{}, smstrack.FieldError("to", "give to, or country (and carrier), not both")
	case number != "":
		info, ok := phone.Lookup(number, defaultRegion)
		if !ok || info.Country == "" {
			return Destination{}, smstrack.FieldError("to", "to must be a phone number, such as +447700900123")
		}
		return Destination{Number: info.E164, Country: info.Country, Carrier: info.Carrier, NumberType: info.NumberType}, nil
	case country == "":
		return Destination{}, smstrack.FieldError("to", "say where to: to=<number>, or country=<ISO 3166 alpha-2> (and carrier=<name>)")
	case len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		return Destination{}, smstrack.FieldError("country", "country must be an ISO 3166 alpha-2 code such as GB")
	}
	return Destination{Country: country, Carrier: carrier}, nil
}

// Rollups answers rollup queries; insight.Reader and the store have it.
type Rollups interface {
	Rollup(ctx context.Context, q insight.Query) ([]insight.Group, error)
}

// AdviseFrom reads the destination's outbound figures of [from, to) by
// provider, sender and carrier from rd and advises on them. A carrier
// nothing was sent to (the provider may name it differently, or the
// number was ported) widens to its whole country, with a note saying so.
func AdviseFrom(ctx context.Context, rd Rollups, dest Destination, from, to time.Time) (*Advice, error) {
	query := func(carrier string) ([]insight.Group, error) {
		return rd.Rollup(ctx, insight.Query{From: from, To: to,
			GroupBy: []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCarrier},
			Filter:  insight.Filter{Direction: string(smstrack.Outbound), Country: dest.Country, Carrier: carrier}})
	}
	groups, err := query(dest.Carrier)
	if err != nil {
		return nil, err
	}
	var note string
	if len(groups) == 0 && dest.Carrier != "" {
		note = fmt.Sprintf("no outbound messages to carrier %q in %s recorded: advice for the whole country", dest.Carrier, dest.Country)
		if groups, err = query(""); err != nil {
			return nil, err
		}
	}
	a := Advise(dest, from, to, groups)
	if note != "" {
		a.Notes = append([]string{note}, a.Notes...)
	}
	return a, nil
}
