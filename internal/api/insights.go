package api

import (
	"net/http"

	"github.com/smstrack/smstrack/internal/content"
)

// Keyword samples: keywords are computed over the newest matching bodies,
// weighed against the newest bodies of all messages. Bounded samples keep
// the answer fast at any size; at these sizes the top terms are stable.
const (
	keywordSample = 2000
	corpusSample  = 5000
	topKeywords   = 20
)

// contentInsights summarises what the messages matching the filters say:
// sentiment, top keywords and phrases, opt-outs, encodings and segments.
func (s *Server) contentInsights(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Del("limit")
	q.Del("cursor")
	f, err := s.filter(q)
	if err != nil {
		writeError(w, err)
		return
	}
	st, err := s.store.ContentStats(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set, err := s.store.MessageBodies(r.Context(), f, keywordSample)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.store.MessageBodies(r.Context(), emptyFilter, corpusSample)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	corpus := &content.Corpus{}
	for _, b := range all {
		corpus.Add(b)
	}
	// The set must be part of the corpus it is compared with.
	if len(all) == corpusSample {
		for _, b := range set {
			corpus.Add(b)
		}
	}
	keywords := []content.Keyword{}
	phrases := []content.Keyword{}
	for _, k := range content.Keywords(set, corpus, 2*topKeywords) {
		if k.Phrase && len(phrases) < topKeywords {
			phrases = append(phrases, k)
		} else if !k.Phrase && len(keywords) < topKeywords {
			keywords = append(keywords, k)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"messages":  st.Messages,
		"segments":  st.Segments,
		"encodings": st.Encodings,
		"sentiment": map[string]any{
			"positive": st.Sentiment["positive"], "neutral": st.Sentiment["neutral"], "negative": st.Sentiment["negative"],
			"scored": st.Scored, "mean": st.MeanSentiment,
		},
		"opt_outs": st.Keywords[string(content.KeywordOptOut)],
		"opt_ins":  st.Keywords[string(content.KeywordOptIn)],
		"help":     st.Keywords[string(content.KeywordHelp)],
		"keywords": keywords,
		"phrases":  phrases,
		"sample":   map[string]int{"messages": len(set), "corpus": corpus.Docs()},
	})
}
