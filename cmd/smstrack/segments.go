package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/smstrack/smstrack/internal/content"
)

// segments prints how a body encodes and splits: `smstrack segments [--json]
// [--smart] TEXT`, or `-` to read the whole of standard input as the body,
// byte for byte (a trailing newline is part of the message).
func (m *Main) segments(args []string) error {
	fs := flag.NewFlagSet("segments", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the full analysis as JSON")
	smart := fs.Bool("smart", false, "apply smart encoding before analysing")
	if err := fs.Parse(args); err != nil {
		return usageError("segments: " + err.Error() + "\nusage: smstrack segments [--json] [--smart] TEXT|-")
	}
	if fs.NArg() == 0 {
		return usageError("usage: smstrack segments [--json] [--smart] TEXT|-   (- reads standard input)")
	}
	body := strings.Join(fs.Args(), " ")
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		raw, err := io.ReadAll(m.Stdin)
		if err != nil {
			return fmt.Errorf("segments: read standard input: %w", err)
		}
		body = string(raw)
	}
	r := content.Inspect(body, content.InspectOptions{ApplySmart: *smart})
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	printReport(m.Stdout, r)
	return nil
}

// printReport writes the analysis for a person at a terminal.
func printReport(w io.Writer, r content.Report) {
	perSegment := 160
	unit := "septets"
	if r.Encoding == content.EncodingUCS2 {
		perSegment, unit = 70, "UTF-16 units"
	}
	if r.Segments > 1 {
		perSegment -= map[bool]int{true: 3, false: 7}[r.Encoding == content.EncodingUCS2]
	}
	fmt.Fprintf(w, "Encoding:    %s\n", r.Encoding)
	fmt.Fprintf(w, "Segments:    %d (up to %d %s each)\n", r.Segments, perSegment, unit)
	fmt.Fprintf(w, "Characters:  %d\n", r.Characters)
	fmt.Fprintf(w, "Size:        %d bits\n", r.MessageSizeBits)
	if len(r.NonGSMCharacters) > 0 {
		var list []string
		for _, c := range r.NonGSMCharacters {
			list = append(list, fmt.Sprintf("%s (U+%04X) at %d", printable(c.Char), firstRune(c.Char), c.Index))
		}
		fmt.Fprintf(w, "Forcing UCS-2: %s\n", strings.Join(list, ", "))
		fmt.Fprintf(w, "Without them: %d segment(s)\n", r.SegmentsWithoutNonGSM)
	}
	if s := r.SmartEncoding; len(s.Replacements) > 0 {
		var reps []string
		for _, rep := range s.Replacements {
			reps = append(reps, fmt.Sprintf("%s -> %s", printable(rep.From), printable(rep.To)))
		}
		verb := "would replace"
		if r.SmartEncodingApplied {
			verb = "replaced"
		}
		fmt.Fprintf(w, "Smart encoding %s %s: %s, %d segment(s), saving %d\n", verb, strings.Join(reps, ", "), s.Encoding, s.Segments, s.SegmentsSaved)
	}
	for _, a := range r.ShiftTables {
		if a.SegmentsSaved > 0 {
			fmt.Fprintf(w, "Shift table: %s fits GSM-7 in %d segment(s), saving %d\n", a.LanguageName, a.Segments, a.SegmentsSaved)
		}
	}
	if r.MMS != nil {
		for _, warn := range r.MMS.Warnings {
			fmt.Fprintf(w, "MMS: %s\n", warn)
		}
	}
	for i, p := range r.Parts {
		fmt.Fprintf(w, "  %d: %s\n", i+1, printable(p.Text))
	}
}

// printable shows control characters and line breaks visibly.
func printable(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(s)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
