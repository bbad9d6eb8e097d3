// Package archtest holds the test that keeps wxcast's dependency rule
// (docs/architecture.md): dependencies point inward, from cmd through
// handlers and bot to rules and store, and the simulator and the demo
// stay out of production code. It has no code of its own.
package archtest
