package readable

import (
	"encoding/json"
	"regexp"
	"strings"
)

// linkedData is what a page's JSON-LD says about its article.
type linkedData struct {
	Title, Author, Site, Date, Description string
}

var articleType = regexp.MustCompile(`^(?:Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference)$`)

// readLinkedData reads the first schema.org article of the page's JSON-LD
// scripts.
func readLinkedData(scripts []string) linkedData {
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<![CDATA["), "]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			continue
		}
		if obj := findArticle(v, 0); obj != nil {
			ld := linkedData{
				Title:       str(obj["headline"]),
				Author:      names(obj["author"]),
				Date:        normalizeDate(str(obj["datePublished"])),
				Description: str(obj["description"]),
			}
			if ld.Title == "" {
				ld.Title = str(obj["name"])
			}
			if p, ok := obj["publisher"].(map[string]any); ok {
				ld.Site = str(p["name"])
			}
			return ld
		}
	}
	return linkedData{}
}

// linkedThread reports whether the page's JSON-LD scripts describe a
// DiscussionForumPosting (a forum thread, whose posts the page may mark
// as Comments alone) anywhere, often as a WebPage's mainEntity; and the
// name of its author.
func linkedThread(scripts []string) (found bool, author string) {
	var find func(v any, depth int) map[string]any
	find = func(v any, depth int) map[string]any {
		if depth > maxLinkedDepth {
			return nil
		}
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				if o := find(e, depth+1); o != nil {
					return o
				}
			}
		case map[string]any:
			if hasType(v["@type"], "DiscussionForumPosting") {
				return v
			}
			for _, e := range v {
				if o := find(e, depth+1); o != nil {
					return o
				}
			}
		}
		return nil
	}
	for _, s := range scripts {
		if !strings.Contains(s, "DiscussionForumPosting") {
			continue
		}
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<![CDATA["), "]]>")
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			continue
		}
		if o := find(v, 0); o != nil {
			return true, names(o["author"])
		}
	}
	return false, ""
}

// maxLinkedDepth bounds the search of nested JSON-LD.
const maxLinkedDepth = 4

// findArticle returns the first object of an article's type in v: v
// itself, an element of an array, or one of its @graph.
func findArticle(v any, depth int) map[string]any {
	if depth > maxLinkedDepth {
		return nil
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if o := findArticle(e, depth+1); o != nil {
				return o
			}
		}
	case map[string]any:
		if isArticleType(v["@type"]) {
			return v
		}
		if g, ok := v["@graph"]; ok {
			return findArticle(g, depth+1)
		}
	}
	return nil
}

func isArticleType(t any) bool { return typeMatches(t, articleType.MatchString) }

// hasType reports whether the @type t is name or lists it.
func hasType(t any, name string) bool {
	return typeMatches(t, func(s string) bool { return s == name })
}

func typeMatches(t any, match func(string) bool) bool {
	switch t := t.(type) {
	case string:
		return match(t)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && match(s) {
				return true
			}
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return collapse(s)
}

// names reads an author: a name, a person, or a list of them.
func names(v any) string {
	switch v := v.(type) {
	case string:
		return collapse(v)
	case map[string]any:
		return str(v["name"])
	case []any:
		var all []string
		for _, e := range v {
			if n := names(e); n != "" {
				all = append(all, n)
			}
		}
		return strings.Join(all, ", ")
	}
	return ""
}
