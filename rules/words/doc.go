// Package words checks broadcast text against word lists by category
// before a broadcast is approved.
//
// # Word lists
//
// A list is a UTF-8 file <category>.txt with one word or phrase per line;
// blank lines and lines starting with # are ignored and surrounding
// spaces are trimmed. Category names are lowercase [a-z0-9_-]+. The file
// allow.txt is no category: it lists phrases that cancel every hit lying
// entirely inside an occurrence of them (第一次 cancels 第一). A word may
// be listed in several categories and is then reported under each. Parse
// reports every problem at once, each as words/<file>:<line>: <what>.
// Lists are bounded (MaxFileSize, MaxTotalSize, MaxFiles) before they are
// parsed, and Load reads no file past its bound.
// The default lists are configs.DefaultWords(); a Source keeps the live
// lists of a directory and reloads them when the files change, refusing
// an invalid version.
//
// # Matching
//
// Words and text are compared folded: full-width ASCII forms and the
// ideographic space as ASCII, everything lower-cased. Separators in the
// text — spaces, punctuation, symbols and emoji, format characters such as
// the zero-width space, control characters, combining marks — are skipped,
// so 最 佳, 最★佳 and c.a.s.i.n.o all hit, but at most 3 in a row: a
// longer run ends every partial match, so that words of different
// sentences do not join up. A hit starts and ends on a word character;
// its Start and Len count runes of the text as given, separators
// included. A word that starts (ends) with an ASCII letter or digit only
// hits where the text character before (after) it is none, so casino does
// not hit occasion; CJK words need no boundary.
//
// Check is one pass of an Aho–Corasick automaton over the folded runes.
// Every occurrence of every word is reported, overlapping ones too, then
// allow phrases cancel the hits inside them. A List is immutable and safe
// for concurrent use.
//
// Like rules, words is pure: it imports rules/watch and nothing of store,
// bot or handlers.
package words
