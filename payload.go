package smstrack

import (
	"encoding/json"
	"strings"
)

// ReplaceInPayload replaces every string in a JSON payload that equals body,
// wherever the provider put it, so that no copy of a withheld or expired
// body is written. A payload that is not JSON is replaced whole if it
// contains the body.
func ReplaceInPayload(payload []byte, body, with string) []byte {
	if body == "" || len(payload) == 0 {
		return payload
	}
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		if strings.Contains(string(payload), body) {
			b, _ := json.Marshal(map[string]string{"withheld": with})
			return b
		}
		return payload
	}
	v = replaceValue(v, body, with)
	out, err := json.Marshal(v)
	if err != nil {
		return payload
	}
	return out
}

func replaceValue(v any, body, with string) any {
	switch t := v.(type) {
	case string:
		if t == body {
			return with
		}
	case []any:
		for i := range t {
			t[i] = replaceValue(t[i], body, with)
		}
	case map[string]any:
		for k := range t {
			t[k] = replaceValue(t[k], body, with)
		}
	}
	return v
}
