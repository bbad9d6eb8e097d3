// Package segment evaluates rules over the followers kept in the store:
// it builds the rule environment's view of a stored profile (User), counts,
// samples and streams the followers of a segment (Select), and replays
// stored event histories through candidate tag rules (Backtest).
//
// Package rules compiles and runs expressions over plain values and knows
// nothing of the store; this package is the bridge between the two. It
// imports rules and store, and must not import package bot, handlers or
// anything HTTP: bot and the command-line tools import it.
package segment
