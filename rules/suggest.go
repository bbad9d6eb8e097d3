package rules

import (
	"sort"
	"strings"
)

// didYouMean returns " (did you mean a, b or c?)" for the candidates
// closest to name, or "" when none is close. Close means a small edit
// distance (case-insensitive, a transposition counts once: 1 for names of
// up to 4 characters, else 2) or one being a prefix of the other, which
// catches `user.messages` → messages_7d.
func didYouMean(name string, candidates []string) string {
	return formatHint(suggestions(name, candidates))
}

// formatHint formats suggestions as " (did you mean a, b or c?)".
func formatHint(best []string) string {
	switch len(best) {
	case 0:
		return ""
	case 1:
		return " (did you mean " + best[0] + "?)"
	}
	return " (did you mean " + strings.Join(best[:len(best)-1], ", ") + " or " + best[len(best)-1] + "?)"
}

// suggestions picks at most three of the closest candidates.
func suggestions(name string, candidates []string) []string {
	type scored struct {
		s    string
		dist int
	}
	low := strings.ToLower(name)
	maxDist := 2
	if len([]rune(low)) <= 4 {
		maxDist = 1
	}
	var found []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(low, lc)
		prefix := len(low) >= 3 && (strings.HasPrefix(lc, low) || strings.HasPrefix(low, lc))
		if prefix {
			d = min(d, 1) // as good as one typo: the author stopped early
		}
		if (d <= maxDist && d < len([]rune(low))) || prefix {
			found = append(found, scored{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].dist < found[j].dist })
	var out []string
	for i := 0; i < len(found) && i < 3 && found[i].dist == found[0].dist; i++ {
		out = append(out, found[i].s)
	}
	return out
}

// distance is the optimal string alignment distance (Damerau-Levenshtein
// without repeated edits of a substring) between a and b, in runes.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}

// Suggest returns at most three of candidates close to name (a small
// edit distance in any case, or a prefix), closest first: for a
// did-you-mean wherever a name was mistyped.
func Suggest(name string, candidates []string) []string {
	return suggestions(name, candidates)
}
