package fidelity

import (
	"strings"
	"unicode"
)

// WordF1 scores an extraction: the F1 of the words of got against those of
// want, as bags of words, the measure of article-extraction benchmarks.
// Two empty texts score 1.
func WordF1(got, want string) float64 {
	count := func(s string) (map[string]int, int) {
		m, n := map[string]int{}, 0
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			m[w]++
			n++
		}
		return m, n
	}
	g, ng := count(got)
	w, nw := count(want)
	common := 0
	for k, n := range g {
		common += min(n, w[k])
	}
	if common == 0 {
		if ng == 0 && nw == 0 {
			return 1
		}
		return 0
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}
